using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Newtonsoft.Json.Linq;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.Channels;

/// <summary>
/// With <c>DirectLine:Secret</c> set, the page's token request is exchanged with Azure Direct Line server-side
/// (here a fake Azure on a loopback port); the secret never reaches the browser or the logs.
/// </summary>
public sealed class AzureDirectLineTokenTests
{
    private static readonly string Secret = "azure-dl-secret-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task TokenRequest_ExchangesTheSecretWithAzure_AndHandsThePageOnlyAzuresToken()
    {
        await using var azure = await FakeAzureDirectLine.StartAsync();
        await using var host = BotHost.Start(SettingsFor(azure.Endpoint));
        using var client = host.NewClient();

        var response = await client.PostAsync("api/directline/token", Json("{\"user\":{\"id\":\"dl_ana\",\"name\":\"Ana Lopez\"}}"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = JObject.Parse(body);
        Assert.Equal(FakeAzureDirectLine.ConversationId, (string?)token["conversationId"]);
        Assert.Equal(FakeAzureDirectLine.Token, (string?)token["token"]);
        Assert.Equal(FakeAzureDirectLine.ExpiresIn, (int?)token["expires_in"]);

        var exchange = Assert.Single(azure.Requests);
        Assert.Equal($"Bearer {Secret}", exchange.Authorization);
        // The browser can't choose who it is on a real deployment: the requested id is replaced by a random one.
        var sentUser = JObject.Parse(exchange.Body)["user"]!;
        var sentId = (string?)sentUser["id"];
        Assert.StartsWith("dl_", sentId, StringComparison.Ordinal);
        Assert.NotEqual("dl_ana", sentId);
        Assert.Equal("Ana Lopez", (string?)sentUser["name"]);

        Assert.DoesNotContain(Secret, body, StringComparison.Ordinal);
        Assert.DoesNotContain(AllHeaderValues(response), v => v.Contains(Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TokenRequest_GivesEveryRequestItsOwnRandomUserId_WhateverThePageAsks()
    {
        await using var azure = await FakeAzureDirectLine.StartAsync();
        await using var host = BotHost.Start(SettingsFor(azure.Endpoint));
        using var client = host.NewClient();

        foreach (var body in new[] { "{\"user\":{\"id\":\"AdeleV@contoso.com\",\"name\":\"Adele Vance\"}}", "{\"user\":{\"id\":\"AdeleV@contoso.com\"}}", string.Empty })
        {
            var response = await client.PostAsync("api/directline/token", Json(body));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var sentIds = azure.Requests.Select(r => (string?)JObject.Parse(r.Body)["user"]?["id"]).ToList();
        Assert.Equal(3, sentIds.Count);
        Assert.All(sentIds, id => Assert.Matches("^dl_[A-Za-z0-9_-]{16}$", id));
        Assert.Equal(3, sentIds.Distinct().Count());
    }

    [Fact]
    public async Task WebChatConfig_PointsThePageAtTheConfiguredAzureEndpoint_WithoutTheSecret()
    {
        await using var azure = await FakeAzureDirectLine.StartAsync();
        await using var host = BotHost.Start(SettingsFor(azure.Endpoint));
        using var client = host.NewClient();

        var response = await client.GetAsync("api/webchat/config");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var config = JObject.Parse(body);
        Assert.Equal(azure.Endpoint, (string?)config["directLine"]?["domain"]);
        Assert.Equal(JTokenType.Null, config["demo"]?.Type); // no "chat as" picker: Azure's tokens don't take the page's user id
        Assert.DoesNotContain(Secret, body, StringComparison.Ordinal);
        Assert.DoesNotContain(AllHeaderValues(response), v => v.Contains(Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TokenRequest_WhenAzureRefusesTheSecret_Answers502SayingSo_WithoutLeakingTheSecret()
    {
        await using var azure = await FakeAzureDirectLine.StartAsync(HttpStatusCode.Forbidden);
        await using var host = BotHost.Start(SettingsFor(azure.Endpoint));
        using var client = host.NewClient();

        var response = await client.PostAsync("api/directline/token", Json("{\"user\":{\"id\":\"dl_ana\",\"name\":\"Ana Lopez\"}}"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var detail = (string?)JObject.Parse(body)["detail"];
        Assert.Contains("refused", detail, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("secret", detail, StringComparison.OrdinalIgnoreCase);
        Assert.Single(azure.Requests);

        Assert.DoesNotContain(Secret, body, StringComparison.Ordinal);
        Assert.DoesNotContain(AllHeaderValues(response), v => v.Contains(Secret, StringComparison.Ordinal));
        Assert.Contains(host.Logs.Entries, e => e.Message.Contains("DirectLine:Secret", StringComparison.Ordinal));
        Assert.DoesNotContain(host.Logs.Entries, e => e.Message.Contains(Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TokenRequest_WhenAzureCannotBeReached_Answers502SayingSo()
    {
        using var closed = new ClosedPort();
        var nothingListening = $"http://127.0.0.1:{closed.Port}/v3/directline";
        await using var host = BotHost.Start(SettingsFor(nothingListening));
        using var client = host.NewClient();

        var response = await client.PostAsync("api/directline/token", Json("{\"user\":{\"id\":\"dl_ana\",\"name\":\"Ana Lopez\"}}"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("could not be reached", (string?)JObject.Parse(body)["detail"], StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, body, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> SettingsFor(string endpoint) => new()
    {
        ["DirectLine:Secret"] = Secret,
        ["DirectLine:Endpoint"] = endpoint,
    };

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static IEnumerable<string> AllHeaderValues(HttpResponseMessage response) =>
        response.Headers.Concat(response.Content.Headers).SelectMany(h => h.Value.Prepend(h.Key));

    /// <summary>
    /// Azure Direct Line's <c>POST {endpoint}/tokens/generate</c> on a loopback port: it takes the secret as
    /// <c>Authorization: Bearer</c> and a <c>{"user":{"id","name"}}</c> body, and answers
    /// <c>{"conversationId","token","expires_in"}</c> (or the status it was told to fail with).
    /// </summary>
    private sealed class FakeAzureDirectLine : IAsyncDisposable
    {
        public const string ConversationId = "AzureConv-7Hq2Lm";
        public const string Token = "azure-issued-token.eyJjb252IjoiQXp1cmVDb252In0.sig";
        public const int ExpiresIn = 3600;

        private readonly ConcurrentQueue<(string? Authorization, string Body)> _requests = new();
        private LoopbackServer _server = null!;

        /// <summary>The Direct Line endpoint the bot is configured with, like https://directline.botframework.com/v3/directline.</summary>
        public string Endpoint { get; private set; } = string.Empty;

        public IReadOnlyList<(string? Authorization, string Body)> Requests => [.. _requests];

        public static async Task<FakeAzureDirectLine> StartAsync(HttpStatusCode status = HttpStatusCode.OK)
        {
            var fake = new FakeAzureDirectLine();
            fake._server = await LoopbackServer.StartAsync(app => app.MapPost("/v3/directline/tokens/generate", async (HttpRequest request) =>
            {
                using var reader = new StreamReader(request.Body);
                fake._requests.Enqueue((request.Headers.Authorization.ToString(), await reader.ReadToEndAsync()));
                return status == HttpStatusCode.OK
                    ? Results.Json(new Dictionary<string, object> { ["conversationId"] = ConversationId, ["token"] = Token, ["expires_in"] = ExpiresIn })
                    : Results.Json(new { error = new { code = "BadArgument", message = "Invalid secret" } }, statusCode: (int)status);
            }));
            fake.Endpoint = fake._server.BaseUrl + "v3/directline";
            return fake;
        }

        public ValueTask DisposeAsync() => _server.DisposeAsync();
    }
}
