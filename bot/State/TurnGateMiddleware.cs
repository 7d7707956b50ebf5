using System.Globalization;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Newtonsoft.Json.Linq;
using SupportBot.Bot.Channels.Rendering;
using SupportBot.Bot.Conversation;
using SupportBot.Bot.Knowledge;
using SupportBot.Bot.SelfHelp;
using SupportBot.Bot.Tickets;
using SupportBot.Skills.Conversation;
using SupportBot.Skills.SelfHelp;

namespace SupportBot.Bot.State;

/// <summary>
/// Runs first on every turn: waits for the conversation's previous turn (state is loaded and saved inside
/// the lock, so concurrent messages never overwrite each other's changes) and drops a redelivered activity.
/// While Redis is unreachable, a message that only makes sense with the conversation's history (a confirmation
/// click, "Send it", a number from a list) is answered honestly instead of being misread as a new question.
/// </summary>
public sealed class TurnGateMiddleware(
    IConversationLock conversationLock,
    IProcessedActivities processed,
    RedisConnection redis,
    IStorage storage,
    ReplySender sender,
    IConfirmationStore confirmations,
    ILogger<TurnGateMiddleware> logger) : Microsoft.Bot.Builder.IMiddleware
{
    public const string CannotConfirm =
        "I'm having trouble with my memory right now, so I can't finish that: I can't look up what you were confirming, " +
        "and nothing was changed. Please ask me again in a few minutes.";

    public const string CannotContinue =
        "I'm having trouble with my memory right now, so I can't pick up where we left off. Please tell me again in a " +
        "sentence what you need — I can still answer questions, and \"talk to a person\" still reaches a technician.";

    private const string NeitherOfThese = "Neither of these";

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

            if (await MemoryTroubleAsync(turnContext, cancellationToken).ConfigureAwait(false) is { } honest)
            {
                await sender.SendAsync(turnContext, Reply.Say(honest), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await next(cancellationToken).ConfigureAwait(false);
            }

            if (activityKey is not null)
            {
                await processed.MarkProcessedAsync(activityKey, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // Only while Redis is down: a reply to something the bot said before the outage, which this instance's stand-in
    // state doesn't know (what it said during the outage, it does).
    private async Task<string?> MemoryTroubleAsync(ITurnContext turnContext, CancellationToken cancellationToken)
    {
        var activity = turnContext.Activity;
        if (activity.Type != ActivityTypes.Message || !redis.IsDown || storage is not OutageTolerantStorage standIn)
        {
            return null;
        }

        if (SelfHelpReplies.ReadSubmit(activity) is { Token: { } token })
        {
            return await confirmations.FindAsync(token, cancellationToken).ConfigureAwait(false) is null ? CannotConfirm : null;
        }

        var text = activity.Text?.Trim() ?? string.Empty;
        var held = await standIn.HeldDuringOutageAsync($"{activity.ChannelId}/conversations/{activity.Conversation?.Id}", cancellationToken).ConfigureAwait(false);
        var data = (held as IDictionary<string, object>)?.TryGetValue(nameof(ConversationData), out var value) == true
            ? value as ConversationData ?? (value as JObject)?.ToObject<ConversationData>()
            : null;
        bool Is(string button) => string.Equals(text, button, StringComparison.OrdinalIgnoreCase);

        var lost =
            (Is(EscalationConversation.SendIt) || Is(EscalationConversation.AddDetails) || Is(EscalationConversation.Cancel)) && data?.Escalation is null ||
            (Is(KnowledgeReplies.FixedIt) || Is(KnowledgeReplies.StillStuck)) && data?.LastArticleId is null ||
            Is(NeitherOfThese) && data?.PendingChoices is not { Count: > 0 } ||
            text.Length is > 0 and <= 3 && text.All(char.IsAsciiDigit) && data?.PendingChoices is not { Count: > 0 } &&
            await sender.FindNumberedAsync(activity, int.Parse(text, CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false) is null;
        return lost ? CannotContinue : null;
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
