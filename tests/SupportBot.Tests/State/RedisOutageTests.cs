using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;
using SupportBot.Bot.State;
using SupportBot.Skills.SelfHelp.Sandbox;
using SupportBot.Tests.Infrastructure;
using SupportBot.Tests.Tickets;
using Xunit.Abstractions;

namespace SupportBot.Tests.State;

/// <summary>
/// Two instances on one real Redis, and Redis stops (its process killed) while employees are chatting: the bot keeps
/// answering, says honestly what it can't remember, loses no ticket, and is whole again when Redis is back on the same
/// port — without a restart.
/// </summary>
public sealed class RedisOutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string AdeleLaptop = "677d1297-b493-4bbb-8f34-5ee2436b4619";
    private RestartableRedis _redis = null!;
    private JiraServer _jira = null!;
    private BotHost _first = null!;
    private BotHost _second = null!;
    private ChannelRecorder _channel = null!;
    private HttpClient _a = null!;
    private HttpClient _b = null!;

    public async Task InitializeAsync()
    {
        // Persistent, as a managed cache is: what was stored before the outage is there after it.
        _redis = await RestartableRedis.StartAsync(persistent: true);
        _jira = await JiraServer.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = _redis.ConnectionString,
            ["State:KeyPrefix"] = $"o{Guid.NewGuid():N}:",
            ["Tickets:System"] = "Jira",
            ["Tickets:Jira:BaseUrl"] = _jira.BaseUrl,
            ["Tickets:Jira:Email"] = JiraServer.Email,
            ["Tickets:Jira:ApiToken"] = JiraServer.ApiToken,
            ["Tickets:Jira:ServiceDeskId"] = JiraServer.ServiceDeskId,
            ["Tickets:Jira:RequestTypeId"] = JiraServer.RequestTypeId,
            ["Tickets:Jira:IdempotencyField"] = JiraServer.IdempotencyField,
            ["Tickets:OutboxInterval"] = "00:00:01",
            ["Tickets:MaxRetryDelay"] = "00:00:01",
            ["Tickets:Timeout"] = "00:00:03",
        };
        _first = BotHost.Start(settings);
        _second = BotHost.Start(settings);
        _channel = await ChannelRecorder.StartAsync();
        _a = _first.NewClient();
        _b = _second.NewClient();
    }

    public async Task DisposeAsync()
    {
        _a.Dispose();
        _b.Dispose();
        await _channel.DisposeAsync();
        await _first.DisposeAsync();
        await _second.DisposeAsync();
        await _jira.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task RedisStopped_AKnowledgeQuestion_IsStillAnsweredWithItsArticle_WithoutWaitingOnRedis()
    {
        var chat = new TeamsChat(_a, _channel, DemoPeople.Adele);
        await chat.SayAsync("outlook won't open");
        await new TeamsChat(_b, _channel, DemoPeople.Alex).SayAsync("outlook won't open");
        var timer = Stopwatch.StartNew();
        await new TeamsChat(_b, _channel, DemoPeople.Alex).SayAsync("my printer is jammed");
        var withRedis = timer.Elapsed;

        await _redis.StopAsync();
        timer.Restart();
        var first = await chat.SayAsync("my printer is jammed");
        var firstTurn = timer.Elapsed;
        timer.Restart();
        var second = await new TeamsChat(_b, _channel, DemoPeople.Megan).SayAsync("my printer is jammed");
        var secondTurn = timer.Elapsed;

        output.WriteLine(
            $"Turn with Redis up: {withRedis.TotalMilliseconds:F0} ms; while Redis was stopped: {firstTurn.TotalMilliseconds:F0} ms and {secondTurn.TotalMilliseconds:F0} ms");
        foreach (var replies in new[] { first, second })
        {
            Assert.Contains(replies.CitedUrls(), u => u.EndsWith("/kb/printer-troubleshoot", StringComparison.Ordinal));
            Assert.DoesNotContain("trouble with my memory", replies.Text(), StringComparison.Ordinal);
            Assert.DoesNotContain("something went wrong", replies.Text(), StringComparison.Ordinal);
        }

        Assert.InRange(firstTurn, TimeSpan.Zero, TimeSpan.FromSeconds(3));
        Assert.InRange(secondTurn, TimeSpan.Zero, TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task RedisHanging_KnowledgeQuestionsAreStillAnswered_TheFirstAfterOneRedisTimeout()
    {
        var chat = new TeamsChat(_a, _channel, DemoPeople.Adele);
        await chat.SayAsync("outlook won't open");

        await _redis.FreezeAsync(true);
        var turns = new List<TimeSpan>();
        foreach (var question in new[] { "my printer is jammed", "my printer is jammed", "my printer is jammed" })
        {
            var timer = Stopwatch.StartNew();
            var replies = await chat.SayAsync(question);
            turns.Add(timer.Elapsed);
            Assert.Contains(replies.CitedUrls(), u => u.EndsWith("/kb/printer-troubleshoot", StringComparison.Ordinal));
        }

        output.WriteLine($"Turns while Redis hung: {string.Join(", ", turns.Select(t => $"{t.TotalMilliseconds:F0} ms"))}");
        Assert.All(turns, t => Assert.InRange(t, TimeSpan.Zero, TimeSpan.FromSeconds(4)));
        await _redis.FreezeAsync(false);
    }

    [Fact]
    public async Task RedisStopped_AConfirmationFromBefore_GetsTheHonestReply_AndNothingRuns()
    {
        var chat = new TeamsChat(_a, _channel, DemoPeople.Adele);
        var asked = await chat.SayAsync("restart my laptop");
        Assert.Contains("Restart DESKTOP-ADELE01?", asked.Text(), StringComparison.Ordinal);

        await _redis.StopAsync();
        var clicked = await chat.SubmitAsync(asked.ConfirmData());
        var sendIt = await new TeamsChat(_b, _channel, DemoPeople.Megan).SayAsync("Send it");

        Assert.Equal(TurnGateMiddleware.CannotConfirm, Assert.Single(clicked).Value<string>("text"));
        Assert.Empty(_first.Services.GetRequiredService<GraphSandbox>().Tenant.FindDevice(AdeleLaptop)!.RebootRequests);
        Assert.Contains("I'm having trouble with my memory right now", sendIt.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RedisStopped_AnEscalationMadeMeanwhile_IsFiledOnce_AndTheEmployeeGetsItsNumber()
    {
        await _redis.StopAsync();
        _jira.Fail(503, times: 1);
        var chat = new TeamsChat(_a, _channel, DemoPeople.Megan);
        await chat.SayAsync("talk to a person");
        var review = await chat.SayAsync("the docking station no longer charges my laptop");
        Assert.Contains("Here's what I'll send to the IT team", review.Text(), StringComparison.Ordinal);

        var queued = await chat.SayAsync("Send it");

        Assert.Contains("I couldn't reach the ticket system just now", queued.Text(), StringComparison.Ordinal);
        var all = await _channel.WaitForMessagesAsync(chat.ConversationId, chat.Messages.Count + 1, TimeSpan.FromSeconds(30));
        Assert.Matches(@"your request is filed as \*\*HELP-1\*\*", (string?)all[^1]["text"]);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var issue = Assert.Single(_jira.Issues);
        Assert.Contains("docking station", (string?)issue["summary"], StringComparison.Ordinal);
        Assert.Single(chat.Messages, m => ((string?)m["text"])?.Contains("HELP-1", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task RedisStoppedForTenSeconds_AHandoffUnderReview_IsHonestlyPaused_AndSentWithItsStoryAfterwards()
    {
        var chat = new TeamsChat(_a, _channel, DemoPeople.Adele);
        await chat.SayAsync("talk to a person");
        var review = await chat.SayAsync("my headset crackles in every Teams call");
        Assert.Contains("Here's what I'll send to the IT team", review.Text(), StringComparison.Ordinal);

        await _redis.StopAsync();
        var outage = Stopwatch.StartNew();
        var meanwhile = await chat.SayAsync("Send it");
        var answered = await chat.SayAsync("my printer is jammed");

        Assert.Equal(TurnGateMiddleware.CannotContinue, Assert.Single(meanwhile).Value<string>("text"));
        Assert.Contains(answered.CitedUrls(), u => u.EndsWith("/kb/printer-troubleshoot", StringComparison.Ordinal));
        Assert.Empty(_jira.Issues);

        if (TimeSpan.FromSeconds(10) - outage.Elapsed is { Ticks: > 0 } rest)
        {
            await Task.Delay(rest);
        }

        await _redis.StartAgainAsync();
        await WaitUntilReadyAsync(_a);
        await WaitUntilReadyAsync(_b);
        var sent = await SayOnAsync(_b, chat, "Send it");

        Assert.Matches(@"your ticket is \*\*HELP-1\*\*", sent.Text());
        var issue = Assert.Single(_jira.Issues);
        Assert.Contains("headset crackles", (string?)issue["summary"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RedisRestartedOnTheSamePort_TheNextTurnsShareStateAgain_WithoutRestartingTheBot()
    {
        await _redis.StopAsync();
        await new TeamsChat(_a, _channel, DemoPeople.Alex).SayAsync("my printer is jammed");
        await new TeamsChat(_a, _channel, DemoPeople.Alex).SayAsync("my printer is jammed");
        Assert.Equal(HttpStatusCode.OK, (await _a.GetAsync("healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await _a.GetAsync("healthz/ready")).StatusCode);

        await _redis.StartAgainAsync();
        await WaitUntilReadyAsync(_a);
        await WaitUntilReadyAsync(_b);

        // Begun on A, continued on B: B knows what A asked.
        var chat = new TeamsChat(_a, _channel, DemoPeople.Alex);
        var asked = await chat.SayAsync("talk to a person");
        Assert.Contains("what do you need help with?", asked.Text(), StringComparison.Ordinal);
        var review = await SayOnAsync(_b, chat, "the projector in room 4 shows no picture");
        Assert.Contains("Here's what I'll send to the IT team", review.Text(), StringComparison.Ordinal);
        Assert.Contains("projector in room 4", review.Text(), StringComparison.Ordinal);

        // One warning for the outage, however many turns it saw; and word that it ended.
        Assert.Single(_first.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.StartsWith("Redis is unreachable", StringComparison.Ordinal));
        Assert.Contains(_first.Logs.Entries, e => e.Message.StartsWith("Redis is reachable again", StringComparison.Ordinal));
    }

    // The same chat, its message delivered to the other instance (as a load balancer may).
    private async Task<IReadOnlyList<JObject>> SayOnAsync(HttpClient instance, TeamsChat chat, string text)
    {
        var before = _channel.MessagesIn(chat.ConversationId).Count;
        var response = await instance.PostAsync(chat.Activity(text));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await _channel.WaitForMessagesAsync(chat.ConversationId, before + 1)).Skip(before)];
    }

    private static async Task WaitUntilReadyAsync(HttpClient client)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await client.GetAsync("healthz/ready")).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < deadline, "the bot did not report Redis reachable again");
            await Task.Delay(200);
        }
    }
}
