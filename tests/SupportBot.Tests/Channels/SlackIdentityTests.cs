using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Newtonsoft.Json.Linq;
using SupportBot.Bot.Channels.Rendering;
using SupportBot.Skills.SelfHelp.Sandbox;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.Channels;

/// <summary>
/// Slack callers through the Azure Bot Service Slack channel: a member is mapped to their directory account by the
/// email Slack has confirmed (users.info on a local Slack stand-in, the directory on the Graph sandbox), and only then
/// runs self-help actions — as themselves. Every other member, and every Slack failure, chats as a guest for the turn:
/// nothing runs on anyone's account, and a warning says why.
/// </summary>
public sealed class SlackIdentityTests : IAsyncLifetime
{
    private const string Team = "T0CONTOSO";
    private const string GuestReply = "doesn't tell me who you are";

    private static readonly SlackUser Adele = new("U0ADELE01", Team, "adele");
    private static readonly SlackUser Megan = new("U0MEGAN01", Team, "megan");

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private SlackWebApiServer _slack = null!;
    private ChannelRecorder _channel = null!;
    private BotHost? _host;
    private HttpClient? _client;

    private GraphSandbox Sandbox => _host!.Services.GetRequiredService<GraphSandbox>();

    public async Task InitializeAsync()
    {
        _slack = await SlackWebApiServer.StartAsync();
        _channel = await ChannelRecorder.StartAsync();
        _slack.AddUser(Adele.UserId, Team, "AdeleV@contoso.com", "Adele Vance");
        _slack.AddUser(Megan.UserId, Team, "MeganB@contoso.com", "Megan Bowen");
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        await _channel.DisposeAsync();
        await _slack.DisposeAsync();
    }

    [Fact]
    public async Task MappedSlackUser_ShowMyDevices_ListsTheirOwnDevicesOnly()
    {
        var chat = Start();

        var replies = await chat.SayAsync("show my devices");

        var text = AllText(replies);
        Assert.Contains("DESKTOP-ADELE01", text, StringComparison.Ordinal);
        Assert.Contains("Adele's iPhone", text, StringComparison.Ordinal);
        Assert.DoesNotContain("MEGAN-SURFACE", text, StringComparison.Ordinal);
        Assert.Contains(Sandbox.Requests, r => r.Path.Equals("/users", StringComparison.Ordinal) && r.Query.Contains("mail eq 'AdeleV@contoso.com'", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(Sandbox.Requests, r => r.Path.Contains("fa3c0f5c-c02b-494f-af8e-5cd3c163a222/managedDevices", StringComparison.OrdinalIgnoreCase));
        var audit = await File.ReadAllLinesAsync(_host!.AuditLogFile);
        Assert.Contains(audit, l => l.Contains("devices.list", StringComparison.Ordinal) && l.Contains("fa3c0f5c-c02b-494f-af8e-5cd3c163a222", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MappedSlackUser_ConfirmsARestartWithTheBlockKitButton_AndOnlyOnce()
    {
        var chat = Start();
        var asked = Assert.Single(await chat.SayAsync("restart my laptop"));
        var confirm = asked["channelData"]!["blocks"]!.Single(b => (string?)b["type"] == "actions")["elements"]!
            .Single(b => (string?)b["action_id"] == "supportbot.confirm");
        Assert.Equal("primary", (string?)confirm["style"]);

        var done = await chat.ClickAsync("supportbot.confirm", (string)confirm["value"]!, "supportbot.actions");
        var again = await chat.ClickAsync("supportbot.confirm", (string)confirm["value"]!, "supportbot.actions");

        Assert.Contains("DESKTOP-ADELE01", AllText(done), StringComparison.Ordinal);
        Assert.Contains("will restart", AllText(done), StringComparison.Ordinal);
        Assert.Contains("already been used", AllText(again), StringComparison.Ordinal);
        Assert.Single(Sandbox.Tenant.FindDevice("677d1297-b493-4bbb-8f34-5ee2436b4619")!.RebootRequests);
    }

    [Fact]
    public async Task MappedSlackUser_AccountStatus_IsTheirs()
    {
        var replies = await Start().SayAsync("check my account status");

        Assert.Contains("Here's your account, Adele", AllText(replies), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SlackEmailIsMatchedWhateverItsCase()
    {
        _slack.AddUser(Adele.UserId, Team, "adelev@CONTOSO.com", "Adele Vance");

        var replies = await Start().SayAsync("show my devices");

        Assert.Contains("DESKTOP-ADELE01", AllText(replies), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MappedSlackUser_ClickingABlockKitButton_IsStillThemselves()
    {
        var chat = Start();

        var replies = await chat.SendAsync(SlackActivities.BlockAction(_channel.ServiceUrl, chat.SlackChannelId, Adele, SlackBlockRenderer.ChoicePrefix + "0", "show my devices"));

        Assert.Contains("DESKTOP-ADELE01", AllText(replies), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MappedSlackUser_NamingSomeoneElse_IsStillRefused()
    {
        var replies = await Start().SayAsync("restart Megan's laptop");

        Assert.Contains("only do this for your own account", AllText(replies), StringComparison.Ordinal);
        Assert.Contains(_host!.Logs.Entries, e => e.Message.Contains("names someone else", StringComparison.Ordinal));
        Assert.DoesNotContain(Sandbox.Requests, r => r.Method == "POST");
        Assert.DoesNotContain(Sandbox.Requests, r => r.Path.Contains("d138f437-d0a0-424f-83ce-8a74755230ad", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("unconfirmed", "email is not confirmed")]
    [InlineData("deactivated", "deactivated")]
    [InlineData("bot", "Slack bot")]
    [InlineData("slack guest", "guest account in Slack")]
    [InlineData("single-channel guest", "guest account in Slack")]
    [InlineData("other workspace", "not Slack:TeamId")]
    [InlineData("no email", "users:read.email")]
    [InlineData("unknown to the directory", "no single directory account")]
    [InlineData("unknown to Slack", "user_not_found")]
    public async Task SlackUserWhoCannotBeVouchedFor_ChatsAsAGuest_NothingRunsOnAnyone_AndAWarningSaysWhy(string who, string reason)
    {
        var sender = Adele;
        switch (who)
        {
            case "unconfirmed": _slack.AddUser(Adele.UserId, Team, "AdeleV@contoso.com", "Adele Vance", emailConfirmed: false); break;
            case "deactivated": _slack.AddUser(Adele.UserId, Team, "AdeleV@contoso.com", "Adele Vance", deleted: true); break;
            case "bot": _slack.AddUser(Adele.UserId, Team, "AdeleV@contoso.com", "Adele Vance", isBot: true); break;
            case "slack guest": _slack.AddUser(Adele.UserId, Team, "AdeleV@contoso.com", "Adele Vance", restricted: true); break;
            case "single-channel guest": _slack.AddUser(Adele.UserId, Team, "AdeleV@contoso.com", "Adele Vance", ultraRestricted: true); break;
            case "other workspace": _slack.AddUser(Adele.UserId, "T0ELSEWHERE", "AdeleV@contoso.com", "Adele Vance"); break;
            case "no email": _slack.AddUser(Adele.UserId, Team, null, "Adele Vance"); break;
            case "unknown to the directory": _slack.AddUser(Adele.UserId, Team, "adele.vance@fabrikam.example", "Adele Vance"); break;
            case "unknown to Slack": sender = new SlackUser("U0NOBODY1", Team, "nobody"); break;
        }

        await AssertGuestAsync(Start(sender), reason);
    }

    [Theory]
    [InlineData("invalid_auth")]
    [InlineData("missing_scope")]
    [InlineData("fatal_error")]
    public async Task SlackApiError_LeavesTheUserAGuestThisTurn_AndTheNextTurnAsksAgain(string error)
    {
        _slack.Error(error);
        var chat = Start();

        await AssertGuestAsync(chat, error);

        // A failure is not remembered: once Slack answers, the member is themselves again.
        Assert.Contains("DESKTOP-ADELE01", AllText(await chat.SayAsync("show my devices")), StringComparison.Ordinal);
        Assert.Equal(2, _slack.UsersInfoCalls);
    }

    [Fact]
    public async Task WrongBotToken_GuestWithAWarningNamingTheSetting()
    {
        var chat = Start(settings: new() { ["Slack:BotToken"] = "xoxb-0-0-not-the-workspace-token" });

        await AssertGuestAsync(chat, "check Slack:BotToken");
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    public async Task SlackFailing_GuestThisTurn(int status)
    {
        _slack.Fail(status);

        await AssertGuestAsync(Start(), $"HTTP {status}");
    }

    [Fact]
    public async Task SlackUnreachable_GuestThisTurn_TheTurnStillAnswers()
    {
        using var closed = new ClosedPort();
        var chat = Start(settings: new() { ["Slack:ApiBaseUrl"] = $"http://127.0.0.1:{closed.Port}/api/" });

        await AssertGuestAsync(chat, "could not be reached");
        Assert.Contains("VPN", AllText(await chat.SayAsync("How do I connect to the VPN?")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SlackTooSlow_GuestWithinTheLookupTimeout()
    {
        _slack.Delay(TimeSpan.FromSeconds(20));
        var chat = Start(settings: new() { ["Slack:LookupTimeout"] = "00:00:01" });

        var started = DateTime.UtcNow;
        await AssertGuestAsync(chat, "within 1 seconds");
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), "the turn waited for Slack past the lookup timeout");
    }

    [Fact]
    public async Task SlackRateLimited_GuestAndNoLookupsUntilRetryAfterHasPassed()
    {
        _slack.RateLimit(retryAfterSeconds: 30);
        var chat = Start();

        await AssertGuestAsync(chat, "rate limiting");
        await AssertGuestAsync(chat, "rate limiting");
        Assert.Equal(1, _slack.UsersInfoCalls);

        _clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Contains("DESKTOP-ADELE01", AllText(await chat.SayAsync("show my devices")), StringComparison.Ordinal);
        Assert.Equal(2, _slack.UsersInfoCalls);
    }

    [Fact]
    public async Task DirectoryFailing_GuestThisTurn_WithAWarning()
    {
        var chat = Start();
        Sandbox.Inject(SandboxFault.Failing("/users", 403, times: 2, method: "GET"));

        await AssertGuestAsync(chat, "directory lookup failed");
    }

    [Fact]
    public async Task Mapping_IsRememberedForAnHour_ThenAskedAgain()
    {
        var chat = Start();

        await chat.SayAsync("show my devices");
        await chat.SayAsync("check my account status");
        Assert.Equal(1, _slack.UsersInfoCalls);

        _clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        await chat.SayAsync("show my devices");
        Assert.Equal(2, _slack.UsersInfoCalls);
    }

    [Fact]
    public async Task DeactivatingInSlack_TakesEffectWhenTheRememberedMappingExpires()
    {
        var chat = Start();
        Assert.Contains("DESKTOP-ADELE01", AllText(await chat.SayAsync("show my devices")), StringComparison.Ordinal);

        _slack.AddUser(Adele.UserId, Team, "AdeleV@contoso.com", "Adele Vance", deleted: true);
        _clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));

        await AssertGuestAsync(chat, "deactivated");
    }

    [Fact]
    public async Task ActivityWhoseSlackPayloadNamesSomeoneElse_IsAGuest_AndSlackIsNotAsked()
    {
        var chat = Start();

        var replies = await chat.SendAsync(SlackActivities.Message(_channel.ServiceUrl, chat.SlackChannelId, Megan, "show my devices", eventUser: Adele.UserId));

        Assert.Contains(GuestReply, AllText(replies), StringComparison.Ordinal);
        Assert.Equal(0, _slack.UsersInfoCalls);
        Assert.Contains(_host!.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("name different members", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ATeamsActivityClaimingASlackId_IsNotLookedUpInSlack()
    {
        Start();
        var conversation = Activities.NewConversationId();

        await _client!.PostAsync(Activities.Message(_channel.ServiceUrl, conversation, "show my devices", userId: Adele.FromId, channelId: "msteams"));
        var replies = await _channel.WaitForMessagesAsync(conversation, 1);

        Assert.Contains(GuestReply, AllText(replies), StringComparison.Ordinal);
        Assert.Equal(0, _slack.UsersInfoCalls);
    }

    [Fact]
    public async Task WithoutABotToken_SlackUsersAreGuests_SlackIsNeverCalled_AndStartupSaysSoOnce()
    {
        var chat = Start(settings: new() { ["Slack:BotToken"] = string.Empty });

        var replies = await chat.SayAsync("show my devices");

        Assert.Contains(GuestReply, AllText(replies), StringComparison.Ordinal);
        Assert.Equal(0, _slack.UsersInfoCalls);
        Assert.Single(_host!.Logs.Entries, e => e.Message.Contains("Slack:BotToken is not set", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheBotToken_NeverAppearsInTheLogs()
    {
        var chat = Start(settings: new()
        {
            ["Logging:LogLevel:Default"] = "Debug",
            ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Debug",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Debug",
        });

        await chat.SayAsync("show my devices");
        _slack.Error("invalid_auth");
        _clock.Advance(TimeSpan.FromHours(2));
        await chat.SayAsync("show my devices");
        _slack.RateLimit(5);
        _clock.Advance(TimeSpan.FromHours(2));
        await chat.SayAsync("show my devices");

        var logs = _host!.Logs.Entries;
        Assert.Contains(logs, e => e.Message.Contains("users.info", StringComparison.Ordinal));
        Assert.DoesNotContain(logs, e => e.Message.Contains(_slack.BotToken, StringComparison.Ordinal));
        Assert.DoesNotContain(logs, e => e.Message.Contains(SlackActivities.DefaultApiToken, StringComparison.Ordinal));
        Assert.All(_slack.Requests, r => Assert.Equal("Bearer " + _slack.BotToken, r.Authorization));
        Assert.DoesNotContain(_slack.Requests, r => r.Path.Contains("xoxb", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheConfirmedEmail_IsNeverLoggedAboveTrace()
    {
        var chat = Start(settings: new() { ["Logging:LogLevel:Default"] = "Debug" });

        await chat.SayAsync("show my devices");

        var slackLogs = _host!.Logs.Entries.Where(e => e.Category.StartsWith("SupportBot.Bot.Channels.Slack", StringComparison.Ordinal)).ToList();
        Assert.Contains(slackLogs, e => e.Message.Contains(Adele.UserId, StringComparison.Ordinal));
        Assert.DoesNotContain(slackLogs, e => e.Message.Contains("AdeleV@contoso.com", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Sends "show my devices"; the reply is the guest one, Graph was asked nothing about devices, and a warning names <paramref name="reason"/>.</summary>
    private async Task AssertGuestAsync(SlackChat chat, string reason)
    {
        var warningsBefore = _host!.Logs.Entries.Count(e => e.Level == LogLevel.Warning && e.Message.Contains(reason, StringComparison.Ordinal));
        var devicesBefore = Sandbox.Requests.Count(r => r.Path.Contains("/managedDevices", StringComparison.OrdinalIgnoreCase));

        var replies = await chat.SayAsync("show my devices");

        Assert.Contains(GuestReply, AllText(replies), StringComparison.Ordinal);
        Assert.DoesNotContain("DESKTOP-ADELE01", AllText(replies), StringComparison.Ordinal);
        Assert.Equal(devicesBefore, Sandbox.Requests.Count(r => r.Path.Contains("/managedDevices", StringComparison.OrdinalIgnoreCase)));
        Assert.DoesNotContain(Sandbox.Requests, r => r.Method == "POST");
        Assert.True(
            _host.Logs.Entries.Count(e => e.Level == LogLevel.Warning && e.Message.Contains(reason, StringComparison.Ordinal)) > warningsBefore,
            $"no warning naming \"{reason}\"; warnings: {string.Join(" | ", _host.Logs.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message))}");
        var audit = await File.ReadAllLinesAsync(_host.AuditLogFile);
        Assert.Contains("\"outcome\":\"Refused\"", audit[^1], StringComparison.Ordinal);
    }

    /// <summary>A Slack chat as <paramref name="user"/> (Adele by default) with a bot that maps Slack users (settings override the defaults).</summary>
    private SlackChat Start(SlackUser? user = null, Dictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["Slack:ApiBaseUrl"] = _slack.ApiBaseUrl,
            ["Slack:BotToken"] = _slack.BotToken,
            ["Slack:TeamId"] = Team,
        };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        _host = BotHost.Start(all, services: s => s.AddSingleton<TimeProvider>(_clock));
        _client = _host.NewClient();
        return new SlackChat(_client, _channel, user ?? Adele);
    }

    /// <summary>Every string in the replies — text, card or Block Kit — so assertions hold whatever the channel rendering.</summary>
    private static string AllText(IEnumerable<JObject> replies) =>
        string.Join("\n", replies.SelectMany(r => r.DescendantsAndSelf()).OfType<JValue>().Where(v => v.Type == JTokenType.String).Select(v => (string)v!));
}
