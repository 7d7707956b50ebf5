using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.Options;
using Newtonsoft.Json;
using SupportBot.Bot.Hosting;

namespace SupportBot.Bot.Channels.DirectLine;

/// <summary>
/// The conversation's WebSocket stream (Direct Line's <c>streamUrl</c>): every new activity is pushed as an
/// ActivitySet the moment it is added, so Web Chat need not poll. Empty messages keep idle connections alive.
/// </summary>
internal static class DirectLineStream
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(20);

    public static async Task StreamAsync(
        string conversationId,
        string? watermark,
        HttpContext http,
        LocalChannel channel,
        DirectLineTokens tokens,
        DirectLineConversations conversations,
        IOptions<DirectLineOptions> options,
        TimeProvider timeProvider)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            await DirectLineErrors.Error(StatusCodes.Status400BadRequest, "BadArgument", "This URL is a WebSocket stream; connect to it with a WebSocket client.").ExecuteAsync(http);
            return;
        }

        var (_, error) = await DirectLineEndpoints.AuthorizeAsync(http, conversationId, channel, tokens, options);
        if (error is not null)
        {
            await error.ExecuteAsync(http);
            return;
        }

        if (conversations.Find(conversationId) is not { } conversation)
        {
            await DirectLineErrors.UnknownConversation(conversationId).ExecuteAsync(http);
            return;
        }

        if (DirectLineConversations.ParseWatermark(watermark) is not { } since)
        {
            await DirectLineErrors.BadWatermark().ExecuteAsync(http);
            return;
        }

        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        var aborted = http.RequestAborted;
        var closed = WaitForCloseAsync(socket, aborted);
        try
        {
            while (socket.State == WebSocketState.Open && !closed.IsCompleted)
            {
                var changed = conversation.Changed;
                var (activities, next) = conversation.Since(since, timeProvider.GetUtcNow());
                if (activities.Count > 0)
                {
                    var set = new ActivitySet { Activities = [.. activities], Watermark = DirectLineConversations.FormatWatermark(next) };
                    await SendAsync(socket, JsonConvert.SerializeObject(set, NewtonsoftJsonResult.Settings), aborted);
                    since = next;
                    continue;
                }

                using var heartbeat = CancellationTokenSource.CreateLinkedTokenSource(aborted);
                var beat = Task.Delay(Heartbeat, timeProvider, heartbeat.Token);
                var woke = await Task.WhenAny(changed, closed, beat);
                await heartbeat.CancelAsync();
                if (woke == beat && socket.State == WebSocketState.Open)
                {
                    await SendAsync(socket, string.Empty, aborted);
                }
            }

            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "closing", CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The client went away; nothing to clean up beyond the socket.
        }
    }

    private static Task SendAsync(WebSocket socket, string text, CancellationToken cancellationToken) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    // Clients don't send on the stream; reading tells us when they close it.
    private static async Task WaitForCloseAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[1024];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer, cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }
    }
}
