using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.Channels;

/// <summary>
/// Slack through the Azure Bot Service Slack channel, with activities shaped as ABS delivers them: replies in Block
/// Kit (never a card Slack can't draw), buttons whose clicks come back as messages, retries answered once, and only
/// @mentions answered in channels.
/// </summary>
public sealed class SlackChannelTests : BotConversationTest
{
    private static readonly SlackUser Megan = new("U0MEGAN01", "T0CONTOSO", "megan");

    [Fact]
    public async Task AnAnswer_IsBlockKit_WithTheStepsTheSourceAndButtons()
    {
        var chat = new SlackChat(Client, Channel, Megan);

        var reply = Assert.Single(await chat.SayAsync("my printer is jammed"));

        Assert.Empty(reply["attachments"] ?? new JArray());
        Assert.Null(reply["suggestedActions"]);
        var blocks = (JArray)reply["channelData"]!["blocks"]!;
        Assert.Equal("header", (string?)blocks[0]["type"]);
        Assert.StartsWith("Printer", (string?)blocks[0]["text"]!["text"], StringComparison.Ordinal);
        var sections = blocks.Where(b => (string?)b["type"] == "section").Select(b => (string)b["text"]!["text"]!).ToList();
        Assert.Contains(sections, s => s.Contains("\n1. ", StringComparison.Ordinal) || s.Contains("*\n1. ", StringComparison.Ordinal));
        Assert.All(sections, s => Assert.DoesNotContain("**", s, StringComparison.Ordinal));
        var context = string.Join(' ', blocks.Where(b => (string?)b["type"] == "context").SelectMany(b => b["elements"]!).Select(e => (string?)e["text"]));
        Assert.Matches(@"Source: <http://[^|>]+/kb/printer-troubleshoot\|Printer[^>]*>", context);
        var buttons = blocks.Single(b => (string?)b["type"] == "actions")["elements"]!.ToList();
        Assert.Contains(buttons, b => (string?)b["value"] == "That fixed it" && ((string)b["action_id"]!).StartsWith("supportbot.choice.", StringComparison.Ordinal));
        Assert.Contains(buttons, b => (string?)b["url"] is { } url && url.EndsWith("/kb/printer-troubleshoot", StringComparison.Ordinal));
        Assert.Equal(buttons.Count, buttons.Select(b => (string?)b["action_id"]).Distinct().Count());
        Assert.False(string.IsNullOrWhiteSpace((string?)reply["channelData"]!["text"]), "Slack needs fallback text for notifications");
    }

    [Fact]
    public async Task ClickingAButton_IsTheMessageItStandsFor()
    {
        var chat = new SlackChat(Client, Channel, Megan);
        var answer = Assert.Single(await chat.SayAsync("my printer is jammed"));
        var fixedIt = answer["channelData"]!["blocks"]!.Single(b => (string?)b["type"] == "actions")["elements"]!
            .Single(b => (string?)b["value"] == "That fixed it");

        var thanks = await chat.ClickAsync((string)fixedIt["action_id"]!, "That fixed it", "supportbot.actions");

        Assert.Contains("glad that sorted it", thanks.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AButtonWithAnUnknownActionId_GetsAPoliteReply_AndALogLine()
    {
        var chat = new SlackChat(Client, Channel, Megan);

        var reply = await chat.ClickAsync("legacy.approve_everything", "yes");

        Assert.Contains("I don't know that button", reply.Text(), StringComparison.Ordinal);
        Assert.Contains(Host.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("legacy.approve_everything", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ALinkButtonClick_IsNotAnswered()
    {
        var chat = new SlackChat(Client, Channel, Megan);
        await Client.PostAsync(SlackActivities.BlockAction(Channel.ServiceUrl, chat.SlackChannelId, Megan, "supportbot.link", "http://localhost/kb/printer-troubleshoot"));

        var next = await chat.SayAsync("thanks");

        Assert.Single(next);
        Assert.Single(chat.Messages);
    }

    [Fact]
    public async Task SlackRetryingTheSameEvent_GetsOneReply()
    {
        var chat = new SlackChat(Client, Channel, Megan);
        var first = SlackActivities.Message(Channel.ServiceUrl, chat.SlackChannelId, Megan, "my printer is jammed");
        var retry = (JObject)first.DeepClone();
        retry["id"] = Guid.NewGuid().ToString("N");

        await chat.SendAsync(first);
        await Client.PostAsync(retry);
        await chat.SayAsync("thanks");

        Assert.Equal(2, chat.Messages.Count);
    }

    [Fact]
    public async Task InAChannel_OnlyMentionsAreAnswered_WithoutTheMention()
    {
        var chat = new SlackChat(Client, Channel, Megan, "C0ITHELP01");
        await Client.PostAsync(SlackActivities.Message(Channel.ServiceUrl, chat.SlackChannelId, Megan, "anyone for coffee?"));

        var reply = await chat.SayAsync($"<@{SlackActivities.BotUserId}> how do I connect to the guest wifi");

        Assert.Single(chat.Messages);
        Assert.Contains("Wi-Fi", reply.Text() + string.Join(' ', reply[0]["channelData"]!["blocks"]!.Select(b => b.ToString())), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AMentionInAChannel_ArrivingAsBothEvents_IsAnsweredOnce()
    {
        var chat = new SlackChat(Client, Channel, Megan, "C0ITHELP02");
        var message = SlackActivities.Message(Channel.ServiceUrl, chat.SlackChannelId, Megan, $"<@{SlackActivities.BotUserId}> thanks");
        var appMention = (JObject)message.DeepClone();
        appMention["id"] = Guid.NewGuid().ToString("N");
        appMention["channelData"]!["SlackMessage"]!["event"]!["type"] = "app_mention";
        appMention["channelData"]!["SlackMessage"]!["event_id"] = "Ev0SECOND01";

        await chat.SendAsync(message);
        await Client.PostAsync(appMention);
        await chat.SayAsync($"<@{SlackActivities.BotUserId}> bye");

        Assert.Equal(2, chat.Messages.Count);
    }
}
