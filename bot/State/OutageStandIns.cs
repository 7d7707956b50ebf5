using System.Collections.Concurrent;
using Microsoft.Bot.Builder;
using SupportBot.Skills.Knowledge;
using SupportBot.Skills.SelfHelp;

namespace SupportBot.Bot.State;

// While Redis is unreachable each of these answers from an in-process stand-in, so a turn neither fails nor waits;
// Redis is the record again as soon as it is back (docs/decisions/0013).

/// <summary>
/// Bot state in Redis, or during an outage in this instance's memory. The stand-in starts empty at each outage: the
/// conversation's shared history can't be read, and what is learnt meanwhile is not written back over it. A turn that
/// read an item from the stand-in and ends after Redis is back writes it to Redis only if Redis has none, so the
/// blank start of an outage never overwrites a conversation's real history.
/// </summary>
public sealed class OutageTolerantStorage(RedisStorage redis, RedisConnection connection) : IStorage
{
    private readonly Lock _gate = new();
    private StandInMemory _standIn = new(-1);

    public Task<IDictionary<string, object>> ReadAsync(string[] keys, CancellationToken cancellationToken = default) =>
        connection.RunAsync(
            async _ =>
            {
                var found = await redis.ReadAsync(keys, cancellationToken).ConfigureAwait(false);
                var standIn = Volatile.Read(ref _standIn);
                foreach (var key in keys)
                {
                    standIn.ReadHere.TryRemove(key, out var _);
                }

                return found;
            },
            () =>
            {
                var standIn = StandIn;
                foreach (var key in keys)
                {
                    standIn.ReadHere[key] = 0;
                }

                return standIn.Memory.ReadAsync(keys, cancellationToken);
            });

    public Task WriteAsync(IDictionary<string, object> changes, CancellationToken cancellationToken = default) =>
        connection.RunAsync(
            async _ =>
            {
                var standIn = Volatile.Read(ref _standIn);
                var readHere = changes.Keys.Where(standIn.ReadHere.ContainsKey).ToArray();
                if (readHere.Length == 0)
                {
                    await redis.WriteAsync(changes, cancellationToken).ConfigureAwait(false);
                    return;
                }

                // Read from the stand-in, written now that Redis answers: the stand-in keeps it for the rest of the
                // outage, and Redis gets it only where it has nothing of its own (the turn lock keeps this check and
                // the write together).
                await standIn.Memory.WriteAsync(changes.Where(c => readHere.Contains(c.Key)).ToDictionary(), cancellationToken).ConfigureAwait(false);
                var kept = await redis.ReadAsync(readHere, cancellationToken).ConfigureAwait(false);
                var toRedis = changes.Where(c => !kept.ContainsKey(c.Key)).ToDictionary();
                if (toRedis.Count > 0)
                {
                    await redis.WriteAsync(toRedis, cancellationToken).ConfigureAwait(false);
                }
            },
            () => StandIn.Memory.WriteAsync(changes, cancellationToken));

    public Task DeleteAsync(string[] keys, CancellationToken cancellationToken = default) =>
        connection.RunAsync(_ => redis.DeleteAsync(keys, cancellationToken), () => StandIn.Memory.DeleteAsync(keys, cancellationToken));

    /// <summary>What this instance has held under <paramref name="key"/> since the current outage began, or null.</summary>
    public async Task<object?> HeldDuringOutageAsync(string key, CancellationToken cancellationToken) =>
        (await StandIn.Memory.ReadAsync([key], cancellationToken).ConfigureAwait(false)).TryGetValue(key, out var held) ? held : null;

    private StandInMemory StandIn
    {
        get
        {
            var outage = connection.Outage;
            lock (_gate)
            {
                if (_standIn.Outage != outage)
                {
                    Volatile.Write(ref _standIn, new StandInMemory(outage));
                }

                return _standIn;
            }
        }
    }

    private sealed class StandInMemory(int outage)
    {
        public int Outage { get; } = outage;

        public MemoryStorage Memory { get; } = new();

        // Items a turn read from the stand-in: written back to Redis only where Redis has none.
        public ConcurrentDictionary<string, byte> ReadHere { get; } = new(StringComparer.Ordinal);
    }
}

/// <summary>Redelivery detection in Redis, or in this instance's memory during an outage.</summary>
public sealed class OutageTolerantProcessedActivities(
    RedisProcessedActivities redis,
    InMemoryProcessedActivities local,
    RedisConnection connection) : IProcessedActivities
{
    public async Task<bool> WasProcessedAsync(string activityKey, CancellationToken cancellationToken) =>
        await connection.RunAsync(_ => redis.WasProcessedAsync(activityKey, cancellationToken), () => Task.FromResult(false)).ConfigureAwait(false) ||

        // Marked here during an outage and redelivered since.
        await local.WasProcessedAsync(activityKey, cancellationToken).ConfigureAwait(false);

    public Task MarkProcessedAsync(string activityKey, CancellationToken cancellationToken) =>
        connection.RunAsync(_ => redis.MarkProcessedAsync(activityKey, cancellationToken), () => local.MarkProcessedAsync(activityKey, cancellationToken));
}

/// <summary>Pending confirmations in Redis, or in this instance's memory during an outage (cards sent meanwhile).</summary>
public sealed class OutageTolerantConfirmationStore(
    RedisConfirmationStore redis,
    InMemoryConfirmationStore local,
    RedisConnection connection) : IConfirmationStore
{
    public Task SaveAsync(PendingConfirmation pending, CancellationToken cancellationToken) =>
        connection.RunAsync(_ => redis.SaveAsync(pending, cancellationToken), () => local.SaveAsync(pending, cancellationToken));

    public async Task<(PendingConfirmation Pending, bool Used)?> FindAsync(string token, CancellationToken cancellationToken) =>
        await local.FindAsync(token, cancellationToken).ConfigureAwait(false) ??
        await connection.RunAsync(_ => redis.FindAsync(token, cancellationToken), () => Task.FromResult<(PendingConfirmation, bool)?>(null)).ConfigureAwait(false);

    public async Task<bool> TryUseAsync(string token, CancellationToken cancellationToken) =>
        await local.FindAsync(token, cancellationToken).ConfigureAwait(false) is not null
            ? await local.TryUseAsync(token, cancellationToken).ConfigureAwait(false)
            : await connection.RunAsync(_ => redis.TryUseAsync(token, cancellationToken), () => Task.FromResult(false)).ConfigureAwait(false);
}

/// <summary>Article feedback in Redis; during an outage it is kept in this instance's memory rather than lost to the turn.</summary>
public sealed class OutageTolerantKnowledgeFeedback(
    RedisKnowledgeFeedback redis,
    InMemoryKnowledgeFeedback local,
    RedisConnection connection) : IKnowledgeFeedback
{
    public Task RecordAsync(ArticleFeedback feedback, CancellationToken cancellationToken) =>
        connection.RunAsync(_ => redis.RecordAsync(feedback, cancellationToken), () => local.RecordAsync(feedback, cancellationToken));

    public Task<IReadOnlyList<ArticleFeedback>> RecentAsync(int max, CancellationToken cancellationToken) =>
        connection.RunAsync(_ => redis.RecentAsync(max, cancellationToken), () => local.RecentAsync(max, cancellationToken));
}
