using System.Diagnostics;
using System.Threading.Channels;

namespace SupportBot.Skills.Insights;

/// <summary>Takes insight events on the turn path: never blocks, never throws for a full queue.</summary>
public interface IInsightsRecorder
{
    void Record(InsightEvent insight);
}

/// <summary>
/// A bounded in-process queue drained by <see cref="InsightsWriter"/>. A turn only enqueues; when the queue is full the
/// event is dropped and counted (the writer logs the count) so a slow disk never slows a conversation.
/// </summary>
public sealed class InsightsBuffer : IInsightsRecorder
{
    private readonly Channel<InsightEvent> _channel;
    private long _accepted;
    private long _done;
    private long _dropped;
    private long _droppedUnreported;

    public InsightsBuffer(int capacity)
    {
        _channel = Channel.CreateBounded<InsightEvent>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
            AllowSynchronousContinuations = false,
        });
    }

    /// <summary>Events dropped because the queue was full, since start.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    internal ChannelReader<InsightEvent> Reader => _channel.Reader;

    public void Record(InsightEvent insight)
    {
        ArgumentNullException.ThrowIfNull(insight);
        if (_channel.Writer.TryWrite(insight))
        {
            Interlocked.Increment(ref _accepted);
            return;
        }

        Interlocked.Increment(ref _dropped);
        Interlocked.Increment(ref _droppedUnreported);
    }

    /// <summary>Waits (up to <paramref name="timeout"/>) until what was queued before the call has been written.</summary>
    public async Task<bool> FlushAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var target = Interlocked.Read(ref _accepted);
        var started = Stopwatch.GetTimestamp();
        while (Interlocked.Read(ref _done) < target)
        {
            if (Stopwatch.GetElapsedTime(started) >= timeout)
            {
                return false;
            }

            await Task.Delay(10, cancellationToken);
        }

        return true;
    }

    internal void MarkDone(int count) => Interlocked.Add(ref _done, count);

    internal long TakeUnreportedDrops() => Interlocked.Exchange(ref _droppedUnreported, 0);

    internal void Complete() => _channel.Writer.TryComplete();
}
