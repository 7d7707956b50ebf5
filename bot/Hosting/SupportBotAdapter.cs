using System.Runtime.ExceptionServices;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Integration.AspNet.Core;
using Microsoft.Bot.Connector.Authentication;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.Options;
using SupportBot.Bot.Channels;
using SupportBot.Bot.Channels.Slack;
using SupportBot.Bot.Observability;
using SupportBot.Bot.State;
using SupportBot.Skills.HelpDesk;

namespace SupportBot.Bot.Hosting;

/// <summary>The Bot Framework <see cref="CloudAdapter"/> with the turn gate and a turn error handler that apologises.</summary>
public sealed class SupportBotAdapter : CloudAdapter
{
    private readonly IOptions<BotCredentialsOptions> _credentials;

    public SupportBotAdapter(
        BotFrameworkAuthentication authentication,
        TurnTelemetryMiddleware turnTelemetry,
        TurnGateMiddleware turnGate,
        UserRateLimitMiddleware userLimit,
        SlackIdentityMiddleware slackIdentity,
        ChannelInputMiddleware channelInput,
        HelpDeskProfile helpDesk,
        IOptions<BotCredentialsOptions> credentials,
        ILogger<SupportBotAdapter> logger)
        : base(authentication, logger)
    {
        _credentials = credentials;
        Use(turnTelemetry);
        Use(turnGate);
        Use(userLimit);
        Use(slackIdentity);
        Use(channelInput);
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

    /// <summary>
    /// Runs <paramref name="callback"/> in a proactive turn of the referenced conversation, as this bot. Unlike the
    /// base method, a failure inside the turn (a conversation that no longer exists, a refused send) reaches the caller:
    /// the turn error handler would otherwise log it and try to apologise into the same dead conversation.
    /// </summary>
    public async Task ContinueAsync(ConversationReference reference, BotCallbackHandler callback, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        await ContinueConversationAsync(
            _credentials.Value.MicrosoftAppId ?? string.Empty,
            reference,
            async (turn, ct) =>
            {
                try
                {
                    await callback(turn, ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    failure = ex;
                }
            },
            cancellationToken);
        if (failure is not null)
        {
            ExceptionDispatchInfo.Throw(failure);
        }
    }
}
