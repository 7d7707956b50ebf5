using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json.Linq;
using SupportBot.Skills.Tickets;
using SupportBot.Tests.Infrastructure;
using SupportBot.Tests.Technicians;

namespace SupportBot.Tests.Tickets;

/// <summary>
/// The IT team's Teams channel: a card per new ticket, and Claim / Reply / Resolve on it (Action.Execute) change the
/// ticket, tell the employee, and update the card for everyone.
/// </summary>
public sealed class TechnicianChannelTests : IAsyncLifetime
{
    private const string Channel = "19:it-support-techs@thread.tacv2";
    private static readonly TeamsUser AlexTech = new("29:alex-tech", "Alex Wilber", "01b8e3d6-85f1-4569-ab42-71370fa04f15");
    private static readonly TeamsUser DiegoTech = new("29:diego-tech", "Diego Siciliani", "5d7b3a8e-1c2f-4e7a-9b6d-2f8e4c1a9d30");
    private BotHost _host = null!;
    private ChannelRecorder _channel = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _channel = await ChannelRecorder.StartAsync();
        var settings = ConsoleHost.Settings(ConsoleHost.NewFolder());
        settings["Tickets:Teams:ChannelId"] = Channel;
        settings["Tickets:Teams:ServiceUrl"] = _channel.ServiceUrl;
        _host = BotHost.Start(settings);
        _client = _host.NewClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
        await _channel.DisposeAsync();
    }

    private async Task<(TeamsChat Employee, string Number, JObject Card)> FileATicketAsync()
    {
        var employee = new TeamsChat(_client, _channel, DemoPeople.Adele);
        await employee.SayAsync("talk to a person");
        await employee.SayAsync("my laptop won't connect to the docking station");
        var filed = await employee.SayAsync("Send it");
        var number = System.Text.RegularExpressions.Regex.Match(filed.Text(), @"SB-\d+").Value;
        var posted = (await _channel.WaitForMessagesAsync(Channel, 1)).Single();
        return (employee, number, posted);
    }

    private async Task<JObject> ClickAsync(TeamsUser technician, string verb, JObject data, string conversationId = Channel)
    {
        var invoke = new JObject
        {
            ["type"] = "invoke",
            ["name"] = "adaptiveCard/action",
            ["id"] = Guid.NewGuid().ToString("N"),
            ["channelId"] = "msteams",
            ["serviceUrl"] = _channel.ServiceUrl,
            ["from"] = new JObject { ["id"] = technician.Id, ["name"] = technician.Name, ["aadObjectId"] = technician.AadObjectId },
            ["recipient"] = new JObject { ["id"] = "bot-1", ["name"] = "SupportBot" },
            ["conversation"] = new JObject { ["id"] = $"{conversationId};messageid=1732500000000", ["isGroup"] = true },
            ["replyToId"] = "reply-1",
            ["value"] = new JObject { ["action"] = new JObject { ["type"] = "Action.Execute", ["verb"] = verb, ["data"] = data } },
        };
        var response = await _client.PostAsync(invoke);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JObject.Parse(await response.Content.ReadAsStringAsync());
    }

    private static string CardText(JToken? card) =>
        string.Join('\n', card?["body"]?.SelectMany(b => b["facts"]?.Select(f => $"{f["title"]}: {f["value"]}") ?? [(string?)b["text"] ?? string.Empty]) ?? []);

    [Fact]
    public async Task ANewTicket_IsPostedToTheChannel_WithWhoWhatSummaryPriorityAndButtons()
    {
        var (_, number, posted) = await FileATicketAsync();

        var card = posted["attachments"]![0]!["content"]!;
        var text = CardText(card);
        Assert.Contains($"{number}: my laptop won't connect to the docking station", text, StringComparison.Ordinal);
        Assert.Contains("Who: Adele Vance (AdeleV@contoso.com)", text, StringComparison.Ordinal);
        Assert.Contains("State: Waiting for a technician", text, StringComparison.Ordinal);
        Assert.Equal(["Claim", "Reply", "Resolve"], card["actions"]!.Select(a => (string)a["title"]!));
    }

    [Fact]
    public async Task Claim_UpdatesTheCardForEveryone_AndTellsTheEmployee()
    {
        var (employee, number, _) = await FileATicketAsync();

        var response = await ClickAsync(AlexTech, "ticket.claim", new JObject { ["number"] = number });

        Assert.Contains("State: Claimed by Alex Wilber", CardText(response["value"]), StringComparison.Ordinal);
        var update = Assert.Single(_channel.Updated);
        Assert.Equal("reply-1", (string?)update["updatedActivityId"]);
        Assert.Contains("Claimed by Alex Wilber", update.ToString(), StringComparison.Ordinal);
        Assert.Contains(employee.Messages, m => ((string?)m["text"])?.Contains("**Alex Wilber** from IT has picked up", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task TheCardRefreshesToTheCurrentState_WhenTeamsAsks_ChangingNothing()
    {
        var (_, number, _) = await FileATicketAsync();
        var posted = _channel.MessagesIn(Channel).Single();
        var refresh = posted["attachments"]![0]!["content"]!["refresh"]!["action"]!;
        Assert.Equal(("Action.Execute", "ticket.refresh"), ((string?)refresh["type"], (string?)refresh["verb"]));
        await _host.Services.GetRequiredService<ITicketDesk>().ClaimAsync(number, new Technician("diego", "Diego Siciliani"), default);

        var response = await ClickAsync(AlexTech, "ticket.refresh", (JObject)refresh["data"]!);

        Assert.Contains("State: Claimed by Diego Siciliani", CardText(response["value"]), StringComparison.Ordinal);
        Assert.Empty(_channel.Updated);
    }

    [Fact]
    public async Task ClaimingATicketSomeoneElseHolds_SaysWhoHoldsIt_AndChangesNothing()
    {
        var (_, number, _) = await FileATicketAsync();
        await ClickAsync(AlexTech, "ticket.claim", new JObject { ["number"] = number });

        var response = await ClickAsync(DiegoTech, "ticket.claim", new JObject { ["number"] = number });

        Assert.Contains("Alex Wilber holds this ticket.", CardText(response["value"]), StringComparison.Ordinal);
        var ticket = await _host.Services.GetRequiredService<ITicketDesk>().GetAsync(number, default);
        Assert.Equal("Alex Wilber", ticket!.AssignedTo!.DisplayName);
    }

    [Fact]
    public async Task ReplyFromTheCard_ReachesTheEmployee_ThenResolveAsksThemToRate()
    {
        var (employee, number, _) = await FileATicketAsync();
        await ClickAsync(AlexTech, "ticket.claim", new JObject { ["number"] = number });

        await ClickAsync(AlexTech, "ticket.reply", new JObject { ["number"] = number, ["reply"] = "Try the other USB-C port, please." });
        var resolved = await ClickAsync(AlexTech, "ticket.resolve", new JObject { ["number"] = number });

        Assert.Contains(employee.Messages, m => (string?)m["text"] == "**Alex Wilber (IT):** Try the other USB-C port, please.");
        Assert.Contains(employee.Messages, m => new[] { m }.Text().Contains($"Your ticket **{number}** is resolved", StringComparison.Ordinal));
        Assert.Contains("State: Resolved by Alex Wilber", CardText(resolved["value"]), StringComparison.Ordinal);
        Assert.Empty(resolved["value"]!["actions"]!);
    }

    [Fact]
    public async Task ResolvingAResolvedTicket_SaysSo()
    {
        var (_, number, _) = await FileATicketAsync();
        await ClickAsync(AlexTech, "ticket.resolve", new JObject { ["number"] = number });

        var again = await ClickAsync(DiegoTech, "ticket.resolve", new JObject { ["number"] = number });

        Assert.Contains("already resolved", CardText(again["value"]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SB-999999")]
    [InlineData("'; DROP TABLE tickets;--")]
    [InlineData("")]
    public async Task GuessedOrForgedNumbers_ChangeNothing(string number)
    {
        await FileATicketAsync();

        var response = await ClickAsync(AlexTech, "ticket.claim", new JObject { ["number"] = number });

        Assert.Contains("doesn't exist", response.ToString(), StringComparison.Ordinal);
        Assert.All(await _host.Services.GetRequiredService<ITicketDesk>().ListAsync(new TicketFilter(), default), t => Assert.Equal(TicketState.New, t.State));
    }

    [Fact]
    public async Task AClickFromOutsideTheTechniciansChannel_IsRefused()
    {
        var (_, number, _) = await FileATicketAsync();

        var response = await ClickAsync(DemoPeople.Megan, "ticket.claim", new JObject { ["number"] = number }, conversationId: "19:random-team@thread.tacv2");

        Assert.Contains("Only the IT team's channel can act on tickets", response.ToString(), StringComparison.Ordinal);
        Assert.Equal(TicketState.New, (await _host.Services.GetRequiredService<ITicketDesk>().GetAsync(number, default))!.State);
    }

    [Fact]
    public async Task AClaimInTheWebConsole_UpdatesTheTeamsCardToo()
    {
        var (_, number, _) = await FileATicketAsync();
        using var console = await ConsoleClient.SignedInAsync(_host, "ada", ConsoleHost.AdaPassword);

        using var response = await console.PostAsync($"api/technician/tickets/{number}/claim");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var update = Assert.Single(_channel.Updated);
        Assert.Matches("^reply-\\d+$", (string?)update["updatedActivityId"]);
        Assert.Equal(Channel, (string?)update["conversation"]?["id"]);
        Assert.Contains("State: Claimed by Ada Lovelace", CardText(update["attachments"]![0]!["content"]), StringComparison.Ordinal);
    }
}
