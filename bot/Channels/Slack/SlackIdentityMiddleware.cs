using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;

namespace SupportBot.Bot.Channels.Slack;

/// <summary>
/// Before a Slack message turn runs, finds out who sent it (<see cref="SlackIdentity"/>) and leaves their directory key
/// in the turn state under <see cref="DirectoryKey"/>, where <c>CallerResolver</c> reads it. Turn state can't be set by
/// anything a channel posts, so only this lookup can vouch for a Slack caller. It never fails a turn: a sender it can't
/// map simply chats as a guest.
/// </summary>
public sealed class SlackIdentityMiddleware(SlackIdentity identity, ILogger<SlackIdentityMiddleware> logger) : Microsoft.Bot.Builder.IMiddleware
{
    /// <summary>The turn-state key of the Slack caller's directory key (a string; absent for a guest).</summary>
    public const string DirectoryKey = "SupportBot.Slack.DirectoryKey";

    /// <summary>The Bot Framework channel id of Slack through Azure Bot Service.</summary>
    public const string ChannelId = "slack";

    public async Task OnTurnAsync(ITurnContext turnContext, NextDelegate next, CancellationToken cancellationToken = default)
    {
        var activity = turnContext.Activity;
        if (activity.ChannelId == ChannelId && activity.Type == ActivityTypes.Message)
        {
            var sender = SlackSender.From(activity, out var problem);
            if (sender is null)
            {
                logger.LogWarning("A Slack activity ({ActivityId}) chats as a guest: {Reason}", activity.Id, problem);
            }
            else if (await ResolveAsync(sender, activity, cancellationToken) is { } key)
            {
                turnContext.TurnState.Set(DirectoryKey, key);
            }
        }

        await next(cancellationToken);
    }

    private async Task<string?> ResolveAsync(SlackSender sender, IActivity activity, CancellationToken cancellationToken)
    {
        try
        {
            return (await identity.ResolveAsync(sender.UserId, sender.TeamId, cancellationToken)).DirectoryKey;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Whatever went wrong, the turn goes on — as a guest, which can do nothing to anyone's account.
            logger.LogWarning(ex, "Slack user {SlackUserId} chats as a guest this turn: the lookup failed unexpectedly (activity {ActivityId})",
                sender.UserId, activity.Id);
            return null;
        }
    }
}
