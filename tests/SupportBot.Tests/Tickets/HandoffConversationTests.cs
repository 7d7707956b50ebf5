using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json.Linq;
using SupportBot.Bot.Tickets;
using SupportBot.Skills.Conversation;
using SupportBot.Skills.Tickets;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.Tickets;

/// <summary>
/// Handing off to a technician through real Teams turns: the employee sees what will be sent, adds details, files
/// exactly once, and later talks to the technician through the bot; the ticket carries the whole story, without secrets.
/// </summary>
public sealed class HandoffConversationTests : IAsyncLifetime
{
    private static readonly Technician Alex = new("alex", "Alex Wilber");
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "supportbot-tests", Guid.NewGuid().ToString("N"));
    private BotHost _host = null!;
    private ChannelRecorder _channel = null!;
    private HttpClient _client = null!;
    private ITicketDesk _desk = null!;

    public async Task InitializeAsync()
    {
        _host = BotHost.Start(new Dictionary<string, string?>
        {
            ["Tickets:DatabaseFile"] = Path.Combine(_folder, "tickets.db"),
            ["Tickets:VipUsers:0"] = "PattiF@contoso.com",
        });
        _channel = await ChannelRecorder.StartAsync();
        _client = _host.NewClient();
        _desk = _host.Services.GetRequiredService<ITicketDesk>();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _channel.DisposeAsync();
        await _host.DisposeAsync();
    }

    private TeamsChat ChatAs(TeamsUser user) => new(_client, _channel, user);

    private static string NumberIn(IEnumerable<JObject> replies) =>
        System.Text.RegularExpressions.Regex.Match(replies.Text(), @"SB-\d+").Value;

    [Fact]
    public async Task StillStuck_ShowsWhatWillBeSent_AndSendItFilesOneTicketCarryingTheStory()
    {
        var chat = ChatAs(DemoPeople.Adele);
        await chat.SayAsync("my laptop is really slow since this morning");

        var review = await chat.SayAsync("Still stuck");

        Assert.Contains("Here's what I'll send to the IT team", review.Text(), StringComparison.Ordinal);
        Assert.Contains("Title: my laptop is really slow since this morning", review.Text(), StringComparison.Ordinal);
        Assert.Equal(["Send it", "Add details", "Cancel"], review.Buttons());

        var filed = await chat.SayAsync("Send it");

        var number = NumberIn(filed);
        Assert.Matches(@"^SB-\d+$", number);
        var ticket = (await _desk.GetAsync(number, default))!;
        Assert.Equal("my laptop is really slow since this morning", ticket.Description);
        Assert.Equal("AdeleV@contoso.com", ticket.Requester.Email);
        Assert.Equal("Adele Vance", ticket.Requester.DisplayName);
        Assert.Equal("msteams", ticket.Requester.ChannelId);
        var article = Assert.Single(ticket.Articles);
        Assert.Equal(("laptop-slow", false), (article.ArticleId, article.Helped));
        Assert.Contains(ticket.Transcript, l => l.Speaker == Speaker.User && l.Text == "my laptop is really slow since this morning");
        Assert.Contains(ticket.Transcript, l => l.Speaker == Speaker.Bot);
        Assert.Contains("didn't help", ticket.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendItTwice_OrRedelivered_FilesExactlyOneTicket()
    {
        var chat = ChatAs(DemoPeople.Adele);
        await chat.SayAsync("talk to a person");
        await chat.SayAsync("Excel crashes whenever I open the budget file");

        var first = await chat.SayAsync("Send it");
        var second = await chat.SayAsync("Send it");

        var number = NumberIn(first);
        Assert.Contains($"already filed as **{number}**", second.Text(), StringComparison.Ordinal);
        Assert.Single(await _desk.ForRequesterAsync("msteams", DemoPeople.Adele.Id, default));
    }

    [Fact]
    public async Task TalkToAPerson_WithNothingSaidYet_AsksWhatForFirst_AndDetailsCanBeAdded()
    {
        var chat = ChatAs(DemoPeople.Megan);

        var asked = await chat.SayAsync("I want to talk to a human");
        Assert.Contains("what do you need help with?", asked.Text(), StringComparison.Ordinal);

        await chat.SayAsync("the projector in room 4 won't show my screen");
        await chat.SayAsync("Add details");
        var review = await chat.SayAsync("it says no signal, since Monday, I can't work on the client demo");
        Assert.Contains("High (can't work)", review.Text(), StringComparison.Ordinal);

        var number = NumberIn(await chat.SayAsync("Send it"));
        var ticket = (await _desk.GetAsync(number, default))!;
        Assert.Equal("the projector in room 4 won't show my screen\nit says no signal, since Monday, I can't work on the client demo", ticket.Description);
        Assert.Equal(TicketPriority.High, ticket.Priority);
    }

    [Fact]
    public async Task Cancel_FilesNothing()
    {
        var chat = ChatAs(DemoPeople.Adele);
        await chat.SayAsync("open a ticket");
        await chat.SayAsync("my mouse is broken");

        var cancelled = await chat.SayAsync("Cancel");

        Assert.Contains("I won't open a ticket", cancelled.Text(), StringComparison.Ordinal);
        Assert.Empty(await _desk.ForRequesterAsync("msteams", DemoPeople.Adele.Id, default));
    }

    [Fact]
    public async Task PasswordsTypedInChat_NeverReachTheTicketTranscriptOrLogs()
    {
        var chat = ChatAs(DemoPeople.Adele);
        await chat.SayAsync("the vpn says my password is wrong but my password is Hunter2! I'm sure");
        await chat.SayAsync("talk to a person");

        var number = NumberIn(await chat.SayAsync("Send it"));

        var ticket = (await _desk.GetAsync(number, default))!;
        Assert.DoesNotContain("Hunter2", ticket.Description + ticket.Summary + ticket.Title, StringComparison.Ordinal);
        Assert.DoesNotContain(ticket.Transcript, l => l.Text.Contains("Hunter2", StringComparison.Ordinal));
        Assert.Contains("[redacted]", ticket.Description, StringComparison.Ordinal);
        Assert.DoesNotContain(_host.Logs.Entries, e => e.Message.Contains("Hunter2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AVip_GetsAHigherPriority_WithTheReasonShown()
    {
        var chat = ChatAs(new TeamsUser("29:patti", "Patti Fernandez", "0cfb6fe4-ce3e-42ee-97a2-d38c296b9df7"));
        await chat.SayAsync("talk to a person");

        var review = await chat.SayAsync("my second monitor flickers");

        Assert.Contains("VIP", review.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnActionThatNeedsATechnician_HandsOverWithTheActionTried()
    {
        var chat = ChatAs(DemoPeople.Adele);
        await chat.SayAsync("install photoshop");

        await chat.SayAsync("Talk to a technician");
        var number = NumberIn(await chat.SayAsync("Send it"));

        var ticket = (await _desk.GetAsync(number, default))!;
        Assert.Equal("install photoshop", ticket.Description);
        var action = Assert.Single(ticket.Actions);
        Assert.Equal(("software.install", "Adobe Photoshop", "NeedsTechnician"), (action.ActionId, action.Target, action.Outcome));
    }

    [Fact]
    public async Task TwoUnansweredQuestionsInARow_OfferATechnician()
    {
        var chat = ChatAs(DemoPeople.Adele);
        var first = await chat.SayAsync("the zorblax won't glorp");
        Assert.Contains("couldn't find anything", first.Text(), StringComparison.Ordinal);

        var second = await chat.SayAsync("the quantum frobnicator is purple");

        Assert.True(second.Buttons().Contains("Talk to a technician"), second.Text());
    }

    [Fact]
    public async Task AHugeDescription_IsFiledCut_NotLostOrCrashed()
    {
        var chat = ChatAs(DemoPeople.Adele);
        await chat.SayAsync("talk to a person");
        var huge = string.Concat(Enumerable.Repeat("The app froze again and showed a long error. ", 1200));

        await chat.SayAsync(huge);
        var number = NumberIn(await chat.SayAsync("Send it"));

        var ticket = (await _desk.GetAsync(number, default))!;
        Assert.StartsWith("The app froze again", ticket.Description, StringComparison.Ordinal);
        Assert.EndsWith("(cut; the full text is in the transcript)", ticket.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheTechniciansRelay_ReachesTheEmployee_AndTheEmployeesRepliesReachTheTechnician_ThenRating()
    {
        var chat = ChatAs(DemoPeople.Adele);
        await chat.SayAsync("talk to a person");
        await chat.SayAsync("my docking station doesn't charge the laptop");
        var number = NumberIn(await chat.SayAsync("Send it"));
        var notifier = _host.Services.GetRequiredService<ITicketNotifier>();

        var claimed = await _desk.ClaimAsync(number, Alex, default);
        await notifier.TicketClaimedAsync(claimed.Ticket!, default);
        var message = await _desk.AddMessageAsync(number, Speaker.Technician, Alex.DisplayName, "Hi Adele, which dock model is it?", default);
        await notifier.TechnicianMessageAsync(claimed.Ticket!, message, default);

        Assert.Contains(chat.Messages, m => ((string?)m["text"])?.Contains("**Alex Wilber** from IT has picked up your ticket", StringComparison.Ordinal) == true);
        Assert.Contains(chat.Messages, m => (string?)m["text"] == "**Alex Wilber (IT):** Hi Adele, which dock model is it?");

        var before = chat.Messages.Count;
        var response = await _client.PostAsync(chat.Activity("It's the Surface Dock 2"));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before, chat.Messages.Count);
        Assert.Contains(await _desk.MessagesAsync(number, default), m => m.From == Speaker.User && m.Text == "It's the Surface Dock 2");

        var resolved = await _desk.ResolveAsync(number, Alex, "Firmware updated", default);
        await notifier.TicketResolvedAsync(resolved.Ticket!, default);
        var rateButtons = new[] { chat.Messages[^1] }.Buttons();
        Assert.Equal(5, rateButtons.Count);

        var thanks = await chat.SayAsync(rateButtons[4]);

        Assert.Contains("Thanks for the rating", thanks.Text(), StringComparison.Ordinal);
        Assert.Equal(5, (await _desk.GetAsync(number, default))!.Rating);
        var status = await chat.SayAsync("what's the status of my ticket?");
        Assert.Contains($"**{number}**", status.Text(), StringComparison.Ordinal);
        Assert.Contains("resolved", status.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RelayToAConversationThatNoLongerExists_FailsClearly_AndKeepsTheMessage()
    {
        var chat = ChatAs(DemoPeople.Adele);
        await chat.SayAsync("talk to a person");
        await chat.SayAsync("keyboard missing keys");
        var number = NumberIn(await chat.SayAsync("Send it"));
        var claimed = await _desk.ClaimAsync(number, Alex, default);
        await _channel.DisposeAsync();
        _channel = await ChannelRecorder.StartAsync();

        var message = await _desk.AddMessageAsync(number, Speaker.Technician, Alex.DisplayName, "Are you at your desk?", default);
        var failure = await Assert.ThrowsAsync<EmployeeUnreachableException>(
            () => _host.Services.GetRequiredService<ITicketNotifier>().TechnicianMessageAsync(claimed.Ticket!, message, default));

        Assert.Contains(number, failure.Message, StringComparison.Ordinal);
        Assert.Contains(await _desk.MessagesAsync(number, default), m => m.Text == "Are you at your desk?");
    }
}
