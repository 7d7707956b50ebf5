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
    private readonly ConcurrentDictionary<string, Refusal> _refusals = new();
    private readonly ConcurrentDictionary<string, int> _attempts = new();
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
            recorder._attempts.AddOrUpdate(conversationId, 1, (_, n) => n + 1);
            if (recorder._refusals.TryGetValue(conversationId, out var refusal) && refusal.TryUse())
            {
                if (refusal.RetryAfter is { } retryAfter)
                {
                    request.HttpContext.Response.Headers.RetryAfter = retryAfter;
                }

                // The connector's ErrorResponse shape.
                return Results.Json(new { error = new { code = refusal.Code, message = refusal.Message } }, statusCode: refusal.Status);
            }

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

    /// <summary>
    /// Refuses the next <paramref name="times"/> sends into a conversation the way the Bot Connector does: 429 with
    /// Retry-After when throttling, 403 BotNotInConversationRoster when the bot was removed.
    /// </summary>
    public void Refuse(string conversationId, int status, string code, string message, string? retryAfter = null, int times = int.MaxValue) =>
        _refusals[conversationId] = new Refusal(status, code, message, retryAfter, times);

    /// <summary>How many sends the bot attempted into a conversation, refused ones included.</summary>
    public int AttemptsIn(string conversationId) => _attempts.TryGetValue(conversationId, out var n) ? n : 0;

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

    private sealed class Refusal(int status, string code, string message, string? retryAfter, int times)
    {
        private int _left = times;

        public int Status => status;

        public string Code => code;

        public string Message => message;

        public string? RetryAfter => retryAfter;

        public bool TryUse() => Interlocked.Decrement(ref _left) >= 0;
    }
}
