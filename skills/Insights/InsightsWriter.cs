using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SupportBot.Skills.Insights;

/// <summary>
/// Drains <see cref="InsightsBuffer"/> into <see cref="InsightsStore"/> in batches, and reports events the queue had to
/// drop. A batch the database refuses (disk full, locked for longer than the busy timeout) is logged and dropped:
/// insights are statistics, and holding them back would let the queue fill and drop newer ones anyway.
/// </summary>
public sealed class InsightsWriter(InsightsBuffer queue, InsightsStore store, ILogger<InsightsWriter> logger) : BackgroundService
{
    private const int MaxBatch = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the host's start-up path: the first write (and SQLite's file work) happens on a pool thread.
        await Task.Yield();
        var batch = new List<InsightEvent>(MaxBatch);
        try
        {
            while (await queue.Reader.WaitToReadAsync(stoppingToken))
            {
                WriteAvailable(batch);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is already queued is written below.
        }

        WriteAvailable(batch);
    }

    private void WriteAvailable(List<InsightEvent> batch)
    {
        while (true)
        {
            batch.Clear();
            while (batch.Count < MaxBatch && queue.Reader.TryRead(out var insight))
            {
                batch.Add(insight);
            }

            ReportDrops();
            if (batch.Count == 0)
            {
                return;
            }

            try
            {
                store.Write(batch);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                logger.LogError(ex, "Could not write {Count} insight events to {InsightsDatabase}; they are dropped", batch.Count, store.Path);
            }
            finally
            {
                queue.MarkDone(batch.Count);
            }
        }
    }

    private void ReportDrops()
    {
        var dropped = queue.TakeUnreportedDrops();
        if (dropped > 0)
        {
            logger.LogWarning(
                "The insights queue was full: {Dropped} events dropped ({TotalDropped} since start). The insight page undercounts; raise Insights:QueueCapacity or check the database's disk",
                dropped, queue.Dropped);
        }
    }
}

/// <summary>Deletes insight rows older than <see cref="InsightsOptions.RetentionDays"/>, at start and then every few hours.</summary>
public sealed class InsightsRetention(InsightsStore store, IOptions<InsightsOptions> options, TimeProvider time, ILogger<InsightsRetention> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(6);

    /// <summary>Deletes what is past retention now; returns the rows deleted.</summary>
    public int Purge()
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var deleted = store.DeleteBefore(today.AddDays(-(options.Value.RetentionDays - 1)));
        if (deleted > 0)
        {
            logger.LogInformation("Deleted {Rows} insight rows older than {RetentionDays} days", deleted, options.Value.RetentionDays);
        }

        return deleted;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                Purge();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                logger.LogWarning(ex, "Could not delete old insight rows from {InsightsDatabase}; trying again later", store.Path);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
