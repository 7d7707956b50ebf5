using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json.Linq;
using SupportBot.Skills.Conversation;
using SupportBot.Skills.Knowledge;
using SupportBot.Tests.Hosting;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.State;

/// <summary>Two bot instances sharing one real Redis, as behind a load balancer.</summary>
[Collection(RedisGroup.Name)]
public sealed class ScaleOutTests(RedisServer redis) : IAsyncLifetime
{
    private BotHost _first = null!;
    private BotHost _second = null!;
    private ChannelRecorder _channel = null!;

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
            ["State:KeyPrefix"] = $"s{Guid.NewGuid():N}:",
        };
        _first = BotHost.Start(settings);
        _second = BotHost.Start(settings);
        _channel = await ChannelRecorder.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _first.DisposeAsync();
        await _second.DisposeAsync();
    }

    [Fact]
    public async Task MessagesOfOneConversation_SpreadOverTwoInstances_AllKeepTheirStateChange()
    {
        using var a = _first.NewClient();
        using var b = _second.NewClient();
        var conversation = Activities.NewConversationId();
        const int count = 16;

        var posts = Enumerable.Range(1, count).Select(i =>
            (i % 2 == 0 ? a : b).PostAsync(Activities.Message(_channel.ServiceUrl, conversation, $"line {i}")));
        var responses = await Task.WhenAll(posts);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var transcript = await MessagesEndpointTests.ReadTranscriptAsync(_second, "msteams", conversation);
        Assert.Equal(
            Enumerable.Range(1, count).Select(i => $"line {i}").ToHashSet(),
            transcript.Lines.Where(l => l.Speaker == Speaker.User).Select(l => l.Text).ToHashSet());
        Assert.Equal(count, (await _channel.WaitForMessagesAsync(conversation, count)).Count);
    }

    [Fact]
    public async Task RedeliveryToTheOtherInstance_IsAnsweredExactlyOnce()
    {
        using var a = _first.NewClient();
        using var b = _second.NewClient();
        var conversation = Activities.NewConversationId();
        var activity = Activities.Message(_channel.ServiceUrl, conversation, "outlook won't open", id: "retry-me");

        var both = await Task.WhenAll(a.PostAsync(activity), b.PostAsync(activity));

        Assert.All(both, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Single(await _channel.WaitForMessagesAsync(conversation, 2, TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task ArticleFeedback_GivenOnOneInstance_IsSeenByTheOther()
    {
        using var a = _first.NewClient();
        var conversation = Activities.NewConversationId();
        await a.PostAsync(Activities.Message(_channel.ServiceUrl, conversation, "my printer is jammed"));
        await _channel.WaitForMessagesAsync(conversation, 1);

        await a.PostAsync(Activities.Message(_channel.ServiceUrl, conversation, "That fixed it"));
        await _channel.WaitForMessagesAsync(conversation, 2);

        var seen = await _second.Services.GetRequiredService<IKnowledgeFeedback>().RecentAsync(10, default);
        Assert.Contains(seen, f => f is { ArticleId: "printer-troubleshoot", Helpful: true, Question: "my printer is jammed" });
    }

    [Fact]
    public async Task Readiness_ReportsRedisReachable()
    {
        using var client = _first.NewClient();

        var response = await client.GetAsync("healthz/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JObject.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", (string?)body["status"]);
        Assert.Contains("Redis answered", (string?)body["checks"]?["redis"]?["description"], StringComparison.Ordinal);
    }
}

/// <summary>What happens while Redis is unreachable from the start: alive, not ready, and still answering.</summary>
public sealed class RedisDownTests : IAsyncLifetime, IDisposable
{
    private readonly ClosedPort _redisPort = new();
    private BotHost _host = null!;
    private ChannelRecorder _channel = null!;

    public async Task InitializeAsync()
    {
        _host = BotHost.Start(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = $"127.0.0.1:{_redisPort.Port},connectTimeout=200,syncTimeout=500,asyncTimeout=500",
            ["State:TurnLockTimeout"] = "00:00:01",
        });
        _channel = await ChannelRecorder.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _host.DisposeAsync();
    }

    public void Dispose() => _redisPort.Dispose();

    [Fact]
    public async Task Liveness_IsOk_ButReadiness_Is503()
    {
        using var client = _host.NewClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("healthz")).StatusCode);
        var ready = await client.GetAsync("healthz/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("Redis is not reachable", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Message_IsStillAnswered_FromTheKnowledgeBase()
    {
        using var client = _host.NewClient();
        var conversation = Activities.NewConversationId();

        var response = await client.PostAsync(Activities.Message(_channel.ServiceUrl, conversation, "my printer is jammed"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var replies = await _channel.WaitForMessagesAsync(conversation, 1);
        Assert.Contains(replies.CitedUrls(), u => u.EndsWith("/kb/printer-troubleshoot", StringComparison.Ordinal));
    }
}
