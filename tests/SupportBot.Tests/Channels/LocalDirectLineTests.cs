using System.Net;
using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Newtonsoft.Json.Linq;
using SupportBot.Bot.Channels.DirectLine;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.Channels;

/// <summary>The local Direct Line channel over real HTTP, the way Web Chat and DirectLineJS use it.</summary>
public sealed class LocalDirectLineTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private BotHost _host = null!;
    private HttpClient _http = null!;
    private DirectLineClient _client = null!;

    public Task InitializeAsync()
    {
        _host = BotHost.Start(services: s => s.AddSingleton<TimeProvider>(_clock));
        _http = _host.NewClient();
        _client = new DirectLineClient(_http);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task UserGetsWelcomed_ThenSeesTheirMessageEchoed_AndTheBotsReply()
    {
        var token = await _client.GetTokenAsync();
        var conversationId = (string)token["conversationId"]!;
        var jwt = (string)token["token"]!;
        Assert.Equal(1800, (int)token["expires_in"]!);

        var start = await _client.StartAsync(jwt);
        Assert.Equal(HttpStatusCode.Created, start.StatusCode);
        var welcome = Assert.Single(await _client.WaitForBotMessagesAsync(conversationId, jwt, 1));
        Assert.StartsWith("Hi Ana!", (string?)welcome["text"], StringComparison.Ordinal);

        var posted = await _client.PostActivityAsync(conversationId, jwt, DirectLineClient.Message("my screen is frozen", from: "dl_test_user"));
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        var id = (string)JObject.Parse(await posted.Content.ReadAsStringAsync())["id"]!;

        var replies = await _client.WaitForBotMessagesAsync(conversationId, jwt, 2);
        Assert.Equal(id, (string?)replies[1]["replyToId"]);
        var citation = replies[1]["entities"]![0]!["citation"]![0]!["appearance"]!;
        Assert.Equal(_host.BaseAddress + "kb/screen-frozen", (string?)citation["url"]);

        var all = JObject.Parse(await (await _client.GetActivitiesAsync(conversationId, jwt)).Content.ReadAsStringAsync());
        var echo = all["activities"]!.Single(a => (string?)a["id"] == id);
        Assert.Equal("dl_test_user", (string?)echo["from"]?["id"]);
        Assert.Null(echo["serviceUrl"]);
        Assert.Equal("3", (string?)all["watermark"]);
    }

    [Fact]
    public async Task Stream_PushesTheWelcome_TheEcho_AndTheReply_OverAWebSocket()
    {
        var token = await _client.GetTokenAsync();
        var conversationId = (string)token["conversationId"]!;
        var start = JObject.Parse(await (await _client.StartAsync((string)token["token"]!)).Content.ReadAsStringAsync());
        var streamUrl = new Uri((string)start["streamUrl"]!);
        Assert.Equal("ws", streamUrl.Scheme);

        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(streamUrl, CancellationToken.None);
        var welcome = await ReceiveActivitiesAsync(socket, until: a => (string?)a["from"]?["role"] == "bot");
        Assert.StartsWith("Hi Ana!", (string?)welcome[^1]["text"], StringComparison.Ordinal);

        await _client.PostActivityAsync(conversationId, (string)start["token"]!, DirectLineClient.Message("teams has no sound"));
        var pushed = await ReceiveActivitiesAsync(socket, until: a => (string?)a["from"]?["role"] == "bot");

        Assert.Equal("teams has no sound", (string?)pushed[0]["text"]);
        Assert.EndsWith("/kb/teams-audio-video", (string?)pushed[1]["entities"]![0]!["citation"]![0]!["appearance"]!["url"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_RefusesATokenOfAnotherConversation()
    {
        var (mine, _) = await StartConversationAsync("dl_me");
        var (_, theirs) = await StartConversationAsync("dl_them");
        using var socket = new ClientWebSocket { Options = { CollectHttpResponseDetails = true } };

        var url = new Uri(_host.BaseAddress, $"v3/directline/conversations/{mine}/stream?t={theirs}");
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(new UriBuilder(url) { Scheme = "ws" }.Uri, CancellationToken.None));

        Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);
    }

    [Fact]
    public async Task Watermark_ReturnsOnlyNewerActivities()
    {
        var (conversationId, jwt) = await StartConversationAsync();
        await _client.WaitForBotMessagesAsync(conversationId, jwt, 1);

        await _client.PostActivityAsync(conversationId, jwt, DirectLineClient.Message("hello"));
        var newer = JObject.Parse(await (await _client.GetActivitiesAsync(conversationId, jwt, watermark: "1")).Content.ReadAsStringAsync());

        Assert.Equal(["hello", null], newer["activities"]!.Select(a => (string?)a["text"]).Select(t => t == "hello" ? t : null));
        Assert.Equal("3", (string?)newer["watermark"]);
    }

    [Fact]
    public async Task ClientRetryWithTheSameClientActivityId_IsAnsweredOnce()
    {
        var (conversationId, jwt) = await StartConversationAsync();
        var message = DirectLineClient.Message("printer offline", clientActivityId: "client-1");

        var first = await _client.PostActivityAsync(conversationId, jwt, message);
        var retry = await _client.PostActivityAsync(conversationId, jwt, message);

        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        // A post returns once the bot has taken it, so every reply is already in the stream.
        var botMessages = await _client.WaitForBotMessagesAsync(conversationId, jwt, 3, TimeSpan.FromMilliseconds(300));
        Assert.Equal(2, botMessages.Count);
    }

    [Fact]
    public async Task RefreshedToken_KeepsWorking_ForTheSameConversation()
    {
        var (conversationId, jwt) = await StartConversationAsync();

        var refreshed = await _client.RefreshAsync(jwt);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var body = JObject.Parse(await refreshed.Content.ReadAsStringAsync());

        Assert.Equal(conversationId, (string?)body["conversationId"]);
        var post = await _client.PostActivityAsync(conversationId, (string)body["token"]!, DirectLineClient.Message("still there?"));
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
    }

    [Fact]
    public async Task ExpiredToken_IsRefused_WithTokenExpired()
    {
        var (conversationId, jwt) = await StartConversationAsync();

        _clock.Advance(TimeSpan.FromMinutes(31));
        var response = await _client.PostActivityAsync(conversationId, jwt, DirectLineClient.Message("hello"));
        var refresh = await _client.RefreshAsync(jwt);

        await AssertErrorAsync(response, HttpStatusCode.Forbidden, "TokenExpired", "expired");
        await AssertErrorAsync(refresh, HttpStatusCode.Forbidden, "TokenExpired", "expired");
    }

    [Fact]
    public async Task TokenOfAnotherConversation_CannotReadOrWriteThisOne()
    {
        var (mine, _) = await StartConversationAsync("dl_me");
        var (_, theirs) = await StartConversationAsync("dl_them");

        await AssertErrorAsync(await _client.GetActivitiesAsync(mine, theirs), HttpStatusCode.Forbidden, "TokenNotForConversation", "another conversation");
        await AssertErrorAsync(await _client.PostActivityAsync(mine, theirs, DirectLineClient.Message("hi")), HttpStatusCode.Forbidden, "TokenNotForConversation", "another conversation");
    }

    [Fact]
    public async Task ActivityFromAnotherUser_IsRefused()
    {
        var (conversationId, jwt) = await StartConversationAsync("dl_me");

        var response = await _client.PostActivityAsync(conversationId, jwt, DirectLineClient.Message("reset the CEO's password", from: "dl_ceo"));

        await AssertErrorAsync(response, HttpStatusCode.Forbidden, "UserMismatch", "not the user this token was issued to");
    }

    public static TheoryData<string?, HttpStatusCode, string> BadTokens() => new()
    {
        { null, HttpStatusCode.Unauthorized, "MissingToken" },
        { "garbage", HttpStatusCode.Forbidden, "BadToken" },
        { "eyJhbGciOiJIUzI1NiJ9.eyJjb252IjoieCIsInVzZXIiOiJ5In0.c2lnbmF0dXJl", HttpStatusCode.Forbidden, "BadToken" },
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task MissingOrBadToken_IsRefusedWithAClearError(string? token, HttpStatusCode status, string code)
    {
        var (conversationId, _) = await StartConversationAsync();

        await AssertErrorAsync(await _client.GetActivitiesAsync(conversationId, token), status, code, "token");
        await AssertErrorAsync(await _client.StartAsync(token), status, code, "token");
    }

    [Fact]
    public async Task ConversationThatWasNeverStarted_Is404()
    {
        var token = await _client.GetTokenAsync();

        var response = await _client.GetActivitiesAsync((string)token["conversationId"]!, (string)token["token"]!);

        await AssertErrorAsync(response, HttpStatusCode.NotFound, "ConversationNotFound", "Start a new one");
    }

    public static TheoryData<string, HttpStatusCode, string> BadActivities() => new()
    {
        { "{\"type\":", HttpStatusCode.BadRequest, "not valid JSON" },
        { "[]", HttpStatusCode.BadRequest, "JSON object" },
        { "{\"text\":\"no type\"}", HttpStatusCode.BadRequest, "no 'type'" },
        { new JObject { ["type"] = "message", ["text"] = new string('x', 300 * 1024) }.ToString(), HttpStatusCode.RequestEntityTooLarge, "larger than" },
    };

    [Theory]
    [MemberData(nameof(BadActivities))]
    public async Task BadActivity_IsRefusedWithAClearError_AndTheBotSeesNothing(string body, HttpStatusCode status, string explanation)
    {
        var (conversationId, jwt) = await StartConversationAsync();
        await _client.WaitForBotMessagesAsync(conversationId, jwt, 1);

        var response = await _client.PostRawAsync(conversationId, jwt, body);

        Assert.Equal(status, response.StatusCode);
        Assert.Contains(explanation, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single(await _client.WaitForBotMessagesAsync(conversationId, jwt, 2, TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task BadWatermark_Is400()
    {
        var (conversationId, jwt) = await StartConversationAsync();

        await AssertErrorAsync(await _client.GetActivitiesAsync(conversationId, jwt, watermark: "abc"), HttpStatusCode.BadRequest, "BadArgument", "watermark");
    }

    [Fact]
    public async Task LocalConnector_RefusesCallsThatAreNotFromTheBotItself()
    {
        var (conversationId, jwt) = await StartConversationAsync();
        await _client.WaitForBotMessagesAsync(conversationId, jwt, 1);
        var injected = new JObject { ["type"] = "message", ["text"] = "Injected: send me your one-time code" };

        var response = await _http.PostAsync(
            $"_local/directline/v3/conversations/{conversationId}/activities",
            new StringContent(injected.ToString(), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var messages = await _client.WaitForBotMessagesAsync(conversationId, jwt, 2, TimeSpan.FromMilliseconds(300));
        Assert.DoesNotContain(messages, m => ((string?)m["text"])!.Contains("Injected", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{\"user\":{\"id\":\"has spaces\"}}", "user.id must be")]
    [InlineData("{\"user\":", "not valid JSON")]
    [InlineData("{\"user\":{\"id\":42}}", "must be strings")]
    public async Task TokenRequest_WithABadBody_Is400WithAReason(string body, string reason)
    {
        var response = await _http.PostAsync("api/directline/token", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenRequest_WithoutABody_BindsAFreshDirectLineUser()
    {
        var response = await _http.PostAsync("api/directline/token", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = JObject.Parse(await response.Content.ReadAsStringAsync());
        var grant = (await _host.Services.GetRequiredService<DirectLineTokens>().ValidateAsync((string)token["token"]!)).Grant;
        Assert.NotNull(grant);
        Assert.StartsWith("dl_", grant.UserId, StringComparison.Ordinal);
        Assert.Equal((string?)token["conversationId"], grant.ConversationId);
    }

    private async Task<(string ConversationId, string Token)> StartConversationAsync(string userId = "dl_test_user")
    {
        var token = await _client.GetTokenAsync(userId);
        var jwt = (string)token["token"]!;
        (await _client.StartAsync(jwt)).EnsureSuccessStatusCode();
        return ((string)token["conversationId"]!, jwt);
    }

    /// <summary>Reads pushed ActivitySets until an activity matches (10 s at most).</summary>
    private static async Task<List<JObject>> ReceiveActivitiesAsync(ClientWebSocket socket, Func<JObject, bool> until)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = new List<JObject>();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, timeout.Token);
                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);

            if (message.Length == 0)
            {
                continue;
            }

            var set = JObject.Parse(Encoding.UTF8.GetString(message.ToArray()));
            received.AddRange(set["activities"]!.Cast<JObject>());
            if (received.Any(until))
            {
                return received;
            }
        }
    }

    private static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code, string messagePart)
    {
        Assert.Equal(status, response.StatusCode);
        var error = JObject.Parse(await response.Content.ReadAsStringAsync())["error"]!;
        Assert.Equal(code, (string?)error["code"]);
        Assert.Contains(messagePart, (string?)error["message"], StringComparison.OrdinalIgnoreCase);
    }
}
