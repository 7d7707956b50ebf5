using System.Collections.Concurrent;

namespace SupportBot.Skills.Conversation;

/// <summary>
/// Where each conversation's story is kept, apart from its state: lines are appended on every turn but read only
/// when a ticket is written, so they don't travel with the state that every turn loads, hashes and saves.
/// </summary>
public interface IStoryStore
{
    /// <summary>Adds lines (already cut and redacted, see <see cref="Transcript.Add"/>) to the conversation's story.</summary>
    Task AppendAsync(string conversationKey, IReadOnlyList<TranscriptLine> lines, CancellationToken cancellationToken);

    /// <summary>The conversation's recent story, oldest first, within the <see cref="Transcript"/> bounds.</summary>
    Task<IReadOnlyList<TranscriptLine>> ReadAsync(string conversationKey, CancellationToken cancellationToken);
}

/// <summary>Stories kept in this process (the embedded default); a conversation silent for <see cref="Idle"/> is forgotten.</summary>
public sealed class InMemoryStoryStore(TimeProvider time) : IStoryStore
{
    public static readonly TimeSpan Idle = Transcript.MaxAge;

    private readonly ConcurrentDictionary<string, Entry> _stories = new(StringComparer.Ordinal);
    private long _appends;

    public Task AppendAsync(string conversationKey, IReadOnlyList<TranscriptLine> lines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lines);
        if (lines.Count == 0)
        {
            return Task.CompletedTask;
        }

        var now = time.GetUtcNow();
        var entry = _stories.GetOrAdd(conversationKey, _ => new Entry());
        lock (entry)
        {
            foreach (var line in lines)
            {
                entry.Story.Append(line);
            }

            entry.LastWrite = now;
        }

        if (Interlocked.Increment(ref _appends) % 1024 == 0)
        {
            ForgetIdle(now);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<TranscriptLine>> ReadAsync(string conversationKey, CancellationToken cancellationToken)
    {
        if (!_stories.TryGetValue(conversationKey, out var entry))
        {
            return Task.FromResult<IReadOnlyList<TranscriptLine>>([]);
        }

        lock (entry)
        {
            return Task.FromResult<IReadOnlyList<TranscriptLine>>([.. entry.Story.Lines]);
        }
    }

    private void ForgetIdle(DateTimeOffset now)
    {
        foreach (var (key, entry) in _stories)
        {
            if (now - entry.LastWrite > Idle)
            {
                _stories.TryRemove(KeyValuePair.Create(key, entry));
            }
        }
    }

    private sealed class Entry
    {
        public Transcript Story { get; } = new();

        public DateTimeOffset LastWrite { get; set; }
    }
}
