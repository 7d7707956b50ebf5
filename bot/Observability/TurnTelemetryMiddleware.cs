using Microsoft.Bot.Builder;
using SupportBot.Bot.State;
using SupportBot.Skills.Conversation;

namespace SupportBot.Bot.Observability;

/// <summary>
/// The first middleware of every turn: opens the <c>turn</c> span (a child of the POST /api/messages request span)
/// that the stages hang under, and counts the turn and its outcome when it ends.
/// </summary>
public sealed class TurnTelemetryMiddleware : Microsoft.Bot.Builder.IMiddleware
{
    // Nothing listening (the embedded default): not even an async state machine per turn.
    public Task OnTurnAsync(ITurnContext turnContext, NextDelegate next, CancellationToken cancellationToken = default) =>
        SupportTelemetry.IsObserved ? TrackAsync(turnContext.Activity, next, cancellationToken) : next(cancellationToken);

    // Async, so the turn span is Activity.Current for this turn only, not for the adapter's code after it.
    private static async Task TrackAsync(Microsoft.Bot.Schema.Activity? activity, NextDelegate next, CancellationToken cancellationToken)
    {
        using var turn = SupportTelemetry.BeginTurn(activity?.ChannelId, activity?.Type);
        try
        {
            await next(cancellationToken).ConfigureAwait(false);
        }
        catch (TurnDeferredException)
        {
            turn.Deferred();
            throw;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            turn.Cancelled();
            throw;
        }
        catch (Exception ex)
        {
            // The adapter's turn error handler logs and apologises; this only records that the turn failed.
            turn.Failed(ex);
            throw;
        }
    }
}
