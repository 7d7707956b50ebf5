using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;
using SupportBot.Bot.Tickets;
using SupportBot.Skills.Conversation;
using SupportBot.Skills.Tickets;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.Channels;

/// <summary>
/// Being a good citizen of Teams, through real turns: hello once on install (not to every person joining a big
/// team), answering in channels only when @mentioned, typing while working, throttling and removal handled.
/// </summary>
public sealed class TeamsChannelTests : BotConversationTest
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "supportbot-tests", Guid.NewGuid().ToString("N"));

    protected override BotHost StartHost() =>
        BotHost.Start(new Dictionary<string, string?> { ["Tickets:DatabaseFile"] = Path.Combine(_folder, "tickets.db") });

    [Fact]
    public async Task InstallingInAPersonalChat_SaysHelloOnce()
    {
        var conversation = Activities.NewConversationId();

        await PostAsync(TeamsActivity("installationUpdate", conversation, "personal", a => a["action"] = "add"));
        await PostAsync(TeamsActivity("conversationUpdate", conversation, "personal", a => a["membersAdded"] = new JArray(Bot)));

        var messages = await Channel.WaitForMessagesAsync(conversation, 1);
        var welcome = Assert.Single(messages);
        Assert.Contains("IT help desk assistant", (string?)welcome["text"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABigTeam_HearsOneHelloWhenTheBotIsAdded_AndNothingWhenPeopleJoin()
    {
        var conversation = Activities.NewConversationId();
        await PostAsync(TeamsActivity("conversationUpdate", conversation, "channel", a => a["membersAdded"] = new JArray(Bot)));
        for (var batch = 0; batch < 5; batch++)
        {
            var people = new JArray(Enumerable.Range(0, 20).Select(i => new JObject { ["id"] = $"29:new-{batch}-{i}", ["aadObjectId"] = Guid.NewGuid().ToString() }));
            await PostAsync(TeamsActivity("conversationUpdate", conversation, "channel", a => a["membersAdded"] = people));
        }

        // A question afterwards proves every join was handled before it (turns in a conversation run in order).
        await PostAsync(Mentioning(TeamsActivity("message", conversation, "channel"), "thanks"));
        var messages = await Channel.WaitForMessagesAsync(conversation, 2);

        Assert.Equal(2, messages.Count);
        Assert.Contains("IT help desk assistant", (string?)messages[0]["text"], StringComparison.Ordinal);
        Assert.Contains("You're welcome", (string?)messages[1]["text"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task InAChannel_OnlyMessagesThatMentionTheBot_AreAnswered_WithoutTheMention()
    {
        var conversation = Activities.NewConversationId();
        await PostAsync(TeamsActivity("message", conversation, "channel", a => a["text"] = "has anyone seen my stapler?"));
        await PostAsync(TeamsActivity("message", conversation, "groupChat", a => a["text"] = "lunch at 12?"));

        await PostAsync(Mentioning(TeamsActivity("message", conversation, "channel"), "how do I connect to the guest wifi"));

        var messages = await Channel.WaitForMessagesAsync(conversation, 1);
        var answer = Assert.Single(messages);
        Assert.Contains("Wi-Fi", new[] { answer }.Text(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AMessageThatIsOnlyAMention_GetsAPrompt()
    {
        var conversation = Activities.NewConversationId();

        await PostAsync(Mentioning(TeamsActivity("message", conversation, "channel"), string.Empty));

        var reply = Assert.Single(await Channel.WaitForMessagesAsync(conversation, 1));
        Assert.StartsWith("Yes? Tell me in a sentence what's wrong", (string?)reply["text"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhileAnActionRuns_TheUserSeesTyping()
    {
        var chat = new TeamsChat(Client, Channel, DemoPeople.Adele);

        await chat.SayAsync("restart my laptop");

        var sent = Channel.Received.Where(a => (string?)a["conversation"]?["id"] == chat.ConversationId).Select(a => (string?)a["type"]).ToList();
        Assert.Equal("typing", sent[0]);
        Assert.Equal("message", sent[^1]);
    }

    [Fact]
    public async Task AThrottledReply_IsRetriedAfterRetryAfter_AndArrivesOnce()
    {
        var chat = new TeamsChat(Client, Channel, DemoPeople.Adele);
        Channel.Refuse(chat.ConversationId, 429, "Throttled", "Too many requests.", retryAfter: "1", times: 2);

        var replies = await chat.SayAsync("my printer is jammed");

        Assert.Single(replies);
        Assert.Equal(3, Channel.AttemptsIn(chat.ConversationId));
        Assert.Contains(Host.Logs.Entries, e => e.Message.Contains("throttled a send", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AThrottleTooLongToWaitOut_IsNotWaitedFor_AndTheUserHearsSorry()
    {
        var chat = new TeamsChat(Client, Channel, DemoPeople.Adele);
        Channel.Refuse(chat.ConversationId, 429, "Throttled", "Too many requests.", retryAfter: "120", times: 1);

        var replies = await chat.SayAsync("my printer is jammed");

        Assert.Contains("something went wrong on my side", replies.Text(), StringComparison.Ordinal);
        Assert.Contains(Host.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("not waiting that long", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BotRemovedFromTheChat_TheReferenceIsRetired_AndNotTriedAgain()
    {
        var chat = new TeamsChat(Client, Channel, DemoPeople.Adele);
        var desk = Host.Services.GetRequiredService<ITicketDesk>();
        var notifier = Host.Services.GetRequiredService<ITicketNotifier>();
        await chat.SayAsync("talk to a person");
        await chat.SayAsync("my dock doesn't charge the laptop");
        var number = System.Text.RegularExpressions.Regex.Match((await chat.SayAsync("Send it")).Text(), @"SB-\d+").Value;
        var claimed = await desk.ClaimAsync(number, new Technician("alex", "Alex Wilber"), default);
        Channel.Refuse(chat.ConversationId, 403, "BotNotInConversationRoster", "The bot is not part of the conversation roster.");
        var message = await desk.AddMessageAsync(number, Speaker.Technician, "Alex Wilber", "Which dock model is it?", default);

        await Assert.ThrowsAsync<EmployeeUnreachableException>(() => notifier.TechnicianMessageAsync(claimed.Ticket!, message, default));
        var attempts = Channel.AttemptsIn(chat.ConversationId);
        await Assert.ThrowsAsync<EmployeeUnreachableException>(() => notifier.TechnicianMessageAsync(claimed.Ticket!, message, default));

        Assert.Equal(attempts, Channel.AttemptsIn(chat.ConversationId));
        Assert.Contains(Host.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("Retired the conversation reference", StringComparison.Ordinal));
        Assert.Contains(await desk.MessagesAsync(number, default), m => m.Text == "Which dock model is it?");
    }

    [Fact]
    public async Task TicketNews_FollowsTheEmployeeToTheirNewestChat()
    {
        var desk = Host.Services.GetRequiredService<ITicketDesk>();
        var notifier = Host.Services.GetRequiredService<ITicketNotifier>();
        var first = new TeamsChat(Client, Channel, DemoPeople.Adele);
        await first.SayAsync("talk to a person");
        await first.SayAsync("my dock doesn't charge the laptop");
        var number = System.Text.RegularExpressions.Regex.Match((await first.SayAsync("Send it")).Text(), @"SB-\d+").Value;
        Channel.Refuse(first.ConversationId, 403, "BotNotInConversationRoster", "The bot is not part of the conversation roster.");
        var later = new TeamsChat(Client, Channel, DemoPeople.Adele);
        await later.SayAsync("hello");

        var claimed = await desk.ClaimAsync(number, new Technician("alex", "Alex Wilber"), default);
        await notifier.TicketClaimedAsync(claimed.Ticket!, default);

        Assert.Contains(later.Messages, m => ((string?)m["text"])?.Contains("from IT has picked up your ticket", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task UninstallingTheApp_RetiresTheChat()
    {
        var chat = new TeamsChat(Client, Channel, DemoPeople.Adele);
        await chat.SayAsync("hello");

        await PostAsync(TeamsActivity("installationUpdate", chat.ConversationId, "personal", a =>
        {
            a["action"] = "remove";
            a["from"] = new JObject { ["id"] = DemoPeople.Adele.Id, ["aadObjectId"] = DemoPeople.Adele.AadObjectId };
        }));

        Assert.Contains(Host.Logs.Entries, e => e.Message.Contains("the app was uninstalled", StringComparison.Ordinal));
    }

    private static JObject Bot => new() { ["id"] = "bot-1", ["name"] = "SupportBot" };

    private JObject TeamsActivity(string type, string conversation, string conversationType, Action<JObject>? configure = null)
    {
        var activity = new JObject
        {
            ["type"] = type,
            ["id"] = Guid.NewGuid().ToString("N"),
            ["channelId"] = "msteams",
            ["serviceUrl"] = Channel.ServiceUrl,
            ["timestamp"] = DateTimeOffset.UtcNow.ToString("O"),
            ["from"] = new JObject { ["id"] = DemoPeople.Megan.Id, ["name"] = DemoPeople.Megan.Name, ["aadObjectId"] = DemoPeople.Megan.AadObjectId },
            ["recipient"] = Bot,
            ["conversation"] = new JObject
            {
                ["id"] = conversation,
                ["conversationType"] = conversationType,
                ["isGroup"] = conversationType != "personal",
                ["tenantId"] = "contoso-tenant",
            },
            ["channelData"] = new JObject { ["tenant"] = new JObject { ["id"] = "contoso-tenant" } },
        };
        configure?.Invoke(activity);
        return activity;
    }

    private static JObject Mentioning(JObject activity, string text)
    {
        activity["text"] = $"<at>SupportBot</at> {text}";
        activity["entities"] = new JArray(new JObject
        {
            ["type"] = "mention",
            ["mentioned"] = Bot,
            ["text"] = "<at>SupportBot</at>",
        });
        return activity;
    }

    private async Task PostAsync(JObject activity)
    {
        var response = await Client.PostAsync(activity);
        Assert.True(response.IsSuccessStatusCode, $"{activity["type"]} was answered {(int)response.StatusCode}");
    }
}
