using Microsoft.Bot.Builder;
using Microsoft.Extensions.Options;
using Newtonsoft.Json;
using SupportBot.Bot.State;

namespace SupportBot.Bot.Hosting;

/// <summary>
/// POST /api/messages: the Bot Framework channel endpoint. A thin, strict front for the CloudAdapter:
/// authentication first, then a well-formed activity, then the turn; every failure is a clear 4xx/503.
/// </summary>
public static class MessagesEndpoint
{
    public static async Task<IResult> HandleAsync(
        HttpContext http,
        SupportBotAdapter adapter,
        IBot bot,
        IOptions<BotOptions> botOptions,
        IOptions<BotCredentialsOptions> credentials,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger(typeof(MessagesEndpoint));
        string authHeader = http.Request.Headers.Authorization.ToString();

        // Refuse before reading the body: an unauthenticated caller learns nothing about what we accept.
        if (!credentials.Value.IsAnonymous && string.IsNullOrWhiteSpace(authHeader))
        {
            logger.LogWarning("Rejected /api/messages request without a Bot Framework token from {RemoteIp}", http.Connection.RemoteIpAddress);
            return Unauthorized();
        }

        var read = await ActivityReader.ReadAsync(http.Request, botOptions.Value.MaxActivityBytes, requireServiceUrl: true, cancellationToken);
        if (!read.IsValid)
        {
            logger.LogWarning("Rejected /api/messages request: {Problem}", read.Error);
            return TypedResults.Problem(read.Error, statusCode: read.StatusCode, title: "The activity was not accepted.");
        }

        var activity = read.Activity!;
        try
        {
            var invokeResponse = await adapter.ProcessAsync(authHeader, activity, bot.OnTurnAsync, cancellationToken);
            return invokeResponse is null
                ? TypedResults.Ok()
                : new NewtonsoftJsonResult(invokeResponse.Body, invokeResponse.Status);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or Microsoft.IdentityModel.Tokens.SecurityTokenException or ArgumentException)
        {
            // A missing, malformed or unverifiable token. (The turn's own errors never get here: the
            // adapter's turn error handler takes them.)
            logger.LogWarning("Rejected activity {ActivityId} on {ChannelId}: {Reason}", activity.Id, activity.ChannelId, ex.Message);
            return Unauthorized();
        }
        catch (TurnDeferredException ex)
        {
            logger.LogWarning(ex, "Deferred activity {ActivityId} on {ChannelId}; the channel will redeliver it", activity.Id, activity.ChannelId);
            return RetryLater("The conversation is busy or state is unavailable; retry shortly.");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // Authentication infrastructure can fail here (e.g. the Bot Framework's signing keys can't be
            // fetched): nothing ran, so ask the channel to redeliver rather than lose the message.
            logger.LogError(ex, "Could not process activity {ActivityId} on {ChannelId}", activity.Id, activity.ChannelId);
            return RetryLater("The bot could not process this activity right now; retry shortly.");
        }
    }

    private static IResult Unauthorized() =>
        TypedResults.Problem(
            "This endpoint needs a valid Bot Framework token in the Authorization header.",
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Unauthorized");

    private static IResult RetryLater(string detail) => new RetryAfterResult(
        TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Try again shortly"),
        seconds: 2);

    private sealed class RetryAfterResult(IResult inner, int seconds) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }
}

/// <summary>Writes a body with Newtonsoft.Json, which the Bot Framework schema types are annotated for.</summary>
public sealed class NewtonsoftJsonResult(object? body, int statusCode = StatusCodes.Status200OK) : IResult
{
    public static readonly JsonSerializerSettings Settings = new()
    {
        NullValueHandling = NullValueHandling.Ignore,
        ReferenceLoopHandling = ReferenceLoopHandling.Ignore,
    };

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = statusCode;
        if (body is null)
        {
            return;
        }

        httpContext.Response.ContentType = "application/json; charset=utf-8";
        await httpContext.Response.WriteAsync(JsonConvert.SerializeObject(body, Settings), httpContext.RequestAborted);
    }
}
