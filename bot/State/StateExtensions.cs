using Microsoft.Bot.Builder;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using SupportBot.Skills.Knowledge;
using SupportBot.Skills.SelfHelp;

namespace SupportBot.Bot.State;

public static class StateExtensions
{
    /// <summary>
    /// Conversation and user state: Redis when <c>ConnectionStrings:Redis</c> is set (shared by every
    /// instance: state, turn locks and redelivery detection), otherwise in memory.
    /// </summary>
    public static IHostApplicationBuilder AddBotState(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<StateOptions>()
            .BindConfiguration(StateOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<InProcessConversationLock>();

        // Resolved lazily so every configuration source (including test hosts) decides the store.
        services.AddSingleton<RedisConnection>();
        services.AddSingleton<IStorage>(sp => sp.GetRequiredService<RedisConnection>().Multiplexer is { } redis
            ? ActivatorUtilities.CreateInstance<RedisStorage>(sp, redis)
            : new MemoryStorage());
        services.AddSingleton<IConversationLock>(sp => sp.GetRequiredService<RedisConnection>().Multiplexer is { } redis
            ? ActivatorUtilities.CreateInstance<RedisConversationLock>(sp, redis)
            : sp.GetRequiredService<InProcessConversationLock>());
        services.AddSingleton<IProcessedActivities>(sp => sp.GetRequiredService<RedisConnection>().Multiplexer is { } redis
            ? ActivatorUtilities.CreateInstance<RedisProcessedActivities>(sp, redis)
            : ActivatorUtilities.CreateInstance<InMemoryProcessedActivities>(sp));
        services.AddSingleton<IKnowledgeFeedback>(sp => sp.GetRequiredService<RedisConnection>().Multiplexer is { } redis
            ? ActivatorUtilities.CreateInstance<RedisKnowledgeFeedback>(sp, redis)
            : new InMemoryKnowledgeFeedback());
        services.AddSingleton<IConfirmationStore>(sp => sp.GetRequiredService<RedisConnection>().Multiplexer is { } redis
            ? ActivatorUtilities.CreateInstance<RedisConfirmationStore>(sp, redis)
            : ActivatorUtilities.CreateInstance<InMemoryConfirmationStore>(sp));
        services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);

        services.AddSingleton<ConversationState>();
        services.AddSingleton<UserState>();
        services.AddSingleton<TurnGateMiddleware>();
        return builder;
    }
}

/// <summary>The Redis connection when <c>ConnectionStrings:Redis</c> is set; null means in-memory state.</summary>
public sealed class RedisConnection : IDisposable
{
    private readonly Lazy<ConnectionMultiplexer?> _multiplexer;

    public RedisConnection(IConfiguration configuration, ILogger<RedisConnection> logger)
    {
        var connectionString = configuration.GetConnectionString("Redis");
        _multiplexer = new(() => string.IsNullOrWhiteSpace(connectionString) ? null : Connect(connectionString, logger));
    }

    public IConnectionMultiplexer? Multiplexer => _multiplexer.Value;

    public void Dispose()
    {
        if (_multiplexer.IsValueCreated)
        {
            _multiplexer.Value?.Dispose();
        }
    }

    private static ConnectionMultiplexer Connect(string connectionString, ILogger logger)
    {
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException($"ConnectionStrings:Redis is not a valid StackExchange.Redis connection string: {ex.Message}", ex);
        }

        // Start even while Redis is down: readiness reports it and turns are deferred (503, the channel retries).
        options.AbortOnConnectFail = false;
        options.ClientName ??= "supportbot";
        var multiplexer = ConnectionMultiplexer.Connect(options);
        multiplexer.ConnectionFailed += (_, e) =>
            logger.LogWarning(e.Exception, "Redis connection to {Endpoint} failed: {FailureType}", e.EndPoint, e.FailureType);
        multiplexer.ConnectionRestored += (_, e) => logger.LogInformation("Redis connection to {Endpoint} restored", e.EndPoint);
        return multiplexer;
    }
}

internal sealed class RedisHealthCheck(RedisConnection connection, IOptions<StateOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (connection.Multiplexer is not { } redis)
        {
            return HealthCheckResult.Healthy("State is kept in memory (ConnectionStrings:Redis is not set).");
        }

        try
        {
            var latency = await redis.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"Redis answered in {latency.TotalMilliseconds:F1} ms (prefix {options.Value.KeyPrefix}).");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Redis is not reachable.", ex);
        }
    }
}
