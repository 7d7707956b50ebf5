using Microsoft.Bot.Connector.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SupportBot.Bot.Hosting;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.Performance;

/// <summary>
/// The reply path reuses one connector client per channel endpoint instead of building one per turn (the cost that
/// made a stock Bot Framework bot spend ~20 ms of CPU per reply); replies must still reach every conversation.
/// </summary>
public sealed class ConnectorClientReuseTests : BotConversationTest
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    protected override BotHost StartHost() =>
        BotHost.Start(services: s => s.AddSingleton<TimeProvider>(_time));

    private ConnectorClientReuse Reuse => (ConnectorClientReuse)Host.Services.GetRequiredService<BotFrameworkAuthentication>();

    [Fact]
    public async Task ManyTurnsInManyConversations_AreAllAnswered_ThroughOneConnectorClient()
    {
        var chats = new[] { DemoPeople.Adele, DemoPeople.Megan, DemoPeople.Alex }.Select(p => new TeamsChat(Client, Channel, p)).ToList();

        foreach (var question in new[] { "how do I connect to the wifi", "my vpn won't connect", "how do I set up email on my phone" })
        {
            await Task.WhenAll(chats.Select(async chat =>
            {
                var replies = await chat.SayAsync(question);
                Assert.NotEmpty(replies.CitedUrls());
            }));
        }

        Assert.All(chats, chat => Assert.Equal(3, chat.Messages.Count(m => (string?)m["type"] == "message")));
        Assert.Equal(1, Reuse.ConnectorClientCount);
    }

    [Fact]
    public async Task AfterItsLifetime_AFreshClientIsMade_AndRepliesKeepFlowing()
    {
        var chat = new TeamsChat(Client, Channel, DemoPeople.Adele);
        Assert.NotEmpty((await chat.SayAsync("how do I connect to the wifi")).CitedUrls());

        _time.Advance(ConnectorClientReuse.ClientLifetime + TimeSpan.FromSeconds(1));

        Assert.NotEmpty((await chat.SayAsync("my vpn won't connect")).CitedUrls());
        Assert.NotEmpty((await chat.SayAsync("how do I set up email on my phone")).CitedUrls());
        Assert.Equal(1, Reuse.ConnectorClientCount);
    }
}
