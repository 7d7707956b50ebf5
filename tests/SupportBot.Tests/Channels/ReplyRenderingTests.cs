using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.Channels;

/// <summary>
/// The same answer through real turns on each kind of channel: what each channel's user would see, and that no
/// channel gets markup it can't show.
/// </summary>
public sealed class ReplyRenderingTests : BotConversationTest
{
    private const string PrinterQuestion = "my printer is jammed";

    [Fact]
    public async Task Teams_GetsTheAnswerAsACard_WithItsButtonsOnTheCard()
    {
        var chat = new TeamsChat(Client, Channel, DemoPeople.Adele);

        var reply = Assert.Single(await chat.SayAsync(PrinterQuestion));

        var card = Assert.Single(reply.Cards());
        Assert.Null(reply["suggestedActions"]);
        Assert.Contains("Printer", (string?)card["body"]![0]!["text"], StringComparison.Ordinal);
        Assert.Contains(card["body"]!, b => (string?)b["type"] == "ColumnSet");
        Assert.Equal(["That fixed it", "Still stuck"], new[] { reply }.Buttons().TakeLast(2));
        Assert.All(card["actions"]!, a => Assert.Equal("messageBack", (string?)a["data"]?["msteams"]?["type"]));
        Assert.Contains("/kb/", Assert.Single(new[] { reply }.CitedUrls()), StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace((string?)reply["summary"]), "Teams shows the summary in notifications");

        // The click comes back as a message with the button's text, as Teams sends a messageBack.
        var thanks = await chat.SayAsync("That fixed it");
        Assert.Contains("glad that sorted it", thanks.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebChat_GetsTheCard_WithChoicesAsSuggestedActions()
    {
        var conversation = Activities.NewConversationId();
        var reply = await SayAsync(Activities.Message(Channel.ServiceUrl, conversation, PrinterQuestion, channelId: "webchat"), conversation);

        var card = Assert.Single(reply.Cards());
        Assert.DoesNotContain("actions", card.Properties().Select(p => p.Name));
        Assert.Equal(["That fixed it", "Still stuck"], reply["suggestedActions"]!["actions"]!.Select(a => (string)a["value"]!).TakeLast(2));
        Assert.All(reply["suggestedActions"]!["actions"]!, a => Assert.Equal("imBack", (string?)a["type"]));
    }

    [Theory]
    [InlineData("sms")]
    [InlineData("carrier-pigeon")]
    public async Task AnyOtherChannel_GetsPlainText_AndCanAnswerByNumber(string channelId)
    {
        var conversation = Activities.NewConversationId();

        var reply = await SayAsync(Activities.Message(Channel.ServiceUrl, conversation, PrinterQuestion, channelId: channelId), conversation);

        var text = (string)reply["text"]!;
        Assert.Empty(reply["attachments"] ?? new JArray());
        Assert.Null(reply["suggestedActions"]);
        Assert.Null(reply["channelData"]);
        Assert.DoesNotContain("**", text, StringComparison.Ordinal);
        Assert.DoesNotContain("](", text, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^1\. ", text);
        Assert.Matches(@"Reply with a number:\n(\d\. .+\n)*\d\. That fixed it\n\d\. Still stuck$", text);
        var number = System.Text.RegularExpressions.Regex.Match(text, @"(\d)\. That fixed it").Groups[1].Value;

        var thanks = await SayAsync(Activities.Message(Channel.ServiceUrl, conversation, number, channelId: channelId), conversation);

        Assert.Contains("glad that sorted it", (string?)thanks["text"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AChannelTheBotHasNeverSeen_IsAnsweredAndLoggedOnce()
    {
        for (var i = 0; i < 2; i++)
        {
            var conversation = Activities.NewConversationId();
            var reply = await SayAsync(Activities.Message(Channel.ServiceUrl, conversation, "hello", channelId: "carrier-pigeon"), conversation);
            Assert.Contains("What can I help you with", (string?)reply["text"], StringComparison.Ordinal);
        }

        Assert.Single(Host.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("carrier-pigeon", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ANumberWithNoListToAnswer_IsReadAsText()
    {
        var conversation = Activities.NewConversationId();

        var reply = await SayAsync(Activities.Message(Channel.ServiceUrl, conversation, "2", channelId: "sms"), conversation);

        Assert.Contains("there's no list waiting for a number", (string?)reply["text"], StringComparison.Ordinal);
    }

    private async Task<JObject> SayAsync(JObject activity, string conversation)
    {
        var before = Channel.MessagesIn(conversation).Count;
        var response = await Client.PostAsync(activity);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var messages = await Channel.WaitForMessagesAsync(conversation, before + 1);
        Assert.True(messages.Count > before, $"no reply to {activity["text"]}");
        return messages[^1];
    }
}
