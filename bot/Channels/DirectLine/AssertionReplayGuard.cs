using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using SupportBot.Bot.State;

namespace SupportBot.Bot.Channels.DirectLine;

/// <summary>
/// Makes each intranet assertion single-use: its id (<c>jti</c>) is remembered until the assertion could no longer
/// be accepted anyway, so a copy (a log, a proxy, a browser extension) is worth nothing once the token was issued.
/// </summary>
public interface IAssertionReplayGuard
{
    /// <summary>True the first time an issuer's <paramref name="assertionId"/> is seen; false for every replay.</summary>
    Task<bool> TryUseAsync(string issuer, string assertionId, DateTimeOffset rememberUntil, CancellationToken cancellationToken);
}

/// <summary>One instance: used assertion ids in memory, forgotten once expired.</summary>
public sealed class InMemoryAssertionReplayGuard(TimeProvider timeProvider) : IAssertionReplayGuard
{
    private const int PruneAbove = 10_000;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _used = new(StringComparer.Ordinal);

    public Task<bool> TryUseAsync(string issuer, string assertionId, DateTimeOffset rememberUntil, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if (_used.Count > PruneAbove)
        {
            foreach (var (key, until) in _used)
            {
                if (until <= now)
                {
                    _used.TryRemove(KeyValuePair.Create(key, until));
                }
            }
        }

        return Task.FromResult(_used.TryAdd(issuer + "\n" + assertionId, rememberUntil));
    }
}

/// <summary>Every instance: used assertion ids in Redis (SET NX with an expiry), so a replay to another instance fails too.</summary>
public sealed class RedisAssertionReplayGuard(IConnectionMultiplexer redis, IOptions<StateOptions> state, TimeProvider timeProvider) : IAssertionReplayGuard
{
    public Task<bool> TryUseAsync(string issuer, string assertionId, DateTimeOffset rememberUntil, CancellationToken cancellationToken)
    {
        var keepFor = rememberUntil - timeProvider.GetUtcNow();
        if (keepFor < TimeSpan.FromSeconds(1))
        {
            keepFor = TimeSpan.FromSeconds(1);
        }

        // Hashed: the key holds no user-chosen characters and no personal data.
        var id = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(issuer + "\n" + assertionId)));
        return redis.GetDatabase()
            .StringSetAsync($"{state.Value.KeyPrefix}intranet-assertion:{id}", 1, keepFor, When.NotExists)
            .WaitAsync(cancellationToken);
    }
}
