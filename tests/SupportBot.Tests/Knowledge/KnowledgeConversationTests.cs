using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json.Linq;
using SupportBot.Skills.Knowledge;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.Knowledge;

/// <summary>Knowledge answers through real turns of the bot, as an employee in Teams would have them.</summary>
public sealed class KnowledgeConversationTests : IAsyncLifetime
{
    private BotHost _host = null!;
    private ChannelRecorder _channel = null!;
    private HttpClient _client = null!;
    private string _conversation = null!;

    public async Task InitializeAsync()
    {
        _host = BotHost.Start();
        _channel = await ChannelRecorder.StartAsync();
        _client = _host.NewClient();
        _conversation = Activities.NewConversationId();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _channel.DisposeAsync();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task ThatFixedIt_IsThankedAndRecordedAgainstTheArticleAndQuestion()
    {
        await SayAsync("my printer is jammed");

        var reply = await SayAsync("That fixed it");

        Assert.Contains("glad that sorted it", (string?)reply["text"], StringComparison.Ordinal);
        var feedback = Assert.Single(await _host.Services.GetRequiredService<IKnowledgeFeedback>().RecentAsync(10, default));
        Assert.Equal(("printer-troubleshoot", "my printer is jammed", true), (feedback.ArticleId, feedback.Question, feedback.Helpful));
    }

    [Fact]
    public async Task StillStuck_OffersATechnicianWithTheStory_AndIsRecordedAsNotHelpful()
    {
        await SayAsync("outlook isn't syncing my emails");

        var reply = await SayAsync("Still stuck");

        Assert.Contains("Here's what I'll send to the IT team", new[] { reply }.Text(), StringComparison.Ordinal);
        var feedback = Assert.Single(await _host.Services.GetRequiredService<IKnowledgeFeedback>().RecentAsync(10, default));
        Assert.False(feedback.Helpful);
        Assert.Equal("outlook-not-syncing", feedback.ArticleId);
    }

    [Fact]
    public async Task TerseQuestionMatchingTwoGuides_GetsOneClarifyingQuestion_AndThePickIsAnswered()
    {
        var question = await SayAsync("vpn");

        var choices = new[] { question }.Buttons();
        Assert.Contains("Which one", new[] { question }.Text(), StringComparison.Ordinal);
        Assert.Equal(3, choices.Count);
        Assert.Equal("Neither of these", choices[^1]);

        var answer = await SayAsync(choices[0]);

        var url = (string?)answer["entities"]![0]!["citation"]![0]!["appearance"]!["url"];
        Assert.Matches("/kb/vpn-(connect|troubleshoot)$", url);
        Assert.Contains("Source: [", new[] { answer }.Text(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hi", "What can I help you with?")]
    [InlineData("thanks!", "You're welcome")]
    [InlineData("are you a bot?", "Yes, I'm a bot")]
    [InlineData("what can you do?", "I can help with everyday IT problems")]
    public async Task SmallTalk_GetsAShortHonestReply(string said, string expected)
    {
        var reply = await SayAsync(said);

        Assert.Contains(expected, (string?)reply["text"], StringComparison.Ordinal);
    }

    public static TheoryData<string> OddMessages() => new()
    {
        "title:\"x\" AND * OR (",
        "🙂🔥🙂",
        "¿Cómo cambio mi contraseña?",
        new string('x', 10_000),
        string.Concat(Enumerable.Repeat("my laptop is slow ", 600)),
    };

    [Theory]
    [MemberData(nameof(OddMessages))]
    public async Task OddMessage_GetsASensibleReply_NeverAnError(string said)
    {
        var reply = await SayAsync(said);

        var text = new[] { reply }.Text();
        Assert.False(string.IsNullOrWhiteSpace(text));
        Assert.DoesNotContain("something went wrong", text, StringComparison.OrdinalIgnoreCase);
    }

    private async Task<JObject> SayAsync(string text)
    {
        var before = _channel.MessagesIn(_conversation).Count;
        var response = await _client.PostAsync(Activities.Message(_channel.ServiceUrl, _conversation, text));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var messages = await _channel.WaitForMessagesAsync(_conversation, before + 1);
        Assert.True(messages.Count > before, $"no reply to \"{text[..Math.Min(text.Length, 40)]}\"");
        return messages[^1];
    }
}
