using Microsoft.Bot.Builder;

namespace SupportBot.Bot.State;

/// <summary>
/// Runs first on every turn: waits for the conversation's previous turn (state is loaded and saved inside
/// the lock, so concurrent messages never overwrite each other's changes) and drops a redelivered activity.
/// </summary>
public sealed class TurnGateMiddleware(
    IConversationLock conversationLock,
    IProcessedActivities processed,
    ILogger<TurnGateMiddleware> logger) : Microsoft.Bot.Builder.IMiddleware
{
    public async Task OnTurnAsync(ITurnContext turnContext, NextDelegate next, CancellationToken cancellationToken = default)
    {
        var activity = turnContext.Activity;
        var conversationKey = $"{activity.ChannelId}:{activity.Conversation?.Id}";

        IAsyncDisposable hold;
        try
        {
            hold = await conversationLock.AcquireAsync(conversationKey, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new TurnDeferredException("the conversation's previous turn or the state store is not available", ex);
        }

        await using (hold.ConfigureAwait(false))
        {
            var activityKey = DeliveryId(activity) is { } id ? $"{conversationKey}:{id}" : null;
            if (activityKey is not null && await processed.WasProcessedAsync(activityKey, cancellationToken).ConfigureAwait(false))
            {
                logger.LogInformation(
                    "Ignored redelivered activity {ActivityId} ({ActivityType}) on {ChannelId}",
                    activity.Id,
                    activity.Type,
                    activity.ChannelId);
                return;
            }

            await next(cancellationToken).ConfigureAwait(false);

            if (activityKey is not null)
            {
                await processed.MarkProcessedAsync(activityKey, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // Slack retries an event it thinks went unanswered (X-Slack-Retry-Num), and a mention in a channel arrives twice
    // (app_mention and message.channels): what stays the same is the message's channel and timestamp.
    private static string? DeliveryId(Microsoft.Bot.Schema.Activity activity)
    {
        if (activity.ChannelId == "slack" && Channels.Slack.SlackChannelData.MessageKey(activity.ChannelData) is { } messageKey)
        {
            return messageKey;
        }

        return string.IsNullOrEmpty(activity.Id) ? null : activity.Id;
    }
}

/// <summary>
/// The turn could not start (its conversation is still busy, or state is unreachable). Nothing ran, so the
/// channel is answered 503 and redelivers the activity later: the message is not lost.
/// </summary>
public sealed class TurnDeferredException(string reason, Exception inner)
    : Exception($"The turn was deferred: {reason}.", inner);
