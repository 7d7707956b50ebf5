using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Newtonsoft.Json.Linq;

namespace SupportBot.Tests.Infrastructure;

/// <summary>
/// A channel's Bot Connector endpoint (what Teams or Slack via Azure Bot Service expose as serviceUrl), on a
/// real loopback port: it records every activity the bot sends, as a channel would deliver it to the user.
/// </summary>
public sealed class ChannelRecorder : IAsyncDisposable
{
    private readonly ConcurrentQueue<JObject> _received = new();
    private readonly ConcurrentQueue<JObject> _updated = new();
    private LoopbackServer _server = null!;
    private int _next;

    public string ServiceUrl { get; private set; } = string.Empty;

    public IReadOnlyList<JObject> Received => [.. _received];

    /// <summary>Activities the bot replaced (UpdateActivity), with <c>updatedActivityId</c> added.</summary>
    public IReadOnlyList<JObject> Updated => [.. _updated];

    public static async Task<ChannelRecorder> StartAsync()
    {
        var recorder = new ChannelRecorder();
        recorder._server = await LoopbackServer.StartAsync(app =>
        {
            app.MapPost("/v3/conversations/{conversationId}/activities/{replyToId?}", async (string conversationId, HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var activity = JObject.Parse(await reader.ReadToEndAsync());
            recorder._received.Enqueue(activity);
            return Results.Json(new { id = $"reply-{Interlocked.Increment(ref recorder._next)}" });
        });

            // UpdateActivity (a card changed for everyone in the conversation).
            app.MapPut("/v3/conversations/{conversationId}/activities/{activityId}", async (string conversationId, string activityId, HttpRequest request) =>
            {
                using var reader = new StreamReader(request.Body);
                var activity = JObject.Parse(await reader.ReadToEndAsync());
                activity["updatedActivityId"] = activityId;
                recorder._updated.Enqueue(activity);
                return Results.Json(new { id = activityId });
            });

            // Teams looks up a joining member's profile (TeamsInfo.GetMemberAsync) before the bot greets them.
            app.MapGet("/v3/conversations/{conversationId}/members/{memberId}", (string memberId) =>
                Results.Json(new { id = memberId, name = "Ana Lopez", givenName = "Ana", surname = "Lopez", userPrincipalName = "ana@contoso.example" }));
        });
        recorder.ServiceUrl = recorder._server.BaseUrl;
        return recorder;
    }

    /// <summary>Messages the bot sent into one conversation (typing indicators left out).</summary>
    public IReadOnlyList<JObject> MessagesIn(string conversationId) =>
        Received.Where(a => (string?)a["conversation"]?["id"] == conversationId && (string?)a["type"] == "message").ToList();

    public async Task<IReadOnlyList<JObject>> WaitForMessagesAsync(string conversationId, int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (DateTime.UtcNow < deadline)
        {
            var messages = MessagesIn(conversationId);
            if (messages.Count >= count)
            {
                return messages;
            }

            await Task.Delay(25);
        }

        return MessagesIn(conversationId);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
