using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.Tickets;

/// <summary>
/// ServiceNow down when the employee sends their handoff: they are told the truth, nothing is lost, and the ticket
/// number arrives in their chat once ServiceNow recovers — filed exactly once, even after a crash mid-create.
/// </summary>
public sealed class QueuedEscalationTests : IAsyncLifetime
{
    private ServiceNowServer _serviceNow = null!;
    private BotHost _host = null!;
    private ChannelRecorder _channel = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _serviceNow = await ServiceNowServer.StartAsync();
        _host = BotHost.Start(new Dictionary<string, string?>
        {
            ["Tickets:System"] = "ServiceNow",
            ["Tickets:ServiceNow:InstanceUrl"] = _serviceNow.InstanceUrl,
            ["Tickets:ServiceNow:UserName"] = ServiceNowServer.UserName,
            ["Tickets:ServiceNow:Password"] = ServiceNowServer.Password,
            ["Tickets:OutboxInterval"] = "00:00:01",
            ["Tickets:MaxRetryDelay"] = "00:00:01",
            ["Tickets:Timeout"] = "00:00:03",
        });
        _channel = await ChannelRecorder.StartAsync();
        _client = _host.NewClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _channel.DisposeAsync();
        await _host.DisposeAsync();
        await _serviceNow.DisposeAsync();
    }

    [Fact]
    public async Task ServiceNowDown_TheEmployeeIsToldTheTruth_AndGetsTheNumberWhenItIsFiled()
    {
        _serviceNow.Fail(503, times: 3);
        var chat = new TeamsChat(_client, _channel, DemoPeople.Adele);
        await chat.SayAsync("talk to a person");
        await chat.SayAsync("my laptop fan is very loud");

        var queued = await chat.SayAsync("Send it");

        Assert.Contains("I couldn't reach the ticket system just now", queued.Text(), StringComparison.Ordinal);
        Assert.Contains("nothing you told me is lost", queued.Text(), StringComparison.Ordinal);
        var all = await _channel.WaitForMessagesAsync(chat.ConversationId, chat.Messages.Count + 1, TimeSpan.FromSeconds(30));
        Assert.Matches(@"your request is filed as \*\*INC\d+\*\*", (string?)all[^1]["text"]);
        Assert.Single(_serviceNow.Incidents);
    }

    [Fact]
    public async Task ServiceNowCrashesBetweenSentAndRecorded_TheRetryFindsTheIncident_NoDuplicate()
    {
        _serviceNow.CrashAfterRecording();
        var chat = new TeamsChat(_client, _channel, DemoPeople.Megan);
        await chat.SayAsync("talk to a person");
        await chat.SayAsync("the meeting room screen shows no signal");

        await chat.SayAsync("Send it");

        var all = await _channel.WaitForMessagesAsync(chat.ConversationId, chat.Messages.Count + 1, TimeSpan.FromSeconds(30));
        Assert.Matches(@"INC\d+", (string?)all[^1]["text"]);
        Assert.Single(_serviceNow.Incidents);
    }

    [Fact]
    public async Task ServiceNowUp_FilesAnIncidentWithTheStory()
    {
        var chat = new TeamsChat(_client, _channel, DemoPeople.Adele);
        await chat.SayAsync("my laptop is slow");
        await chat.SayAsync("Still stuck");

        var filed = await chat.SayAsync("Send it");

        Assert.Matches(@"your ticket is \*\*INC\d+\*\*", filed.Text());
        var incident = Assert.Single(_serviceNow.Incidents);
        Assert.Equal("my laptop is slow", (string?)incident["short_description"]);
        Assert.Contains("laptop", (string?)incident["description"], StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty((string?)incident["correlation_id"]));
    }
}
