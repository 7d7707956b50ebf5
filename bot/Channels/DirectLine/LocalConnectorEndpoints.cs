using Microsoft.Bot.Schema;
using Newtonsoft.Json;
using SupportBot.Bot.Hosting;

namespace SupportBot.Bot.Channels.DirectLine;

/// <summary>
/// The Bot Connector API as the local channel serves it: the serviceUrl the bot replies to. Only the bot
/// process itself may call it (it carries the local channel key); replies land in the conversation's stream.
/// </summary>
public static class LocalConnectorEndpoints
{
    private const int MaxReplyBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapLocalConnectorEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(LocalChannel.ConnectorPath.TrimEnd('/') + "/v3/conversations/{conversationId}")
            .DisableAntiforgery()
            .ExcludeFromDescription();
        group.MapPost("/activities", SendAsync);
        group.MapPost("/activities/{activityId}", SendAsync);
        group.MapGet("/members", Members);
        group.MapGet("/activities/{activityId}/members", Members);
        group.MapPut("/activities/{activityId}", NotSupported);
        group.MapDelete("/activities/{activityId}", NotSupported);
        return app;
    }

    private static async Task<IResult> SendAsync(
        string conversationId,
        string? activityId,
        HttpContext http,
        LocalChannel channel,
        DirectLineConversations conversations,
        TimeProvider timeProvider)
    {
        if (!channel.HasValidKey(http.Request))
        {
            return ConnectorError(StatusCodes.Status401Unauthorized, "Unauthorized", "Only the bot itself may post to the local channel's connector.");
        }

        if (conversations.Find(conversationId) is not { } conversation)
        {
            return ConnectorError(StatusCodes.Status404NotFound, "ConversationNotFound", $"No local conversation '{DirectLineErrors.Shorten(conversationId)}'.");
        }

        if (await RequestBody.ReadAtMostAsync(http.Request, MaxReplyBytes, http.RequestAborted) is not { } body)
        {
            return ConnectorError(StatusCodes.Status413PayloadTooLarge, "MessageSizeTooBig", "The activity is too large.");
        }

        Activity? activity;
        try
        {
            activity = JsonConvert.DeserializeObject<Activity>(System.Text.Encoding.UTF8.GetString(body));
        }
        catch (JsonException ex)
        {
            return ConnectorError(StatusCodes.Status400BadRequest, "BadArgument", $"The body is not a valid activity: {ex.Message}");
        }

        if (activity is null || string.IsNullOrWhiteSpace(activity.Type))
        {
            return ConnectorError(StatusCodes.Status400BadRequest, "BadArgument", "The activity has no 'type'.");
        }

        activity.ChannelId = LocalChannel.ChannelId;
        activity.Conversation = new ConversationAccount(id: conversation.Id);
        activity.From = channel.Bot;
        activity.Recipient = conversation.User;
        activity.ReplyToId = activityId ?? activity.ReplyToId;
        activity.ServiceUrl = null;
        var id = conversation.Append(activity, timeProvider.GetUtcNow());
        return new NewtonsoftJsonResult(new ResourceResponse(id));
    }

    private static IResult Members(string conversationId, HttpContext http, LocalChannel channel, DirectLineConversations conversations)
    {
        if (!channel.HasValidKey(http.Request))
        {
            return ConnectorError(StatusCodes.Status401Unauthorized, "Unauthorized", "Only the bot itself may call the local channel's connector.");
        }

        return conversations.Find(conversationId) is { } conversation
            ? new NewtonsoftJsonResult(conversation.Members(channel.Bot))
            : ConnectorError(StatusCodes.Status404NotFound, "ConversationNotFound", $"No local conversation '{DirectLineErrors.Shorten(conversationId)}'.");
    }

    private static IResult NotSupported() =>
        ConnectorError(StatusCodes.Status405MethodNotAllowed, "NotSupported", "The local channel cannot update or delete activities; send a new one.");

    // The Bot Connector's error shape, which ConnectorClient turns into ErrorResponseException.
    private static IResult ConnectorError(int status, string code, string message) =>
        TypedResults.Json(new { error = new { code, message } }, statusCode: status);
}
