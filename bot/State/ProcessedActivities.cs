using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace SupportBot.Bot.State;

/// <summary>
/// Remembers which activities were already handled, so a channel's redelivery (Teams retries after ~15 s,
/// Direct Line clients retry on 502/504) is acknowledged without being processed twice.
/// </summary>
public interface IProcessedActivities
{
    Task<bool> WasProcessedAsync(string activityKey, CancellationToken cancellationToken);

    Task MarkProcessedAsync(string activityKey, CancellationToken cancellationToken);
}

public sealed class InMemoryProcessedActivities(IOptions<StateOptions> options, TimeProvider timeProvider)
    : IProcessedActivities, IDisposable
{
    private readonly MemoryCache _seen = new(new MemoryCacheOptions { SizeLimit = 200_000, Clock = new Clock(timeProvider) });

    public Task<bool> WasProcessedAsync(string activityKey, CancellationToken cancellationToken) =>
        Task.FromResult(_seen.TryGetValue(activityKey, out _));

    public Task MarkProcessedAsync(string activityKey, CancellationToken cancellationToken)
    {
        _seen.Set(activityKey, true, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = options.Value.DeduplicationWindow });
        return Task.CompletedTask;
    }

    public void Dispose() => _seen.Dispose();

#pragma warning disable CS0618 // ISystemClock is what MemoryCacheOptions still takes.
    private sealed class Clock(TimeProvider timeProvider) : Microsoft.Extensions.Internal.ISystemClock
    {
        public DateTimeOffset UtcNow => timeProvider.GetUtcNow();
    }
#pragma warning restore CS0618
}

public sealed class RedisProcessedActivities(IConnectionMultiplexer redis, IOptions<StateOptions> options) : IProcessedActivities
{
    public Task<bool> WasProcessedAsync(string activityKey, CancellationToken cancellationToken) =>
        redis.GetDatabase().KeyExistsAsync(KeyFor(activityKey)).WaitAsync(cancellationToken);

    public Task MarkProcessedAsync(string activityKey, CancellationToken cancellationToken) =>
        redis.GetDatabase().StringSetAsync(KeyFor(activityKey), 1, options.Value.DeduplicationWindow).WaitAsync(cancellationToken);

    private RedisKey KeyFor(string activityKey) => $"{options.Value.KeyPrefix}seen:{activityKey}";
}
