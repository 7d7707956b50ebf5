using System.Runtime.ExceptionServices;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Integration.AspNet.Core;
using Microsoft.Bot.Connector.Authentication;
using SupportBot.Bot.State;
using SupportBot.Skills.HelpDesk;

namespace SupportBot.Bot.Hosting;

/// <summary>The Bot Framework <see cref="CloudAdapter"/> with the turn gate and a turn error handler that apologises.</summary>
public sealed class SupportBotAdapter : CloudAdapter
{
    public SupportBotAdapter(
        BotFrameworkAuthentication authentication,
        TurnGateMiddleware turnGate,
        HelpDeskProfile helpDesk,
        ILogger<SupportBotAdapter> logger)
        : base(authentication, logger)
    {
        Use(turnGate);
        OnTurnError = async (turnContext, exception) =>
        {
            if (exception is TurnDeferredException)
            {
                // Nothing ran: let the endpoint answer 503 so the channel redelivers the activity.
                ExceptionDispatchInfo.Throw(exception);
            }

            logger.LogError(
                exception,
                "Turn failed for activity {ActivityId} ({ActivityType}) on {ChannelId}",
                turnContext.Activity.Id,
                turnContext.Activity.Type,
                turnContext.Activity.ChannelId);

            if (turnContext.Activity.Type != Microsoft.Bot.Schema.ActivityTypes.Message)
            {
                return;
            }

            try
            {
                await turnContext.SendActivityAsync(
                    "Sorry, something went wrong on my side and I couldn't finish that. " + helpDesk.HowToReachAPerson());
            }
            catch (Exception sendFailure)
            {
                logger.LogError(sendFailure, "Could not send the apology for activity {ActivityId}", turnContext.Activity.Id);
            }
        };
    }

    /// <summary>Runs one activity through the real pipeline: authentication, middleware, the bot.</summary>
    public Task<Microsoft.Bot.Builder.InvokeResponse> ProcessAsync(
        string authHeader,
        Microsoft.Bot.Schema.Activity activity,
        BotCallbackHandler callback,
        CancellationToken cancellationToken) =>
        ProcessActivityAsync(authHeader, activity, callback, cancellationToken);
}
