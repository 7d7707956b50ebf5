using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace SupportBot.Bot.State;

/// <summary>Serialises the turns of one conversation, so two messages arriving together both keep their state change.</summary>
public interface IConversationLock
{
    /// <summary>Waits for the conversation's previous turn; throws <see cref="ConversationBusyException"/> after the configured timeout.</summary>
    Task<IAsyncDisposable> AcquireAsync(string conversationKey, CancellationToken cancellationToken);
}

/// <summary>The previous turn of this conversation held on longer than the lock timeout.</summary>
public sealed class ConversationBusyException(string conversationKey)
    : Exception($"Conversation '{conversationKey}' is still busy with an earlier message.");

/// <summary>In-process lock per conversation; enough when one instance serves the bot.</summary>
public sealed class InProcessConversationLock(IOptions<StateOptions> options, TimeProvider timeProvider) : IConversationLock
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public async Task<IAsyncDisposable> AcquireAsync(string conversationKey, CancellationToken cancellationToken)
    {
        var entry = Rent(conversationKey);
        try
        {
            using var timeout = new CancellationTokenSource(options.Value.TurnLockTimeout, timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            await entry.Semaphore.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Return(conversationKey, entry);
            throw new ConversationBusyException(conversationKey);
        }
        catch
        {
            Return(conversationKey, entry);
            throw;
        }

        return new Releaser(() =>
        {
            entry.Semaphore.Release();
            Return(conversationKey, entry);
            return ValueTask.CompletedTask;
        });
    }

    // Entries are reference counted so idle conversations don't accumulate semaphores.
    private Entry Rent(string key)
    {
        while (true)
        {
            var entry = _entries.GetOrAdd(key, static _ => new Entry());
            lock (entry)
            {
                if (!entry.Removed)
                {
                    entry.Users++;
                    return entry;
                }
            }
        }
    }

    private void Return(string key, Entry entry)
    {
        lock (entry)
        {
            if (--entry.Users == 0)
            {
                entry.Removed = true;
                _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
            }
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int Users { get; set; }

        public bool Removed { get; set; }
    }
}

/// <summary>
/// Lock shared by every instance through Redis: SET NX with a lease renewed while the turn runs, released only by
/// its owner. Waiters of the same instance queue on the in-process lock first, so only one of them polls Redis.
/// While Redis is unreachable the in-process lock alone serialises the turns: an outage must not stop the bot.
/// </summary>
public sealed class RedisConversationLock(
    RedisConnection connection,
    InProcessConversationLock local,
    IOptions<StateOptions> options,
    TimeProvider timeProvider) : IConversationLock
{
    private const string RenewScript = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";
    private const string ReleaseScript = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

    public async Task<IAsyncDisposable> AcquireAsync(string conversationKey, CancellationToken cancellationToken)
    {
        var opts = options.Value;
        var started = timeProvider.GetTimestamp();
        var localHold = await local.AcquireAsync(conversationKey, cancellationToken).ConfigureAwait(false);
        try
        {
            var db = connection.Multiplexer!.GetDatabase();
            RedisKey key = $"{opts.KeyPrefix}lock:{conversationKey}";
            var owner = Guid.NewGuid().ToString("N");
            var delay = TimeSpan.FromMilliseconds(5);
            while (true)
            {
                var taken = await connection.RunAsync(
                    async _ => (bool?)await db.StringSetAsync(key, owner, opts.TurnLockLease, When.NotExists).ConfigureAwait(false),
                    () => Task.FromResult<bool?>(null)).ConfigureAwait(false);
                if (taken is null)
                {
                    return localHold;
                }

                if (taken == true)
                {
                    break;
                }

                if (timeProvider.GetElapsedTime(started) >= opts.TurnLockTimeout)
                {
                    throw new ConversationBusyException(conversationKey);
                }

                await Task.Delay(delay, timeProvider, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(100, delay.TotalMilliseconds * 2));
            }

            var lease = (long)opts.TurnLockLease.TotalMilliseconds;
            var renewal = timeProvider.CreateTimer(
                _ =>
                {
                    if (connection.Multiplexer is { IsConnected: true })
                    {
                        _ = db.ScriptEvaluateAsync(RenewScript, [key], [owner, lease], CommandFlags.FireAndForget)
                            .ContinueWith(static t => t.Exception, TaskScheduler.Default);
                    }
                },
                null,
                opts.TurnLockLease / 3,
                opts.TurnLockLease / 3);

            return new Releaser(async () =>
            {
                await renewal.DisposeAsync().ConfigureAwait(false);
                try
                {
                    // Unreleased (Redis went away meanwhile), the lock frees itself when its lease runs out.
                    await connection.RunAsync(_ => db.ScriptEvaluateAsync(ReleaseScript, [key], [owner]), () => Task.FromResult(RedisResult.Create(0))).ConfigureAwait(false);
                }
                finally
                {
                    await localHold.DisposeAsync().ConfigureAwait(false);
                }
            });
        }
        catch
        {
            await localHold.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}

internal sealed class Releaser(Func<ValueTask> release) : IAsyncDisposable
{
    private int _released;

    public ValueTask DisposeAsync() =>
        Interlocked.Exchange(ref _released, 1) == 0 ? release() : ValueTask.CompletedTask;
}
