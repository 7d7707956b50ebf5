using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.Options;
using SupportBot.Bot.Channels.Rendering;
using SupportBot.Skills.Conversation;

namespace SupportBot.Bot.Hosting;

/// <summary>How much one person (or one Direct Line token) may send, so a flood can't starve everyone else.</summary>
public sealed class LimitsOptions
{
    public const string SectionName = "Limits";

    /// <summary>Messages one user may send per minute, per instance; more get one polite "slow down" and are not answered.</summary>
    [Range(1, 100_000)]
    public int MessagesPerUserPerMinute { get; set; } = 30;

    /// <summary>Activities one Direct Line token may post per minute; more are answered 429 with Retry-After.</summary>
    [Range(1, 100_000)]
    public int DirectLineActivitiesPerTokenPerMinute { get; set; } = 60;
}

/// <summary>
/// Per-user turn limit (a fixed one-minute window per channel user). The first message over the limit in a window
/// gets a clear reply; the rest of that window's are dropped with a log line, so a script can't make the bot spend
/// itself on one conversation.
/// </summary>
public sealed class UserRateLimitMiddleware : Microsoft.Bot.Builder.IMiddleware, IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    // One "slow down" per user per window: the same limiter kind, one permit (idle partitions are dropped by it).
    private readonly PartitionedRateLimiter<string> _notices;
    private readonly ReplySender _sender;
    private readonly ILogger<UserRateLimitMiddleware> _logger;

    public UserRateLimitMiddleware(IOptions<LimitsOptions> options, ReplySender sender, ILogger<UserRateLimitMiddleware> logger)
    {
        _limiter = PerKey(options.Value.MessagesPerUserPerMinute);
        _notices = PerKey(1);
        _sender = sender;
        _logger = logger;
    }

    public async Task OnTurnAsync(ITurnContext turnContext, NextDelegate next, CancellationToken cancellationToken = default)
    {
        var activity = turnContext.Activity;
        if (activity.Type != ActivityTypes.Message || string.IsNullOrEmpty(activity.From?.Id))
        {
            await next(cancellationToken);
            return;
        }

        var key = $"{activity.ChannelId}:{activity.From.Id}";
        using var lease = _limiter.AttemptAcquire(key);
        if (lease.IsAcquired)
        {
            await next(cancellationToken);
            return;
        }

        using var notice = _notices.AttemptAcquire(key);
        if (!notice.IsAcquired)
        {
            _logger.LogDebug("Dropped a message over the per-user limit on {ChannelId}", activity.ChannelId);
            return;
        }

        _logger.LogWarning("A user on {ChannelId} sent more than the per-user message limit in a minute; slowing them down", activity.ChannelId);
        await _sender.SendAsync(turnContext, Reply.Say(
            "You're sending messages faster than I can answer them. Give me a minute, then send your question again — " +
            "everything before this was received."), cancellationToken);
    }

    public void Dispose()
    {
        _limiter.Dispose();
        _notices.Dispose();
    }

    private static PartitionedRateLimiter<string> PerKey(int permits) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(
            key, _ => AbuseLimits.PerMinute(permits)));
}

public static class AbuseLimits
{
    /// <summary>The rate-limiting policy of the Direct Line activity endpoint: per token.</summary>
    public const string DirectLinePolicy = "directline-per-token";

    public static IHostApplicationBuilder AddAbuseLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<LimitsOptions>()
            .BindConfiguration(LimitsOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<UserRateLimitMiddleware>();
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                await context.HttpContext.Response.WriteAsJsonAsync(
                    new { error = new { code = "TooManyRequests", message = "This token posted too many activities in a minute. Wait a minute and try again." } },
                    cancellationToken);
            };
            limiter.AddPolicy(DirectLinePolicy, http =>
            {
                var permits = http.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value.DirectLineActivitiesPerTokenPerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(
                    http.Request.Headers.Authorization.ToString(),
                    _ => PerMinute(permits));
            });
        });
        return builder;
    }

    /// <summary>A one-minute fixed window of <paramref name="permits"/>, nothing queued: over the limit is refused at once.</summary>
    internal static FixedWindowRateLimiterOptions PerMinute(int permits) =>
        new() { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 };
}
