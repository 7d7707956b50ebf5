using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.Options;
using Newtonsoft.Json.Linq;
using SupportBot.Bot.Hosting;
using SupportBot.Bot.SelfHelp;

namespace SupportBot.Bot.Channels.DirectLine;

/// <summary>
/// The Direct Line 3.0 subset that botframework-webchat and botframework-directlinejs use: tokens, start and
/// reconnect a conversation, post an activity, read activities after a watermark. Incoming activities go
/// through the same CloudAdapter pipeline as /api/messages; the bot's replies come back over HTTP through the
/// connector endpoints in <see cref="LocalConnectorEndpoints"/>.
/// </summary>
public static class DirectLineEndpoints
{
    public static IEndpointRouteBuilder MapDirectLineEndpoints(this IEndpointRouteBuilder app)
    {
        // Web Chat embedded in another site (the intranet) calls the channel from that site's origin.
        var group = app.MapGroup("/v3/directline").DisableAntiforgery().WithCrossOriginBearerAccess();
        group.MapPost("/tokens/generate", GenerateTokenAsync);
        group.MapPost("/tokens/refresh", RefreshTokenAsync);
        group.MapPost("/conversations", StartConversationAsync);
        group.MapGet("/conversations/{conversationId}", ReconnectAsync);
        group.MapPost("/conversations/{conversationId}/activities", PostActivityAsync).RequireRateLimiting(AbuseLimits.DirectLinePolicy);
        group.MapGet("/conversations/{conversationId}/activities", GetActivitiesAsync);
        group.MapGet("/conversations/{conversationId}/stream", DirectLineStream.StreamAsync);
        group.MapPost("/conversations/{conversationId}/upload", (HttpContext _) => DirectLineErrors.Error(
            StatusCodes.Status400BadRequest, "NotSupported", "The local channel does not accept file uploads; describe the problem in a message instead."));
        return app;
    }

    // Like Azure's tokens/generate: a token for a new conversation, bound to the user in the body when the caller may
    // choose it (the holder of DirectLine:LocalSecret, or anyone in the no-configuration demo).
    private static async Task<IResult> GenerateTokenAsync(
        HttpContext http,
        LocalChannel channel,
        DirectLineTokens tokens,
        IOptions<DirectLineOptions> options,
        IOptions<IntranetSignInOptions> intranet)
    {
        if (!channel.IsEnabled)
        {
            return DirectLineErrors.Disabled();
        }

        if (options.Value.LocalSecret is { Length: > 0 } secret && !Secrets.Matches(BearerOf(http), secret))
        {
            return DirectLineErrors.Error(StatusCodes.Status401Unauthorized, "BadSecret", "tokens/generate needs the channel secret as 'Authorization: Bearer <secret>'.");
        }

        var request = await TokenRequest.ReadAsync(http);
        if (request.Error is not null)
        {
            return DirectLineErrors.Error(request.Status, "BadArgument", request.Error);
        }

        var grant = options.Value.LocalSecret is { Length: > 0 } || !WebChatEndpoints.BrowsersMustNotChooseTheirUser(options.Value, intranet.Value)
            ? new DirectLineGrant(DirectLineTokens.NewId(), request.UserId, request.UserName)
            : new DirectLineGrant(DirectLineTokens.NewId(), WebChatEndpoints.NewGuestId(), request.UserName, DirectLineGrant.NoDirectoryUser);
        return TypedResults.Ok(TokenResponse.For(tokens, grant));
    }

    private static async Task<IResult> RefreshTokenAsync(HttpContext http, LocalChannel channel, DirectLineTokens tokens)
    {
        if (!channel.IsEnabled)
        {
            return DirectLineErrors.Disabled();
        }

        var (grant, problem) = await tokens.ValidateAsync(BearerOf(http));
        return grant is null ? DirectLineErrors.BadToken(problem) : TypedResults.Ok(TokenResponse.For(tokens, grant));
    }

    private static async Task<IResult> StartConversationAsync(
        HttpContext http,
        LocalChannel channel,
        DirectLineTokens tokens,
        DirectLineConversations conversations,
        SupportBotAdapter adapter,
        IBot bot,
        IOptions<DirectLineOptions> options,
        ILoggerFactory loggerFactory)
    {
        if (!channel.IsEnabled)
        {
            return DirectLineErrors.Disabled();
        }

        var bearer = BearerOf(http);
        DirectLineGrant? grant;
        if (Secrets.Matches(bearer, options.Value.LocalSecret))
        {
            // A client holding the secret starts a fresh conversation for a fresh user, as with Azure.
            grant = new DirectLineGrant(DirectLineTokens.NewId(), "dl_" + DirectLineTokens.NewId(9), null);
        }
        else
        {
            TokenProblem problem;
            (grant, problem) = await tokens.ValidateAsync(bearer);
            if (grant is null)
            {
                return DirectLineErrors.BadToken(problem);
            }
        }

        var user = new ChannelAccount(grant.UserId, grant.UserName, RoleTypes.User);
        var (conversation, created) = conversations.GetOrCreate(grant.ConversationId, user, grant.DirectoryKey);
        if (conversation is null)
        {
            return DirectLineErrors.Error(StatusCodes.Status503ServiceUnavailable, "Busy", "The local channel has too many open conversations; try again later.");
        }

        if (created)
        {
            // Azure Direct Line tells the bot who joined, which is when the bot says hello.
            var joined = new Activity(ActivityTypes.ConversationUpdate)
            {
                Id = $"{conversation.Id}|join",
                ChannelId = LocalChannel.ChannelId,
                ServiceUrl = channel.ServiceUrlFor(http),
                Conversation = new ConversationAccount(id: conversation.Id),
                From = user,
                Recipient = channel.Bot,
                MembersAdded = [channel.Bot, user],
                Timestamp = DateTimeOffset.UtcNow,
            };
            try
            {
                using (CallerResolver.LocalChannelUser(conversation.User.Id, conversation.DirectoryKey))
                {
                    await adapter.ProcessAsync(string.Empty, joined, bot.OnTurnAsync, http.RequestAborted);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The conversation works without the welcome; say so in the log rather than failing the start.
                loggerFactory.CreateLogger(typeof(DirectLineEndpoints)).LogWarning(ex, "The bot did not take the join of local conversation {ConversationId}", conversation.Id);
            }
        }

        var body = TokenResponse.WithStream(tokens, grant, http.Request, watermark: null);
        return created ? TypedResults.Created((string?)null, body) : TypedResults.Ok(body);
    }

    private static async Task<IResult> ReconnectAsync(string conversationId, string? watermark, HttpContext http, LocalChannel channel, DirectLineTokens tokens, DirectLineConversations conversations, IOptions<DirectLineOptions> options)
    {
        var (grant, error) = await AuthorizeAsync(http, conversationId, channel, tokens, options);
        if (error is not null)
        {
            return error;
        }

        return conversations.Find(conversationId) is null
            ? DirectLineErrors.UnknownConversation(conversationId)
            : TypedResults.Ok(TokenResponse.WithStream(tokens, grant ?? new DirectLineGrant(conversationId, conversations.Find(conversationId)!.User.Id, null), http.Request, watermark));
    }

    private static async Task<IResult> GetActivitiesAsync(
        string conversationId,
        string? watermark,
        HttpContext http,
        LocalChannel channel,
        DirectLineTokens tokens,
        DirectLineConversations conversations,
        IOptions<DirectLineOptions> options,
        TimeProvider timeProvider)
    {
        var (_, error) = await AuthorizeAsync(http, conversationId, channel, tokens, options);
        if (error is not null)
        {
            return error;
        }

        if (DirectLineConversations.ParseWatermark(watermark) is not { } since)
        {
            return DirectLineErrors.BadWatermark();
        }

        if (conversations.Find(conversationId) is not { } conversation)
        {
            return DirectLineErrors.UnknownConversation(conversationId);
        }

        var (activities, next) = conversation.Since(since, timeProvider.GetUtcNow());
        return new NewtonsoftJsonResult(new ActivitySet { Activities = [.. activities], Watermark = DirectLineConversations.FormatWatermark(next) });
    }

    private static async Task<IResult> PostActivityAsync(
        string conversationId,
        HttpContext http,
        LocalChannel channel,
        DirectLineTokens tokens,
        DirectLineConversations conversations,
        SupportBotAdapter adapter,
        IBot bot,
        IOptions<BotOptions> botOptions,
        IOptions<DirectLineOptions> options,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
    {
        var logger = loggerFactory.CreateLogger(typeof(DirectLineEndpoints));
        var (grant, error) = await AuthorizeAsync(http, conversationId, channel, tokens, options);
        if (error is not null)
        {
            return error;
        }

        if (conversations.Find(conversationId) is not { } conversation)
        {
            return DirectLineErrors.UnknownConversation(conversationId);
        }

        var read = await ActivityReader.ParseAsync(http.Request, botOptions.Value.MaxActivityBytes, http.RequestAborted);
        if (read.Activity is not { } incoming)
        {
            logger.LogWarning("Rejected an activity posted to local conversation {ConversationId}: {Problem}", conversationId, read.Error);
            return DirectLineErrors.Error(read.StatusCode, read.StatusCode == StatusCodes.Status413PayloadTooLarge ? "MessageSizeTooBig" : "BadArgument", read.Error!);
        }

        if (grant is not null && !string.IsNullOrEmpty(incoming.From?.Id) && incoming.From.Id != grant.UserId)
        {
            logger.LogWarning("Rejected an activity in local conversation {ConversationId}: from.id does not match the token's user", conversationId);
            return DirectLineErrors.Error(StatusCodes.Status403Forbidden, "UserMismatch", "The activity's from.id is not the user this token was issued to.");
        }

        incoming.ChannelId = LocalChannel.ChannelId;
        incoming.Conversation = new ConversationAccount(id: conversation.Id);
        incoming.From = new ChannelAccount(
            conversation.User.Id,
            grant?.UserName ?? incoming.From?.Name ?? conversation.User.Name,
            RoleTypes.User);
        incoming.Recipient = channel.Bot;

        var (stored, needsDelivery) = conversation.AppendFromUser(incoming, timeProvider.GetUtcNow());
        if (!needsDelivery)
        {
            return TypedResults.Ok(new ResourceResponse(stored.Id));
        }

        // The bot gets its own copy with the (internal) serviceUrl; the stream keeps what clients may see.
        var toBot = JObject.FromObject(stored).ToObject<Activity>()!;
        toBot.ServiceUrl = channel.ServiceUrlFor(http);
        try
        {
            // Only a token-bound user reaches the bot this way, so self-help actions may act as them.
            using (CallerResolver.LocalChannelUser(conversation.User.Id, conversation.DirectoryKey))
            {
                await adapter.ProcessAsync(string.Empty, toBot, bot.OnTurnAsync, http.RequestAborted);
            }

            conversation.MarkDelivered(stored.Id);
            return TypedResults.Ok(new ResourceResponse(stored.Id));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Kept as undelivered: the client's retry (same clientActivityID) is handed to the bot again.
            logger.LogWarning(ex, "The bot did not take activity {ActivityId}; the client may retry it", stored.Id);
            return DirectLineErrors.Error(StatusCodes.Status502BadGateway, "BotError", "The bot could not take this message right now; send it again.");
        }
    }

    /// <summary>A grant for this conversation (null with the local secret, which may use any), or the error to return.</summary>
    internal static async Task<(DirectLineGrant? Grant, IResult? Error)> AuthorizeAsync(
        HttpContext http, string conversationId, LocalChannel channel, DirectLineTokens tokens, IOptions<DirectLineOptions> options)
    {
        if (!channel.IsEnabled)
        {
            return (null, DirectLineErrors.Disabled());
        }

        var bearer = BearerOf(http);
        if (Secrets.Matches(bearer, options.Value.LocalSecret))
        {
            return (null, null);
        }

        var (grant, problem) = await tokens.ValidateAsync(bearer);
        if (grant is null)
        {
            return (null, DirectLineErrors.BadToken(problem));
        }

        return grant.ConversationId == conversationId ? (grant, null) : (null, DirectLineErrors.OtherConversation());
    }

    internal static string? BearerOf(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }

        // A browser can't set headers on a WebSocket, so the stream URL carries its token as ?t=, as Azure's does.
        return http.WebSockets.IsWebSocketRequest ? http.Request.Query["t"].ToString() : null;
    }
}
