using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Identity;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Newtonsoft.Json.Linq;
using SupportBot.Skills.Knowledge;
using SupportBot.Skills.Knowledge.Generative;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.Knowledge;

/// <summary>
/// Generative answers through the real bot (POST /api/messages, replies to a recording channel) against a local
/// OpenAI-compatible chat model on a loopback port that answers as each test scripts.
/// </summary>
public sealed partial class GenerativeAnswerTests : IAsyncLifetime
{
    private const string Deployment = "gpt-4o-mini";
    private const string ApiKey = "test-key-6f1c";
    private const string Question = "my printer is jammed";
    private const string PrinterArticle = "printer-troubleshoot";
    private const string PrinterTitle = "Printer not printing or print jobs stuck";
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);
    private static readonly string[] WriterSourceIds = ["printer-troubleshoot", "printer-add", "vpn-connect"];

    private ChatModelServer _model = null!;
    private ChannelRecorder _channel = null!;
    private BotHost _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _model = await ChatModelServer.StartAsync();
        _channel = await ChannelRecorder.StartAsync();
        _host = BotHost.Start(Settings(_model.Endpoint));
        _client = _host.NewClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
        await _channel.DisposeAsync();
        await _model.DisposeAsync();
    }

    [Fact]
    public async Task Request_CarriesThePassagesAndTheQuestion_ToTheDeployment_WithTheApiKey()
    {
        _model.Respond = ChatModelServer.Completion("Open the printer's front panel and follow the on-screen pictures to clear the jam [1].");

        await AskAsync(Question);

        var request = Assert.Single(_model.Requests);
        Assert.Equal($"/openai/deployments/{Deployment}/chat/completions", request.Path);
        Assert.Contains("api-version=", request.Query, StringComparison.Ordinal);
        Assert.Equal(ApiKey, request.Headers["api-key"]);
        Assert.Contains("ONLY the numbered sources", request.SystemMessage, StringComparison.Ordinal);
        Assert.Contains("same language as the employee's question", request.SystemMessage, StringComparison.Ordinal);
        Assert.Contains("Never ask for a password", request.SystemMessage, StringComparison.Ordinal);
        Assert.Contains($"[1] {PrinterTitle}", request.UserMessage, StringComparison.Ordinal);
        Assert.Contains("Follow the on-screen pictures to clear a jam", request.UserMessage, StringComparison.Ordinal);
        Assert.Contains("Open print queue", request.UserMessage, StringComparison.Ordinal); // the Windows steps the extractive reply shows
        Assert.DoesNotContain("Printer Queue…", request.UserMessage, StringComparison.Ordinal); // not the macOS ones as well
        Assert.Contains(Question, request.UserMessage, StringComparison.Ordinal);
        Assert.True(request.UserMessage.IndexOf(Question, StringComparison.Ordinal) > request.UserMessage.IndexOf("[1]", StringComparison.Ordinal), "The question comes after the sources.");
        Assert.DoesNotContain("{{", request.UserMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GroundedAnswer_IsTheReply_LabelledAIGenerated_CitingTheArticle_WithTheFeedbackButtons()
    {
        const string written = "Clear the jam by following the pictures on the printer's screen, without pulling the paper out [1].";
        _model.Respond = ChatModelServer.Completion(written);

        var reply = await AskAsync(Question);

        Assert.StartsWith(written, new[] { reply }.Text().Trim(), StringComparison.Ordinal);
        Assert.Contains($"AI-generated from: [{PrinterTitle}](", new[] { reply }.Text(), StringComparison.Ordinal);
        Assert.Contains($"/kb/{PrinterArticle})", new[] { reply }.Text(), StringComparison.Ordinal);
        var message = MessageEntity(reply);
        Assert.Equal(["AIGeneratedContent"], message["additionalType"]!.Select(t => (string?)t));
        var claim = Assert.Single(message["citation"]!);
        Assert.Equal(1, (int)claim["position"]!);
        Assert.Equal(PrinterTitle, (string?)claim["appearance"]?["name"]);
        Assert.EndsWith($"/kb/{PrinterArticle}", (string?)claim["appearance"]?["url"], StringComparison.Ordinal);
        Assert.Equal(["That fixed it", "Still stuck"], new[] { reply }.Buttons());
    }

    [Fact]
    public async Task EveryCitationMarker_MapsToTheArticleOfTheSourceItCites_InOrderOfUse()
    {
        // The model cites the last source it was given first: the reply renumbers it [1] and keeps the mapping.
        _model.Respond = (request, context) =>
            ChatModelServer.Completion($"First see the other guide [{SourceNumber().Count(request.UserMessage)}]. Then clear the jam [1].")(request, context);

        var reply = await AskAsync(Question);

        var request = Assert.Single(_model.Requests);
        var titles = SourceNumber().Matches(request.UserMessage).Select(m => m.Groups["title"].Value).ToList();
        Assert.True(titles.Count > 1, "The question should retrieve more than one article.");
        var claims = MessageEntity(reply)["citation"]!.ToList();
        var text = new[] { reply }.Text();
        Assert.Equal(Enumerable.Range(1, claims.Count), claims.Select(c => (int)c["position"]!));
        Assert.All(claims, c => Assert.Contains($"[{(int)c["position"]!}]", text, StringComparison.Ordinal));
        Assert.Equal([titles[^1], titles[0]], claims.Select(c => (string?)c["appearance"]?["name"]));
        Assert.EndsWith($"/kb/{PrinterArticle}", (string?)claims[1]["appearance"]?["url"], StringComparison.Ordinal);
        Assert.StartsWith("First see the other guide [1]. Then clear the jam [2].", text.Trim(), StringComparison.Ordinal);
        Assert.All(claims, c =>
        {
            var id = ((string?)c["appearance"]?["url"])!.Split("/kb/")[1];
            Assert.Equal((string?)c["appearance"]?["name"], TestArticles.All.Single(a => a.Id == id).Title);
        });
    }

    [Fact]
    public async Task FeedbackAfterAWrittenAnswer_IsRecordedForTheFirstCitedArticle()
    {
        _model.Respond = ChatModelServer.Completion("Follow the pictures on the printer's screen [1].");
        var conversation = Activities.NewConversationId();
        await _client.PostAsync(Activities.Message(_channel.ServiceUrl, conversation, Question));
        await _channel.WaitForMessagesAsync(conversation, 1);

        await _client.PostAsync(Activities.Message(_channel.ServiceUrl, conversation, "That fixed it"));
        await _channel.WaitForMessagesAsync(conversation, 2);

        var feedback = await _host.Services.GetRequiredService<IKnowledgeFeedback>().RecentAsync(10, CancellationToken.None);
        var entry = Assert.Single(feedback, f => f.Question == Question);
        Assert.Equal(PrinterArticle, entry.ArticleId);
        Assert.True(entry.Helpful);
    }

    public static TheoryData<string, string> UngroundedOutputs() => new()
    {
        { "cites nothing", "Printers jam sometimes. Try turning it off and on again, and call the vendor on 0800 123 456." },
        { "cites a source it was not given", "Clear the jam [1] and then replace the fuser unit [9]." },
        { "says it doesn't know", "I don't know: the sources don't cover that." },
        { "empty", string.Empty },
    };

    [Theory]
    [MemberData(nameof(UngroundedOutputs))]
    public async Task UngroundedOutput_FallsBackToTheExtractiveAnswer(string _, string output)
    {
        _model.Respond = ChatModelServer.Completion(output);

        var reply = await AskAsync(Question);

        AssertExtractive(reply);
        if (output.Length > 0)
        {
            Assert.DoesNotContain(output, new[] { reply }.Text(), StringComparison.Ordinal);
        }

        Assert.Single(_model.Requests);
        Assert.Contains(_host.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("answering from the article instead", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TruncatedOutput_FallsBackToTheExtractiveAnswer()
    {
        _model.Respond = ChatModelServer.Completion("Clear the jam [1] and then open the", finishReason: "length");

        var reply = await AskAsync(Question);

        AssertExtractive(reply);
    }

    public static TheoryData<string> ModelFailures() => ["429 with Retry-After", "500", "slower than the budget", "not JSON"];

    [Theory]
    [MemberData(nameof(ModelFailures))]
    public async Task ModelFailure_FallsBackToTheExtractiveAnswer_WithinTheTurnBudget(string failure)
    {
        _model.Respond = failure switch
        {
            "429 with Retry-After" => ChatModelServer.Status(429, retryAfter: "20"),
            "500" => ChatModelServer.Status(500),
            "slower than the budget" => ChatModelServer.Slow(TimeSpan.FromSeconds(30), "Too late [1]."),
            _ => (_, context) => context.Response.WriteAsync("<html>Bad gateway</html>"),
        };
        var clock = Stopwatch.StartNew();

        var reply = await AskAsync(Question);

        clock.Stop();
        AssertExtractive(reply);
        Assert.Single(_model.Requests); // no retry: a Retry-After of 20 s is longer than anyone waits for an answer
        Assert.True(clock.Elapsed < Budget + TimeSpan.FromSeconds(5), $"The turn took {clock.Elapsed}.");
        Assert.Contains(_host.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("answering from the article instead", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnreachableModel_FallsBackToTheExtractiveAnswer()
    {
        var closedPort = _model.Endpoint;
        await _model.DisposeAsync();
        _model = await ChatModelServer.StartAsync();
        await using var host = BotHost.Start(Settings(closedPort));
        using var client = host.NewClient();
        var conversation = Activities.NewConversationId();

        await client.PostAsync(Activities.Message(_channel.ServiceUrl, conversation, Question));

        AssertExtractive(Assert.Single(await _channel.WaitForMessagesAsync(conversation, 1)));
    }

    [Fact]
    public async Task OpenAICompatibleServer_IsCalledOnItsChatCompletionsRoute_WithABearerKey()
    {
        await using var host = BotHost.Start(new Dictionary<string, string?>
        {
            ["AzureOpenAI:Kind"] = "OpenAICompatible",
            ["AzureOpenAI:Endpoint"] = _model.Endpoint + "v1",
            ["AzureOpenAI:Deployment"] = "llama-3.1-8b-instruct",
            ["AzureOpenAI:ApiKey"] = ApiKey,
            ["AzureOpenAI:Timeout"] = Budget.ToString(),
        });
        using var client = host.NewClient();
        _model.Respond = ChatModelServer.Completion("Follow the pictures on the printer's screen to clear the jam [1].");
        var conversation = Activities.NewConversationId();

        await client.PostAsync(Activities.Message(_channel.ServiceUrl, conversation, Question));

        var reply = Assert.Single(await _channel.WaitForMessagesAsync(conversation, 1));
        var request = Assert.Single(_model.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal($"Bearer {ApiKey}", request.Headers["Authorization"]);
        Assert.Equal("llama-3.1-8b-instruct", (string?)request.Body["model"]);
        Assert.EndsWith($"/kb/{PrinterArticle}", (string?)MessageEntity(reply)["citation"]![0]!["appearance"]?["url"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutAnApiKey_TheModelIsCalledWithAnEntraIdToken_ForAzureOpenAI()
    {
        var credential = new FakeCredential(token: "entra-token-42");
        await using var host = BotHost.Start(
            new Dictionary<string, string?>(Settings(_model.Endpoint)) { ["AzureOpenAI:ApiKey"] = null },
            services: s => s.AddSingleton<TokenCredential>(credential));
        using var client = host.NewClient();
        _model.Respond = ChatModelServer.Completion("Follow the pictures on the printer's screen to clear the jam [1].");
        var conversation = Activities.NewConversationId();

        await client.PostAsync(Activities.Message(_channel.ServiceUrl, conversation, Question));

        var reply = Assert.Single(await _channel.WaitForMessagesAsync(conversation, 1));
        var request = Assert.Single(_model.Requests);
        Assert.Equal("Bearer entra-token-42", request.Headers["Authorization"]);
        Assert.False(request.Headers.ContainsKey("api-key"));
        Assert.Contains("https://cognitiveservices.azure.com/.default", credential.Scopes);
        Assert.NotNull(MessageEntity(reply)["additionalType"]);
    }

    [Fact]
    public async Task WhenNoEntraIdTokenCanBeHad_TheAnswerIsExtractive()
    {
        await using var host = BotHost.Start(
            new Dictionary<string, string?>(Settings(_model.Endpoint)) { ["AzureOpenAI:ApiKey"] = null },
            services: s => s.AddSingleton<TokenCredential>(new FakeCredential(token: null)));
        using var client = host.NewClient();
        var conversation = Activities.NewConversationId();

        await client.PostAsync(Activities.Message(_channel.ServiceUrl, conversation, Question));

        AssertExtractive(Assert.Single(await _channel.WaitForMessagesAsync(conversation, 1)));
        Assert.Empty(_model.Requests);
        Assert.Contains(host.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("No Entra ID token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithoutAnLlm_TheAnswerIsExtractive_AndNoModelIsCalled()
    {
        await using var host = BotHost.Start();
        using var client = host.NewClient();
        var conversation = Activities.NewConversationId();

        await client.PostAsync(Activities.Message(_channel.ServiceUrl, conversation, Question));

        AssertExtractive(Assert.Single(await _channel.WaitForMessagesAsync(conversation, 1)));
        Assert.Empty(_model.Requests);
        Assert.Contains(host.Logs.Entries, e => e.Message.Contains("Generative answers off", StringComparison.Ordinal));
    }

    [Fact]
    public void EndpointWithoutDeployment_RefusesToStart_NamingTheSetting()
    {
        var reason = BotHost.StartExpectingFailure(new Dictionary<string, string?> { ["AzureOpenAI:Endpoint"] = "https://contoso.openai.azure.com/" });

        Assert.Contains("neither AzureOpenAI:Deployment nor AzureOpenAI:EmbeddingDeployment is", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Writer_KeepsOnlySourcesItWasGiven_AndRenumbersThemInOrderOfUse()
    {
        var sources = WriterSourceIds
            .Select(id => TestArticles.All.Single(a => a.Id == id))
            .Select(a => new AnswerSource(a, a.Sections[0].Heading, string.Join("\n", a.Sections[0].Steps)))
            .ToList();
        var options = Options.Create(new GenerativeOptions { Endpoint = _model.Endpoint, Deployment = Deployment, ApiKey = ApiKey, Timeout = Budget });
        using var http = new HttpClient { BaseAddress = new Uri(_model.Endpoint) };
        var sut = new SemanticKernelAnswerWriter(GenerativeExtensions.CreateKernel(options.Value, http), options, TimeProvider.System, NullLogger<SemanticKernelAnswerWriter>.Instance);
        _model.Respond = ChatModelServer.Completion("Connect to the VPN first [3]. Then add the printer [2, 3].");

        var answer = await sut.WriteAsync("how do I print from home", sources, CancellationToken.None);

        Assert.NotNull(answer);
        Assert.Equal("Connect to the VPN first [1]. Then add the printer [2][1].", answer.Text);
        Assert.Equal([(1, "vpn-connect"), (2, "printer-add")], answer.Citations.Select(c => (c.Position, c.Source.Article.Id)));
    }

    private static Dictionary<string, string?> Settings(string endpoint) => new()
    {
        ["AzureOpenAI:Endpoint"] = endpoint,
        ["AzureOpenAI:Deployment"] = Deployment,
        ["AzureOpenAI:ApiKey"] = ApiKey,
        ["AzureOpenAI:Timeout"] = Budget.ToString(),
    };

    private async Task<JObject> AskAsync(string question)
    {
        var conversation = Activities.NewConversationId();
        var response = await _client.PostAsync(Activities.Message(_channel.ServiceUrl, conversation, question));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Assert.Single(await _channel.WaitForMessagesAsync(conversation, 1, Budget + TimeSpan.FromSeconds(10)));
    }

    private static JToken MessageEntity(JObject reply) =>
        reply["entities"]!.Single(e => (string?)e["type"] == "https://schema.org/Message");

    // The extractive answer: the article's title and passage, one citation, a link, not labelled AI-generated.
    private static void AssertExtractive(JObject reply)
    {
        var text = new[] { reply }.Text().Trim();
        Assert.StartsWith(PrinterTitle, text, StringComparison.Ordinal);
        Assert.Contains("[Open the full article](", text, StringComparison.Ordinal);
        Assert.Contains($"Source: [{PrinterTitle}](", text, StringComparison.Ordinal);
        var message = MessageEntity(reply);
        Assert.Null(message["additionalType"]);
        Assert.EndsWith($"/kb/{PrinterArticle}", (string?)Assert.Single(message["citation"]!)["appearance"]?["url"], StringComparison.Ordinal);
        Assert.Equal(["That fixed it", "Still stuck"], new[] { reply }.Buttons());
    }

    /// <summary>Entra ID as the bot's managed identity would give it: a token, or none to be had.</summary>
    private sealed class FakeCredential(string? token) : TokenCredential
    {
        public List<string> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes.AddRange(requestContext.Scopes);
            return token is null
                ? throw new CredentialUnavailableException("No managed identity endpoint found.")
                : new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    [GeneratedRegex(@"^\[(?<n>\d+)\] (?<title>.+)$", RegexOptions.Multiline)]
    private static partial Regex SourceNumber();
}
