using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using SupportBot.Bot.Technicians;
using SupportBot.Skills.Tickets;
using SupportBot.Tests.Infrastructure;
using SupportBot.Tests.Technicians;
using SupportBot.Tests.Tickets;

namespace SupportBot.Tests.State;

/// <summary>
/// A handoff worked across two instances on one real Redis (the embedded help desk's file shared, as on a shared
/// volume): the technician signs in on one, works the ticket on the other, and the employee's chat carries on.
/// </summary>
[Collection(RedisGroup.Name)]
public sealed partial class ScaleOutHandoffTests(RedisServer redis) : IAsyncLifetime
{
    private readonly string _prefix = $"h{Guid.NewGuid():N}:";
    private BotHost _first = null!;
    private BotHost _second = null!;
    private ChannelRecorder _channel = null!;
    private HttpClient _a = null!;

    public async Task InitializeAsync()
    {
        var settings = ConsoleHost.Settings(ConsoleHost.NewFolder());
        settings["ConnectionStrings:Redis"] = redis.ConnectionString;
        settings["State:KeyPrefix"] = _prefix;
        _first = BotHost.Start(settings);
        _second = BotHost.Start(settings);
        _channel = await ChannelRecorder.StartAsync();
        _a = _first.NewClient();
    }

    public async Task DisposeAsync()
    {
        _a.Dispose();
        await _channel.DisposeAsync();
        await _first.DisposeAsync();
        await _second.DisposeAsync();
    }

    [Fact]
    public async Task TechnicianSignedInOnA_ClaimsAndRepliesOnB_TheEmployeeReadsIt_AndTheirAnswerViaAReachesB()
    {
        var chat = new TeamsChat(_a, _channel, DemoPeople.Adele);
        await chat.SayAsync("talk to a person");
        await chat.SayAsync("my second monitor stays black");
        var filed = await chat.SayAsync("Send it");
        var number = TicketNumber().Match(filed.Text()).Groups[1].Value;
        Assert.StartsWith("SB-", number, StringComparison.Ordinal);

        using var onA = await ConsoleClient.SignedInAsync(_first, "ada", ConsoleHost.AdaPassword);
        using var onB = new ConsoleClient(_second);
        onB.Cookies.Add(onA.Cookies.GetAllCookies());
        using var stranger = new ConsoleClient(_second);
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync($"api/technician/tickets/{number}")).StatusCode);

        // The cookie and the antiforgery token A issued are both good on B.
        var seen = _channel.MessagesIn(chat.ConversationId).Count;
        using var claim = await onB.PostAsync($"api/technician/tickets/{number}/claim", token: onA.ApiToken);
        Assert.Equal(HttpStatusCode.OK, claim.StatusCode);
        using var reply = await onB.PostAsync($"api/technician/tickets/{number}/reply", new { text = "Please try the other USB-C port." }, token: onA.ApiToken);
        Assert.Equal(HttpStatusCode.Created, reply.StatusCode);

        var received = (await _channel.WaitForMessagesAsync(chat.ConversationId, seen + 2)).Skip(seen).Text();
        Assert.Contains($"**Ada Lovelace** from IT has picked up your ticket {number}", received, StringComparison.Ordinal);
        Assert.Contains("**Ada Lovelace (IT):** Please try the other USB-C port.", received, StringComparison.Ordinal);

        var response = await _a.PostAsync(chat.Activity("that worked, thanks!"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var ticket = await onB.GetJsonAsync($"api/technician/tickets/{number}");
        Assert.Contains(ticket.GetProperty("messages").EnumerateArray(), m => m.GetProperty("text").GetString() == "that worked, thanks!");

        // Two hosts on one machine could also share a key ring on disk; containers can't, so it must be in Redis.
        Assert.True(await redis.Connection.GetDatabase().KeyExistsAsync($"{_prefix}dataprotection:keys"));
    }

    [Fact]
    public async Task PasswordGuesses_SpreadOverBothInstances_StillLockTheUserName()
    {
        for (var i = 0; i < LoginThrottle.MaxFailures; i++)
        {
            using var attacker = new ConsoleClient(i % 2 == 0 ? _first : _second);
            using var failure = await attacker.SignInAsync("linus", $"guess-{i}");
            Assert.Equal(HttpStatusCode.Unauthorized, failure.StatusCode);
        }

        foreach (var host in new[] { _first, _second })
        {
            using var owner = new ConsoleClient(host);
            using var locked = await owner.SignInAsync("linus", ConsoleHost.LinusPassword);
            Assert.Equal((HttpStatusCode)429, locked.StatusCode);
        }
    }

    [GeneratedRegex(@"your ticket is \*\*(SB-\d+)\*\*")]
    private static partial Regex TicketNumber();
}

/// <summary>
/// The escalation outbox shared through Redis: Jira down while an employee hands off on one instance; every instance
/// drains, one files it; and an instance scaled in with a handoff still queued leaves it to the others.
/// </summary>
[Collection(RedisGroup.Name)]
public sealed class ScaleOutOutboxTests(RedisServer redis) : IAsyncLifetime
{
    private JiraServer _jira = null!;
    private Dictionary<string, string?> _settings = null!;
    private ChannelRecorder _channel = null!;

    public async Task InitializeAsync()
    {
        _jira = await JiraServer.StartAsync();
        _settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
            ["State:KeyPrefix"] = $"x{Guid.NewGuid():N}:",
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
        _channel = await ChannelRecorder.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _jira.DisposeAsync();
    }

    [Fact]
    public async Task JiraDownDuringTheHandoff_BothInstancesDrain_OneTicketIsFiled_AndTheEmployeeIsToldOnce()
    {
        await using var first = BotHost.Start(_settings);
        await using var second = BotHost.Start(_settings);
        using var a = first.NewClient();
        _jira.Fail(503, times: 4);

        var chat = await HandOffAsync(a);

        var all = await _channel.WaitForMessagesAsync(chat.ConversationId, chat.Messages.Count + 1, TimeSpan.FromSeconds(30));
        Assert.Matches(@"your request is filed as \*\*HELP-1\*\*", (string?)all[^1]["text"]);
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.Single(_jira.Issues);
        Assert.Single(chat.Messages, m => ((string?)m["text"])?.Contains("HELP-1", StringComparison.Ordinal) == true);
        Assert.Equal(0, await second.Services.GetRequiredService<IEscalationOutbox>().PendingCountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task InstanceScaledInWithAHandoffQueued_TheOtherFilesIt_AndTellsTheEmployee()
    {
        var first = BotHost.Start(_settings);
        await using var second = BotHost.Start(_settings);
        _jira.Fail(503, times: 3);
        TeamsChat chat;
        using (var a = first.NewClient())
        {
            chat = await HandOffAsync(a);
        }

        await first.DisposeAsync();
        Assert.Empty(_jira.Issues);

        var all = await _channel.WaitForMessagesAsync(chat.ConversationId, chat.Messages.Count + 1, TimeSpan.FromSeconds(30));
        Assert.Matches(@"your request is filed as \*\*HELP-1\*\*", (string?)all[^1]["text"]);
        Assert.Single(_jira.Issues);
    }

    private async Task<TeamsChat> HandOffAsync(HttpClient client)
    {
        var chat = new TeamsChat(client, _channel, DemoPeople.Megan);
        await chat.SayAsync("talk to a person");
        await chat.SayAsync("the meeting room screen shows no signal");
        var queued = await chat.SayAsync("Send it");
        Assert.Contains("I couldn't reach the ticket system just now", queued.Text(), StringComparison.Ordinal);
        return chat;
    }
}
