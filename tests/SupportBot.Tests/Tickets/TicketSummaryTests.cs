using Microsoft.Extensions.DependencyInjection;
using SupportBot.Skills.Tickets;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.Tickets;

/// <summary>With an LLM configured the ticket's summary is written by it; when it fails, the assembled one is used.</summary>
public sealed class TicketSummaryTests : IAsyncLifetime
{
    private ChatModelServer _model = null!;
    private BotHost _host = null!;
    private ChannelRecorder _channel = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _model = await ChatModelServer.StartAsync();
        _host = BotHost.Start(new Dictionary<string, string?>
        {
            ["AzureOpenAI:Endpoint"] = _model.Endpoint,
            ["AzureOpenAI:Deployment"] = "gpt-4o-mini",
            ["AzureOpenAI:ApiKey"] = "test-key",
        });
        _channel = await ChannelRecorder.StartAsync();
        _client = _host.NewClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _channel.DisposeAsync();
        await _host.DisposeAsync();
        await _model.DisposeAsync();
    }

    private async Task<TicketRecord> FileAsync()
    {
        var chat = new TeamsChat(_client, _channel, DemoPeople.Adele);
        await chat.SayAsync("talk to a person");
        await chat.SayAsync("the docking station stopped charging my laptop, my password is Hunter2!");
        var filed = await chat.SayAsync("Send it");
        var number = System.Text.RegularExpressions.Regex.Match(filed.Text(), @"SB-\d+").Value;
        return (await _host.Services.GetRequiredService<ITicketDesk>().GetAsync(number, default))!;
    }

    [Fact]
    public async Task TheModelWritesTheSummary_FromTheRedactedStoryOnly()
    {
        _model.Respond = ChatModelServer.Completion("Adele's docking station no longer charges her laptop; nothing was tried yet.");

        var ticket = await FileAsync();

        Assert.Equal("Adele's docking station no longer charges her laptop; nothing was tried yet.", ticket.Summary);
        var asked = _model.Requests.Last(r => r.SystemMessage.Contains("technician reads first", StringComparison.Ordinal));
        Assert.Contains("docking station stopped charging", asked.UserMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("Hunter2", asked.Body.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheModelDown_TheAssembledSummaryIsUsed_AndTheTicketIsFiled()
    {
        _model.Respond = ChatModelServer.Status(500);

        var ticket = await FileAsync();

        Assert.StartsWith("Adele Vance needs help (general): the docking station stopped charging", ticket.Summary, StringComparison.Ordinal);
    }
}
