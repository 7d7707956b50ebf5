using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace SupportBot.LoadTest;

/// <summary>What the bot sent back for one incoming activity.</summary>
public sealed class CapturedReplies
{
    private int _messages;
    private int _cards;
    private int _citations;
    private int _echoes;

    public int Messages => Volatile.Read(ref _messages);

    /// <summary>Replies carrying an Adaptive Card.</summary>
    public int Cards => Volatile.Read(ref _cards);

    /// <summary>Replies citing a knowledge article (a link ending in /kb/{id}).</summary>
    public int Citations => Volatile.Read(ref _citations);

    public int Echoes => Volatile.Read(ref _echoes);

    internal void Add(ReadOnlySpan<byte> body)
    {
        if (body.IndexOf("\"type\":\"message\""u8) < 0)
        {
            return; // typing indicators and the like
        }

        Interlocked.Increment(ref _messages);
        if (body.IndexOf("application/vnd.microsoft.card.adaptive"u8) >= 0)
        {
            Interlocked.Increment(ref _cards);
        }

        if (body.IndexOf("/kb/"u8) >= 0)
        {
            Interlocked.Increment(ref _citations);
        }

        if (body.IndexOf("\"text\":\"Echo: "u8) >= 0)
        {
            Interlocked.Increment(ref _echoes);
        }
    }
}

/// <summary>
/// The channel's side of the Bot Framework connector (POST /v3/conversations/{id}/activities[/{replyToId}]) on
/// 127.0.0.1: takes every reply a bot sends, remembers what it was per activity it answers, and says 200 like the
/// real service. Kept cheap: it shares the machine with the bot being measured.
/// </summary>
public sealed class CapturingConnector : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, CapturedReplies> _replies = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _texts = new(StringComparer.Ordinal);
    private readonly WebApplication _app;
    private long _received;

    private CapturingConnector(WebApplication app) => _app = app;

    public Uri ServiceUrl { get; private set; } = null!;

    public long Received => Interlocked.Read(ref _received);

    /// <summary>When set, every reply is answered with this status instead of 200 (a channel that is down).</summary>
    public HttpStatusCode? Refuse { get; set; }

    public static async Task<CapturingConnector> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var connector = new CapturingConnector(app);
        app.MapPost("/v3/conversations/{conversationId}/activities/{replyToId}", (HttpContext http, string conversationId, string replyToId) => connector.TakeAsync(http, conversationId, replyToId));
        app.MapPost("/v3/conversations/{conversationId}/activities", (HttpContext http, string conversationId) => connector.TakeAsync(http, conversationId, null));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        connector.ServiceUrl = new Uri(address.TrimEnd('/') + "/");
        return connector;
    }

    /// <summary>The replies to the activity with this id (empty when none came).</summary>
    public CapturedReplies RepliesTo(string activityId) => _replies.GetOrAdd(activityId, _ => new CapturedReplies());

    public void Forget(string activityId) => _replies.TryRemove(activityId, out _);

    /// <summary>
    /// Every message body sent into a conversation whose id starts with <see cref="WatchedPrefix"/>, in order
    /// (replies and proactive messages alike), for scenarios that read what the employee was told.
    /// </summary>
    public IReadOnlyList<string> TextsIn(string conversationId) =>
        _texts.TryGetValue(conversationId, out var texts) ? [.. texts] : [];

    public const string WatchedPrefix = "a:watch-";

    private async Task TakeAsync(HttpContext http, string conversationId, string? replyToId)
    {
        Interlocked.Increment(ref _received);
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer);
        if (Refuse is { } status)
        {
            http.Response.StatusCode = (int)status;
            return;
        }

        var body = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (conversationId.StartsWith(WatchedPrefix, StringComparison.Ordinal) && body.IndexOf("\"type\":\"message\""u8) >= 0)
        {
            _texts.GetOrAdd(conversationId, _ => new ConcurrentQueue<string>()).Enqueue(Encoding.UTF8.GetString(body));
        }

        var key = replyToId ?? ReplyToIdIn(body);
        if (key is not null)
        {
            RepliesTo(key).Add(body);
        }

        http.Response.ContentType = "application/json";
        await http.Response.Body.WriteAsync("{\"id\":\"reply\"}"u8.ToArray());
    }

    // A reply sent to the conversation (not "to an activity") still names the activity it answers.
    private static string? ReplyToIdIn(ReadOnlySpan<byte> body)
    {
        var marker = "\"replyToId\":\""u8;
        var start = body.IndexOf(marker);
        if (start < 0)
        {
            return null;
        }

        var rest = body[(start + marker.Length)..];
        var end = rest.IndexOf((byte)'"');
        return end < 0 ? null : Encoding.UTF8.GetString(rest[..end]);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
