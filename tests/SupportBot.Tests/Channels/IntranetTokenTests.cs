using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Newtonsoft.Json.Linq;
using SupportBot.Bot.Channels.DirectLine;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.Channels;

/// <summary>
/// The intranet's web chat: the intranet's backend signs its user in with a short-lived HS256 assertion, and the bot
/// binds the Direct Line token to that user (self-help then acts as their UPN). A browser can't choose whom it chats
/// as once the bot is configured, can't post as someone else, and can't forge, stretch or replay an assertion.
/// </summary>
public sealed class IntranetTokenTests
{
    private const string AdeleSubject = "e1f2a3b4-0001";
    private const string Adele = "AdeleV@contoso.com";

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly byte[] _key = IntranetAssertionMinter.NewKey();

    private IntranetAssertionMinter Minter => new(_key, IntranetAssertionMinter.Issuer, IntranetAssertionMinter.Audience, _clock);

    [Fact]
    public async Task Assertion_BindsTheTokenToTheIntranetUser_AndSelfHelpActsAsTheirUpn()
    {
        await using var host = StartHost();
        using var http = host.NewClient();
        var client = new DirectLineClient(http);

        var response = await RequestTokenAsync(http, Minter.Mint(), body: "{\"user\":{\"id\":\"MeganB@contoso.com\",\"name\":\"Megan\"}}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var token = JObject.Parse(await response.Content.ReadAsStringAsync());
        var grant = await GrantOf(host, token);
        Assert.Equal("intranet:" + AdeleSubject, grant.UserId); // the assertion decides, not the body
        Assert.Equal("Adele Vance", grant.UserName);
        Assert.Equal(Adele, grant.DirectoryKey);

        var (conversationId, jwt) = await StartAsync(client, token);
        var welcome = await WaitForBotTextAsync(client, conversationId, jwt, "Hi Adele!");
        Assert.Contains("Hi Adele!", welcome, StringComparison.Ordinal);

        (await client.PostActivityAsync(conversationId, jwt, DirectLineClient.Message("check my account status", from: grant.UserId))).EnsureSuccessStatusCode();
        var account = await WaitForBotTextAsync(client, conversationId, jwt, "Here's your account");
        Assert.Contains("Here's your account, Adele", account, StringComparison.Ordinal);
        Assert.Contains("**Password expires:**", account, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Assertion_WithOnlyAnEmail_ActsAsThatAddress_AndWithNeither_AsTheSubject()
    {
        await using var host = StartHost();
        using var http = host.NewClient();

        var withEmail = Minter.Claims(subject: "megan-7", name: "Megan Bowen", upn: null);
        withEmail["email"] = "MeganB@contoso.com";
        var emailGrant = await GrantOf(host, JObject.Parse(await (await RequestTokenAsync(http, Minter.Mint(withEmail))).Content.ReadAsStringAsync()));
        var bare = Minter.Claims(subject: "fa3c0f5c-c02b-494f-af8e-5cd3c163a222", name: null, upn: null);
        var bareGrant = await GrantOf(host, JObject.Parse(await (await RequestTokenAsync(http, Minter.Mint(bare))).Content.ReadAsStringAsync()));

        Assert.Equal(("intranet:megan-7", "MeganB@contoso.com"), (emailGrant.UserId, emailGrant.DirectoryKey));
        Assert.Equal("fa3c0f5c-c02b-494f-af8e-5cd3c163a222", bareGrant.DirectoryKey);
        Assert.Null(bareGrant.UserName);
    }

    public static TheoryData<string> TokenEndpoints() => new() { "api/directline/token", "v3/directline/tokens/generate" };

    [Theory]
    [MemberData(nameof(TokenEndpoints))]
    public async Task BrowserChosenUserId_IsReplacedByAFreshGuest_WhenIntranetSignInIsConfigured(string endpoint)
    {
        await using var host = StartHost();
        using var http = host.NewClient();
        var client = new DirectLineClient(http);

        var response = await http.PostAsync(endpoint, Json($"{{\"user\":{{\"id\":\"{Adele}\",\"name\":\"Adele Vance\"}}}}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = JObject.Parse(await response.Content.ReadAsStringAsync());
        var grant = await GrantOf(host, token);
        Assert.Matches("^dl_[A-Za-z0-9_-]{16}$", grant.UserId);
        Assert.Equal(DirectLineGrant.NoDirectoryUser, grant.DirectoryKey);

        // The guest chats (answers work) but self-help won't act for anybody.
        var (conversationId, jwt) = await StartAsync(client, token);
        (await client.PostActivityAsync(conversationId, jwt, DirectLineClient.Message("check my account status"))).EnsureSuccessStatusCode();
        var reply = await WaitForBotTextAsync(client, conversationId, jwt, "doesn't tell me who you are");
        Assert.DoesNotContain("Here's your account", reply, StringComparison.Ordinal);
        Assert.Contains(AuditLines(host), l => l.Contains("the channel did not identify the caller", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AssertionMintedLikeTheReadmesBackendSample_IsAccepted()
    {
        await using var host = StartHost();
        using var http = host.NewClient();
        var now = _clock.GetUtcNow().UtcDateTime;

        // As in README.md, "Web chat widget on the intranet": Microsoft.IdentityModel's JsonWebTokenHandler.
        var assertion = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = IntranetAssertionMinter.Issuer,
            Audience = IntranetAssertionMinter.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(2),
            Claims = new Dictionary<string, object>
            {
                ["sub"] = "0b7c1d2e",
                ["name"] = "Megan Bowen",
                ["upn"] = "MeganB@contoso.com",
                ["jti"] = Guid.NewGuid().ToString("N"),
            },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(_key), SecurityAlgorithms.HmacSha256),
        });
        var response = await RequestTokenAsync(http, assertion);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var grant = await GrantOf(host, JObject.Parse(await response.Content.ReadAsStringAsync()));
        Assert.Equal(("intranet:0b7c1d2e", "MeganB@contoso.com"), (grant.UserId, grant.DirectoryKey));
    }

    [Fact]
    public async Task BrowserChosenUserId_IsReplacedByAFreshGuest_OnTheLocalChannel_WhenDirectLineSecretIsConfigured()
    {
        // An anonymous (local-channel) bot that also has an Azure Direct Line secret: a real deployment's rules.
        await using var host = BotHost.Start(new Dictionary<string, string?> { ["DirectLine:Secret"] = "dl-secret-" + Guid.NewGuid().ToString("N") });
        using var http = host.NewClient();

        var response = await http.PostAsync("v3/directline/tokens/generate", Json($"{{\"user\":{{\"id\":\"{Adele}\"}}}}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var grant = await GrantOf(host, JObject.Parse(await response.Content.ReadAsStringAsync()));
        Assert.NotEqual(Adele, grant.UserId);
        Assert.StartsWith("dl_", grant.UserId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithAzureDirectLine_TheAssertionsUserIsSentToAzure_AndTheBodyIsIgnored()
    {
        await using var azure = await FakeAzureTokens.StartAsync();
        var settings = IntranetAssertionMinter.SettingsFor(_key);
        settings["DirectLine:Secret"] = "azure-secret-" + Guid.NewGuid().ToString("N");
        settings["DirectLine:Endpoint"] = azure.Endpoint;
        await using var host = StartHost(settings);
        using var http = host.NewClient();

        var signedIn = await RequestTokenAsync(http, Minter.Mint(), body: $"{{\"user\":{{\"id\":\"{Adele}\"}}}}");
        var guest = await http.PostAsync("api/directline/token", Json($"{{\"user\":{{\"id\":\"{Adele}\"}}}}"));

        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        Assert.Equal(HttpStatusCode.OK, guest.StatusCode);
        var sent = azure.Bodies.Select(b => JObject.Parse(b)["user"]!).ToList();
        Assert.Equal("dl_intranet:" + AdeleSubject, (string?)sent[0]["id"]);
        Assert.Equal("Adele Vance", (string?)sent[0]["name"]);
        Assert.Matches("^dl_[A-Za-z0-9_-]{16}$", (string?)sent[1]["id"]);
    }

    [Fact]
    public async Task ActivityPostedWithAnotherUsersFromId_IsRejected_AndNeverReachesTheBot()
    {
        await using var host = StartHost();
        using var http = host.NewClient();
        var client = new DirectLineClient(http);
        var (conversationId, jwt) = await StartAsync(client, JObject.Parse(await (await RequestTokenAsync(http, Minter.Mint())).Content.ReadAsStringAsync()));
        await WaitForBotTextAsync(client, conversationId, jwt, "Hi Adele!");

        foreach (var someoneElse in new[] { "intranet:ceo-0001", "MeganB@contoso.com" })
        {
            var response = await client.PostActivityAsync(conversationId, jwt, DirectLineClient.Message("reset my password", from: someoneElse));

            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("UserMismatch", (string?)JObject.Parse(await response.Content.ReadAsStringAsync())["error"]?["code"]);
        }

        Assert.Single(await client.WaitForBotMessagesAsync(conversationId, jwt, 2, TimeSpan.FromMilliseconds(300)));
    }

    /// <summary>What an attacker (or a broken intranet) might send, and the reason the bot gives; see <see cref="Forge"/>.</summary>
    public static TheoryData<string, string> ForgedAssertions() => new()
    {
        { "other-key", "signature does not match" },    // signed by someone without the bot's key
        { "tampered-sub", "signature does not match" }, // a real assertion whose user was changed afterwards
        { "unsigned", "not signed with HS256" },
        { "hs512", "not signed with HS256" },
        { "wrong-issuer", "issuer" },
        { "wrong-audience", "audience" },
        { "long-lived", "MaxAssertionLifetime" },
        { "no-exp", "no 'exp'" },
        { "no-iat", "no 'iat'" },
        { "future-iat", "issued in the future" },
        { "no-sub", "no 'sub'" },
        { "bad-sub", "'sub' must be" },
        { "no-jti", "no 'jti'" },
        { "bad-upn", "'upn' is not an address" },
        { "garbage", "not a signed JWT" },
        { "garbage-parts", "not a signed JWT" },
    };

    [Theory]
    [MemberData(nameof(ForgedAssertions))]
    public async Task ForgedOrMalformedAssertion_Is401WithTheReason_AndAWarningThatNeverHoldsTheAssertion(string forgery, string reason)
    {
        await using var host = StartHost();
        using var http = host.NewClient();
        var assertion = Forge(forgery);

        var response = await RequestTokenAsync(http, assertion);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(reason, (string?)JObject.Parse(body)["detail"], StringComparison.Ordinal);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("\"token\"", body, StringComparison.Ordinal);

        var warning = Assert.Single(host.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.StartsWith("Refused an intranet sign-in assertion", StringComparison.Ordinal));
        Assert.Contains(reason, warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Logs.Entries, e => e.Message.Contains(assertion, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReplayedAssertion_IsRefused_EvenWhileItIsStillFresh()
    {
        await using var host = StartHost();
        using var http = host.NewClient();
        var assertion = Minter.Mint();

        var first = await RequestTokenAsync(http, assertion);
        var replay = await RequestTokenAsync(http, assertion);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Contains("already used", (string?)JObject.Parse(await replay.Content.ReadAsStringAsync())["detail"], StringComparison.Ordinal);
        Assert.Contains(host.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("already used", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExpiredAssertion_IsAcceptedWithinTheClockSkew_AndRefusedAfterIt()
    {
        await using var host = StartHost();
        using var http = host.NewClient();
        var withinSkew = Minter.Mint();
        var afterSkew = Minter.Mint();

        _clock.Advance(TimeSpan.FromSeconds(120 + 20)); // exp + 20 s, skew 30 s
        var accepted = await RequestTokenAsync(http, withinSkew);
        _clock.Advance(TimeSpan.FromSeconds(15));       // exp + 35 s
        var refused = await RequestTokenAsync(http, afterSkew);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("expired", (string?)JObject.Parse(await refused.Content.ReadAsStringAsync())["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Assertion_WhenIntranetSignInIsNotConfigured_Is401NamingTheSetting()
    {
        await using var host = BotHost.Start();
        using var http = host.NewClient();

        var response = await RequestTokenAsync(http, Minter.Mint());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("WebChat:Intranet:SigningKey", (string?)JObject.Parse(await response.Content.ReadAsStringAsync())["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task BrowserWithoutAnAssertion_Is401_WhenGuestsAreNotAllowed()
    {
        var settings = IntranetAssertionMinter.SettingsFor(_key);
        settings["WebChat:Intranet:AllowGuests"] = "false";
        await using var host = StartHost(settings);
        using var http = host.NewClient();

        var browser = await http.PostAsync("api/directline/token", Json($"{{\"user\":{{\"id\":\"{Adele}\"}}}}"));
        var intranet = await RequestTokenAsync(http, Minter.Mint());

        Assert.Equal(HttpStatusCode.Unauthorized, browser.StatusCode);
        Assert.Contains("signed in to the intranet", (string?)JObject.Parse(await browser.Content.ReadAsStringAsync())["detail"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, intranet.StatusCode);
    }

    [Fact]
    public async Task WithoutConfiguration_TheDemoPickerStillChatsAsThePickedPerson_AndIntranetIdsAreReserved()
    {
        await using var host = BotHost.Start();
        using var http = host.NewClient();

        var config = JObject.Parse(await http.GetStringAsync("api/webchat/config"));
        var picked = await http.PostAsync("api/directline/token", Json($"{{\"user\":{{\"id\":\"{Adele}\",\"name\":\"Adele Vance\"}}}}"));
        var claimed = await http.PostAsync("api/directline/token", Json("{\"user\":{\"id\":\"intranet:ceo\"}}"));

        Assert.Equal(Adele, (string?)config["demo"]?["defaultUser"]);
        var grant = await GrantOf(host, JObject.Parse(await picked.Content.ReadAsStringAsync()));
        Assert.Equal(Adele, grant.UserId);
        Assert.Null(grant.DirectoryKey);
        Assert.Equal(HttpStatusCode.BadRequest, claimed.StatusCode);
        Assert.Contains("must not start with 'intranet:'", await claimed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithIntranetSignIn_ThePageOffersNoDemoPicker()
    {
        await using var host = StartHost();
        using var http = host.NewClient();

        var config = JObject.Parse(await http.GetStringAsync("api/webchat/config"));

        Assert.Equal(JTokenType.Null, config["demo"]?.Type);
    }

    public static TheoryData<Dictionary<string, string?>, string> BadSettings() => new()
    {
        { new() { ["WebChat:Intranet:SigningKey"] = Convert.ToBase64String(new byte[16]), ["WebChat:Intranet:Issuer"] = "https://intranet" }, "WebChat:Intranet:SigningKey must be base64 for at least 32" },
        { new() { ["WebChat:Intranet:SigningKey"] = "not base64!", ["WebChat:Intranet:Issuer"] = "https://intranet" }, "WebChat:Intranet:SigningKey must be base64" },
        { new() { ["WebChat:Intranet:SigningKey"] = Convert.ToBase64String(new byte[32]) }, "WebChat:Intranet:Issuer is required" },
        { new() { ["WebChat:Intranet:SigningKey"] = Convert.ToBase64String(new byte[32]), ["WebChat:Intranet:Issuer"] = "https://intranet", ["WebChat:Intranet:MaxAssertionLifetime"] = "01:00:00" }, "MaxAssertionLifetime" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void HalfConfiguredIntranetSignIn_StopsTheBotAtStartUp_NamingTheSetting(Dictionary<string, string?> settings, string message)
    {
        var reason = BotHost.StartExpectingFailure(settings);

        Assert.Contains(message, reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IntranetPages_MayLoadTheScripts_ReadTheSettings_AndUseTheChannel_ButNotCallTheTokenEndpoint()
    {
        await using var host = StartHost();
        using var http = host.NewClient();
        const string Intranet = "http://intranet.contoso.test";

        using var preflight = new HttpRequestMessage(HttpMethod.Options, "v3/directline/conversations/abc/activities");
        preflight.Headers.Add("Origin", Intranet);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization,content-type,x-ms-bot-agent");
        var channel = await http.SendAsync(preflight);

        using var tokenPreflight = new HttpRequestMessage(HttpMethod.Options, "api/directline/token");
        tokenPreflight.Headers.Add("Origin", Intranet);
        tokenPreflight.Headers.Add("Access-Control-Request-Method", "POST");
        var token = await http.SendAsync(tokenPreflight);

        using var configRequest = new HttpRequestMessage(HttpMethod.Get, "api/webchat/config");
        configRequest.Headers.Add("Origin", Intranet);
        var config = await http.SendAsync(configRequest);
        var embed = await http.GetAsync("embed.js");
        var unauthenticated = await http.SendAsync(WithOrigin(new HttpRequestMessage(HttpMethod.Get, "v3/directline/conversations/abc/activities"), Intranet));

        Assert.Equal(HttpStatusCode.NoContent, channel.StatusCode);
        Assert.Equal("*", AllowOrigin(channel));
        Assert.Contains("authorization", channel.Headers.GetValues("Access-Control-Allow-Headers").Single(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("POST", channel.Headers.GetValues("Access-Control-Allow-Methods").Single(), StringComparison.Ordinal);
        Assert.Null(AllowOrigin(token));
        Assert.Equal("*", AllowOrigin(config));
        Assert.Equal(HttpStatusCode.OK, embed.StatusCode);
        Assert.Equal("*", AllowOrigin(embed));
        Assert.Contains("data-token-url", await embed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode); // readable by the page, still refused
        Assert.Equal("*", AllowOrigin(unauthenticated));
    }

    private BotHost StartHost(Dictionary<string, string?>? settings = null) =>
        BotHost.Start(settings ?? IntranetAssertionMinter.SettingsFor(_key), services: s => s.AddSingleton<TimeProvider>(_clock));

    private string Forge(string forgery)
    {
        var claims = Minter.Claims();
        switch (forgery)
        {
            case "other-key":
                return Minter.Mint(claims, signWith: IntranetAssertionMinter.NewKey());
            case "tampered-sub":
                var parts = Minter.Mint(claims).Split('.');
                claims["sub"] = "ceo-0001";
                parts[1] = IntranetAssertionMinter.Base64Url(claims.ToString(Newtonsoft.Json.Formatting.None));
                return string.Join('.', parts);
            case "unsigned":
                return Minter.Mint(claims, algorithm: "none");
            case "hs512":
                return Minter.Mint(claims, algorithm: "HS512");
            case "wrong-issuer":
                claims["iss"] = "https://evil.example";
                break;
            case "wrong-audience":
                claims["aud"] = "another-bot";
                break;
            case "long-lived":
                claims["exp"] = (long)claims["iat"]! + 3600;
                break;
            case "no-exp":
                claims.Remove("exp");
                break;
            case "no-iat":
                claims.Remove("iat");
                break;
            case "future-iat":
                claims["iat"] = (long)claims["iat"]! + 600;
                claims["exp"] = (long)claims["iat"]! + 60;
                break;
            case "no-sub":
                claims.Remove("sub");
                break;
            case "bad-sub":
                claims["sub"] = "CN=Adele Vance,OU=Staff";
                break;
            case "no-jti":
                claims.Remove("jti");
                break;
            case "bad-upn":
                claims["upn"] = "Adele Vance";
                break;
            case "garbage":
                return "this-is-not-a-jwt";
            case "garbage-parts":
                return "e30.!!!.c2ln";
            default:
                throw new ArgumentOutOfRangeException(nameof(forgery), forgery, null);
        }

        return Minter.Mint(claims);
    }

    private static async Task<HttpResponseMessage> RequestTokenAsync(HttpClient http, string assertion, string? body = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/directline/token") { Content = Json(body ?? string.Empty) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", assertion);
        return await http.SendAsync(request);
    }

    private static async Task<DirectLineGrant> GrantOf(BotHost host, JObject tokenResponse)
    {
        var (grant, problem) = await host.Services.GetRequiredService<DirectLineTokens>().ValidateAsync((string?)tokenResponse["token"]);
        Assert.True(grant is not null, $"the bot's token did not validate: {problem}");
        Assert.Equal((string?)tokenResponse["conversationId"], grant.ConversationId);
        return grant;
    }

    private static async Task<(string ConversationId, string Token)> StartAsync(DirectLineClient client, JObject token)
    {
        var jwt = (string)token["token"]!;
        (await client.StartAsync(jwt)).EnsureSuccessStatusCode();
        return ((string)token["conversationId"]!, jwt);
    }

    /// <summary>Polls until a bot message contains <paramref name="expected"/>; returns every bot message's text so far.</summary>
    private static async Task<string> WaitForBotTextAsync(DirectLineClient client, string conversationId, string token, string expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        var text = string.Empty;
        while (DateTime.UtcNow < deadline)
        {
            var messages = await client.WaitForBotMessagesAsync(conversationId, token, 1);
            text = string.Join("\n", messages.Select(m => (string?)m["text"] + " " + m["attachments"]));
            if (text.Contains(expected, StringComparison.Ordinal))
            {
                return text;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"No bot message contained \"{expected}\"; the bot said:\n{text}");
        return text;
    }

    private static IEnumerable<string> AuditLines(BotHost host) =>
        File.Exists(host.AuditLogFile) ? File.ReadAllLines(host.AuditLogFile) : [];

    private static HttpRequestMessage WithOrigin(HttpRequestMessage request, string origin)
    {
        request.Headers.Add("Origin", origin);
        return request;
    }

    private static string? AllowOrigin(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? values.Single() : null;

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    /// <summary>Azure Direct Line's tokens/generate on a loopback port, keeping the bodies the bot sent.</summary>
    private sealed class FakeAzureTokens : IAsyncDisposable
    {
        private readonly ConcurrentQueue<string> _bodies = new();
        private LoopbackServer _server = null!;

        public string Endpoint { get; private set; } = string.Empty;

        public IReadOnlyList<string> Bodies => [.. _bodies];

        public static async Task<FakeAzureTokens> StartAsync()
        {
            var fake = new FakeAzureTokens();
            fake._server = await LoopbackServer.StartAsync(app => app.MapPost("/v3/directline/tokens/generate", async (HttpRequest request) =>
            {
                using var reader = new StreamReader(request.Body);
                fake._bodies.Enqueue(await reader.ReadToEndAsync());
                return Results.Json(new Dictionary<string, object> { ["conversationId"] = "AzureConv-1", ["token"] = "azure-token", ["expires_in"] = 3600 });
            }));
            fake.Endpoint = fake._server.BaseUrl + "v3/directline";
            return fake;
        }

        public ValueTask DisposeAsync() => _server.DisposeAsync();
    }
}

/// <summary>Behind a load balancer: an assertion used on one instance is refused on the other (they share Redis).</summary>
[Collection(RedisGroup.Name)]
public sealed class IntranetTokenScaleOutTests(RedisServer redis)
{
    [Fact]
    public async Task AssertionUsedOnOneInstance_IsRefusedOnTheOther()
    {
        var key = IntranetAssertionMinter.NewKey();
        var settings = IntranetAssertionMinter.SettingsFor(key);
        settings["ConnectionStrings:Redis"] = redis.ConnectionString;
        settings["State:KeyPrefix"] = $"i{Guid.NewGuid():N}:";
        await using var first = BotHost.Start(settings);
        await using var second = BotHost.Start(settings);
        using var a = first.NewClient();
        using var b = second.NewClient();
        var assertion = new IntranetAssertionMinter(key, IntranetAssertionMinter.Issuer, IntranetAssertionMinter.Audience, TimeProvider.System).Mint();

        var used = await SendAsync(a, assertion);
        var replayed = await SendAsync(b, assertion);

        Assert.Equal(HttpStatusCode.OK, used.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, replayed.StatusCode);
        Assert.Contains("already used", await replayed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, string assertion)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/directline/token");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", assertion);
        return await http.SendAsync(request);
    }
}
