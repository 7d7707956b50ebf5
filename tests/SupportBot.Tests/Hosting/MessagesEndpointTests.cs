using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json.Linq;
using SupportBot.Skills.Conversation;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.Hosting;

/// <summary>The bot as a Bot Framework channel (Teams, Slack via Azure Bot Service) sees it: POST /api/messages, replies to serviceUrl.</summary>
public sealed class MessagesEndpointTests : IAsyncLifetime
{
    private BotHost _host = null!;
    private ChannelRecorder _channel = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = BotHost.Start();
        _channel = await ChannelRecorder.StartAsync();
        _client = _host.NewClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _channel.DisposeAsync();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Question_IsAnsweredFromTheKnowledgeBase_InTheUsersConversation_WithACitation()
    {
        var conversation = Activities.NewConversationId();

        var response = await _client.PostAsync(Activities.Message(_channel.ServiceUrl, conversation, "my printer is jammed"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = Assert.Single(await _channel.WaitForMessagesAsync(conversation, 1));
        Assert.Equal("user-1", (string?)reply["recipient"]?["id"]);
        Assert.Contains("Source: [Printer", new[] { reply }.Text(), StringComparison.Ordinal);
        var claim = reply["entities"]!.Single(e => (string?)e["type"] == "https://schema.org/Message")["citation"]![0]!;
        Assert.EndsWith("/kb/printer-troubleshoot", (string?)claim["appearance"]?["url"], StringComparison.Ordinal);
        Assert.Equal(
            ["That fixed it", "Still stuck"],
            new[] { reply }.Buttons());
    }

    [Fact]
    public async Task QuestionOutsideIt_IsDeclinedHonestly_WithHowToReachAPerson()
    {
        var conversation = Activities.NewConversationId();

        await _client.PostAsync(Activities.Message(_channel.ServiceUrl, conversation, "what's the weather in Lisbon tomorrow?"));

        var reply = Assert.Single(await _channel.WaitForMessagesAsync(conversation, 1));
        Assert.Contains("couldn't find anything", (string?)reply["text"], StringComparison.Ordinal);
        Assert.Contains("helpdesk@contoso.example", (string?)reply["text"], StringComparison.Ordinal);
        Assert.Null(reply["entities"]?.FirstOrDefault(e => (string?)e["type"] == "https://schema.org/Message"));
    }

    [Fact]
    public async Task NewMember_IsWelcomedOnce_EvenWhenTheChannelSendsTheJoinTwice()
    {
        var conversation = Activities.NewConversationId();

        await _client.PostAsync(Activities.MembersAdded(_channel.ServiceUrl, conversation));
        await _client.PostAsync(Activities.MembersAdded(_channel.ServiceUrl, conversation));

        var welcome = Assert.Single(await _channel.WaitForMessagesAsync(conversation, 2, TimeSpan.FromSeconds(2)));
        Assert.StartsWith("Hi Ana!", (string?)welcome["text"], StringComparison.Ordinal);
        Assert.Contains("IT help desk assistant", (string?)welcome["text"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RedeliveredActivity_IsAcknowledged_AndAnsweredExactlyOnce()
    {
        var conversation = Activities.NewConversationId();
        var activity = Activities.Message(_channel.ServiceUrl, conversation, "vpn keeps dropping", id: "teams-activity-42");

        var first = await _client.PostAsync(activity);
        var retry = await _client.PostAsync(activity);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Single(await _channel.WaitForMessagesAsync(conversation, 2, TimeSpan.FromSeconds(2)));
        Assert.Contains(_host.Logs.Entries, e => e.Message.Contains("Ignored redelivered activity teams-activity-42", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SameActivityIdInAnotherConversation_IsNotMistakenForARedelivery()
    {
        var first = Activities.NewConversationId();
        var second = Activities.NewConversationId();

        await _client.PostAsync(Activities.Message(_channel.ServiceUrl, first, "hello", id: "1"));
        await _client.PostAsync(Activities.Message(_channel.ServiceUrl, second, "hello", id: "1"));

        Assert.Single(await _channel.WaitForMessagesAsync(first, 1));
        Assert.Single(await _channel.WaitForMessagesAsync(second, 1));
    }

    [Fact]
    public async Task MessagesArrivingTogether_InOneConversation_AllKeepTheirStateChange()
    {
        var conversation = Activities.NewConversationId();
        const int count = 20;

        var posts = Enumerable.Range(1, count)
            .Select(i => _client.PostAsync(Activities.Message(_channel.ServiceUrl, conversation, $"message number {i}")));
        var responses = await Task.WhenAll(posts);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var transcript = await ReadTranscriptAsync(_host, "msteams", conversation);
        var userLines = transcript.Lines.Where(l => l.Speaker == Speaker.User).Select(l => l.Text).ToHashSet();
        Assert.Equal(Enumerable.Range(1, count).Select(i => $"message number {i}").ToHashSet(), userLines);
        Assert.Equal(count, transcript.Lines.Count(l => l.Speaker == Speaker.Bot));
    }

    [Fact]
    public async Task UnknownActivityType_IsAcceptedAndIgnored()
    {
        var conversation = Activities.NewConversationId();
        var activity = Activities.Message(_channel.ServiceUrl, conversation, "x");
        activity["type"] = "somethingNew";

        var response = await _client.PostAsync(activity);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await _channel.WaitForMessagesAsync(conversation, 1, TimeSpan.FromMilliseconds(500)));
    }

    public static TheoryData<string, string, HttpStatusCode, string> BadRequests() => new()
    {
        { "malformed JSON", "{\"type\":\"message\",", HttpStatusCode.BadRequest, "not valid JSON" },
        { "empty body", string.Empty, HttpStatusCode.BadRequest, "body is empty" },
        { "not an object", "[1,2,3]", HttpStatusCode.BadRequest, "must be a JSON object" },
        { "no type", Without("type"), HttpStatusCode.BadRequest, "no 'type'" },
        { "no conversation", Without("conversation"), HttpStatusCode.BadRequest, "no 'conversation.id'" },
        { "no from", Without("from"), HttpStatusCode.BadRequest, "no 'from.id'" },
        { "no serviceUrl", Without("serviceUrl"), HttpStatusCode.BadRequest, "serviceUrl" },
        { "field of the wrong type", With("timestamp", new JArray(1)), HttpStatusCode.BadRequest, "wrong type" },
        { "over 256 KB", With("text", new string('a', 300 * 1024)), HttpStatusCode.RequestEntityTooLarge, "larger than the 256 KB" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task BadActivity_GetsAClear4xx_AndNoReply(string _, string body, HttpStatusCode expected, string explanation)
    {
        var response = await _client.PostRawAsync("api/messages", body);

        Assert.Equal(expected, response.StatusCode);
        var problem = JObject.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(explanation, (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Empty(_channel.Received);
    }

    // The conversation's story as the bot keeps it for a handoff (apart from its state, see docs/decisions/0015).
    internal static async Task<Transcript> ReadTranscriptAsync(BotHost host, string channelId, string conversationId)
    {
        var lines = await host.Services.GetRequiredService<IStoryStore>().ReadAsync($"{channelId}:{conversationId}", default);
        var transcript = new Transcript();
        foreach (var line in lines)
        {
            transcript.Append(line);
        }

        return transcript;
    }

    private static string Without(string field)
    {
        var activity = Activities.Message("http://127.0.0.1:9/", "conv-bad", "hi");
        activity.Remove(field);
        return activity.ToString();
    }

    private static string With(string field, JToken value)
    {
        var activity = Activities.Message("http://127.0.0.1:9/", "conv-bad", "hi");
        activity[field] = value;
        return activity.ToString();
    }
}
