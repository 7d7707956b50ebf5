using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json.Linq;
using SupportBot.Skills.SelfHelp.Sandbox;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.SelfHelp;

/// <summary>
/// Microsoft Graph failing in the ways it really does — missing permission, throttling, outages, slowness — seen
/// through a Teams chat: the employee gets a clear reply, within the turn budget or proactively afterwards.
/// </summary>
public sealed class GraphFailureTests : IAsyncLifetime
{
    private BotHost _host = null!;
    private ChannelRecorder _channel = null!;
    private HttpClient _client = null!;
    private GraphSandbox _sandbox = null!;

    public async Task InitializeAsync()
    {
        _host = BotHost.Start(new Dictionary<string, string?>
        {
            ["SelfHelp:TurnBudget"] = "00:00:01",
            ["SelfHelp:GraphTimeout"] = "00:00:04",
            ["SelfHelp:MaxRetryAfter"] = "00:00:02",
        });
        _channel = await ChannelRecorder.StartAsync();
        _client = _host.NewClient();
        _sandbox = _host.Services.GetRequiredService<GraphSandbox>();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _channel.DisposeAsync();
        await _host.DisposeAsync();
    }

    private TeamsChat Adele() => new(_client, _channel, DemoPeople.Adele);

    // Retries can outlast the turn budget; then the answer is the proactive message that follows.
    private async Task<string> FinalTextAsync(TeamsChat chat, string said)
    {
        var now = await chat.SayAsync(said);
        if (!now.Text().Contains("taking longer than usual", StringComparison.Ordinal))
        {
            return now.Text();
        }

        var all = await _channel.WaitForMessagesAsync(chat.ConversationId, chat.Messages.Count + 1, TimeSpan.FromSeconds(20));
        return all[^1].Value<string>("text")!;
    }

    [Fact]
    public async Task MissingGraphPermission_TellsWhichPermissionTheAdminMustGrant()
    {
        _sandbox.Inject(SandboxFault.Failing("/managedDevices", 403));

        var text = (await Adele().SayAsync("show my devices")).Text();

        Assert.Contains("missing the Microsoft Graph permission **DeviceManagementManagedDevices.Read.All**", text, StringComparison.Ordinal);
        var audit = JObject.Parse((await File.ReadAllLinesAsync(_host.AuditLogFile))[^1]);
        Assert.Equal("Failed", (string?)audit["outcome"]);
        Assert.StartsWith("Forbidden", (string?)audit["reason"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThrottledBriefly_IsRetriedAfterRetryAfter_AndTheAnswerArrives()
    {
        var fault = _sandbox.Inject(SandboxFault.Throttled("/licenseDetails", TimeSpan.FromMilliseconds(500)));

        var text = await FinalTextAsync(Adele(), "which licences do I have?");

        Assert.Contains("Microsoft 365 E3", text, StringComparison.Ordinal);
        Assert.Equal(1, fault.Fired);
        Assert.Equal(2, _sandbox.Requests.Count(r => r.Path.EndsWith("/licenseDetails", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ThrottledForLong_IsNotWaitedOut_TheEmployeeIsToldToTryAgain()
    {
        _sandbox.Inject(SandboxFault.Throttled("/licenseDetails", TimeSpan.FromSeconds(30), times: null));

        var text = (await Adele().SayAsync("which licences do I have?")).Text();

        Assert.Contains("Microsoft 365 is busy right now and asked me to wait 30 seconds", text, StringComparison.Ordinal);
        Assert.Single(_sandbox.Requests, r => r.Path.EndsWith("/licenseDetails", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    public async Task GraphOutage_GetsAnHonestReply_NothingCrashes(int status)
    {
        _sandbox.Inject(SandboxFault.Failing("/admin/serviceAnnouncement", status));

        var text = await FinalTextAsync(Adele(), "is outlook down?");

        Assert.Contains("Microsoft 365 had a problem answering me", text, StringComparison.Ordinal);
        Assert.DoesNotContain("something went wrong", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ObjectGoneFromTheDirectory_SaysSo()
    {
        _sandbox.Inject(SandboxFault.Failing("/authentication/methods", 404));

        var text = (await Adele().SayAsync("show my sign-in methods")).Text();

        Assert.Contains("couldn't find that any more", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SlowGraph_TheTurnAnswersWithinItsBudget_AndTheResultFollowsProactively()
    {
        _sandbox.Inject(SandboxFault.Slow("/managedDevices", TimeSpan.FromSeconds(2)));
        var chat = Adele();

        var now = await chat.SayAsync("show my devices");

        Assert.Contains("taking longer than usual", now.Text(), StringComparison.Ordinal);
        var all = await _channel.WaitForMessagesAsync(chat.ConversationId, 2, TimeSpan.FromSeconds(20));
        Assert.Contains("DESKTOP-ADELE01", new[] { all[^1] }.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GraphNotAnsweringAtAll_TimesOut_AndTheEmployeeIsToldProactively()
    {
        _sandbox.Inject(SandboxFault.Slow("/managedDevices", TimeSpan.FromSeconds(30)));
        var chat = Adele();

        await chat.SayAsync("show my devices");

        var all = await _channel.WaitForMessagesAsync(chat.ConversationId, 2, TimeSpan.FromSeconds(20));
        Assert.Contains("didn't answer in time", all[^1].Value<string>("text"), StringComparison.Ordinal);
        Assert.Contains("\"outcome\":\"Failed\"", await File.ReadAllTextAsync(_host.AuditLogFile), StringComparison.Ordinal);
    }
}
