using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Bot.Builder;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using SupportBot.Skills.Conversation;
using SupportBot.Skills.Knowledge;
using SupportBot.Skills.SelfHelp;
using SupportBot.Skills.Tickets;
using SupportBot.Skills.Tickets.Embedded;

namespace SupportBot.Bot.State;

public static class StateExtensions
{
    /// <summary>Data Protection's application name: what one instance protects, every other can read.</summary>
    public const string DataProtectionApplicationName = "SupportBot";

    /// <summary>
    /// Conversation and user state: Redis when <c>ConnectionStrings:Redis</c> is set (shared by every
    /// instance: state, turn locks, redelivery detection, confirmations, feedback, the escalation outbox and the
    /// Data Protection key ring), otherwise in memory. While Redis is unreachable each falls back to an in-process
    /// stand-in, and escalations to this instance's SQLite outbox.
    /// </summary>
    public static IHostApplicationBuilder AddBotState(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<StateOptions>()
            .BindConfiguration(StateOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<InProcessConversationLock>();

        // Resolved lazily so every configuration source (including test hosts) decides the store. With Redis, each
        // store falls back to an in-process stand-in while Redis is unreachable (docs/decisions/0013).
        services.AddSingleton<RedisConnection>();
        services.AddSingleton<IStorage>(sp => sp.GetRequiredService<RedisConnection>().Multiplexer is { } redis
            ? new OutageTolerantStorage(ActivatorUtilities.CreateInstance<RedisStorage>(sp, redis), sp.GetRequiredService<RedisConnection>())
            : new InMemoryStorage());
        services.AddSingleton<IConversationLock>(sp => sp.GetRequiredService<RedisConnection>().Multiplexer is not null
            ? ActivatorUtilities.CreateInstance<RedisConversationLock>(sp)
            : sp.GetRequiredService<InProcessConversationLock>());
        services.AddSingleton<InMemoryProcessedActivities>();
        services.AddSingleton<IProcessedActivities>(sp => sp.GetRequiredService<RedisConnection>().Multiplexer is { } redis
            ? ActivatorUtilities.CreateInstance<OutageTolerantProcessedActivities>(sp, ActivatorUtilities.CreateInstance<RedisProcessedActivities>(sp, redis))
            : sp.GetRequiredService<InMemoryProcessedActivities>());
        services.AddSingleton<IKnowledgeFeedback>(sp => sp.GetRequiredService<RedisConnection>().Multiplexer is { } redis
            ? ActivatorUtilities.CreateInstance<OutageTolerantKnowledgeFeedback>(
                sp, ActivatorUtilities.CreateInstance<RedisKnowledgeFeedback>(sp, redis), new InMemoryKnowledgeFeedback())
            : new InMemoryKnowledgeFeedback());
        services.AddSingleton<IConfirmationStore>(sp => sp.GetRequiredService<RedisConnection>().Multiplexer is { } redis
            ? ActivatorUtilities.CreateInstance<OutageTolerantConfirmationStore>(
                sp, ActivatorUtilities.CreateInstance<RedisConfirmationStore>(sp, redis), ActivatorUtilities.CreateInstance<InMemoryConfirmationStore>(sp))
            : ActivatorUtilities.CreateInstance<InMemoryConfirmationStore>(sp));

        // The ticket outbox moves to Redis, shared by every instance (AddTickets registers the SQLite one with TryAdd,
        // whichever of the two runs first).
        services.RemoveAll<IEscalationOutbox>();
        services.AddSingleton<IEscalationOutbox>(sp => sp.GetRequiredService<RedisConnection>().Multiplexer is { } redis
            ? ActivatorUtilities.CreateInstance<SharedEscalationOutbox>(sp, ActivatorUtilities.CreateInstance<RedisEscalationOutbox>(sp, redis))
            : sp.GetRequiredService<SqliteEscalationOutbox>());

        // Sign-in cookies and antiforgery tokens must read the same on every instance: one application name, and
        // with Redis one key ring in it.
        services.AddDataProtection().SetApplicationName(DataProtectionApplicationName);
        services.AddOptions<KeyManagementOptions>().Configure<RedisConnection, IOptions<StateOptions>>((keys, connection, state) =>
        {
            if (connection.Multiplexer is { } redis)
            {
                keys.XmlRepository = new RedisXmlRepository(() => redis.GetDatabase(), $"{state.Value.KeyPrefix}dataprotection:keys");
            }
        });

        services.AddSingleton<IStoryStore>(sp => sp.GetRequiredService<RedisConnection>().Multiplexer is { } redis
            ? new OutageTolerantStoryStore(ActivatorUtilities.CreateInstance<RedisStoryStore>(sp, redis), sp.GetRequiredService<RedisConnection>())
            : ActivatorUtilities.CreateInstance<InMemoryStoryStore>(sp));
        services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);

        services.AddSingleton<ConversationState>(sp => new EveryTurnConversationState(sp.GetRequiredService<IStorage>()));
        services.AddSingleton<UserState>();
        services.AddSingleton<TurnGateMiddleware>();
        return builder;
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
            // No exception attached: the health check service logs every unhealthy probe, and the outage's own
            // warning already carries the cause once.
            return HealthCheckResult.Unhealthy($"Redis is not reachable ({ex.GetType().Name}).");
        }
    }
}
