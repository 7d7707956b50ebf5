using System.Net;
using Newtonsoft.Json.Linq;
using SupportBot.Tests.Channels;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.Hosting;

/// <summary>One person flooding the bot is slowed down with a clear reply and can't starve anyone else.</summary>
public sealed class AbuseLimitTests : BotConversationTest
{
    protected override BotHost StartHost() => BotHost.Start(new Dictionary<string, string?>
    {
        ["Limits:MessagesPerUserPerMinute"] = "3",
        ["Limits:DirectLineActivitiesPerTokenPerMinute"] = "4",
    });

    [Fact]
    public async Task AUserOverTheLimit_IsToldOnceToSlowDown_AndOthersAreStillAnswered()
    {
        var adele = new TeamsChat(Client, Channel, DemoPeople.Adele);
        for (var i = 0; i < 3; i++)
        {
            Assert.Contains("You're welcome", (await adele.SayAsync("thanks")).Text(), StringComparison.Ordinal);
        }

        var slowDown = await adele.SayAsync("thanks");
        await Client.PostAsync(adele.Activity("thanks"));
        await Client.PostAsync(adele.Activity("thanks"));
        var megan = await new TeamsChat(Client, Channel, DemoPeople.Megan).SayAsync("thanks");

        Assert.Contains("faster than I can answer", slowDown.Text(), StringComparison.Ordinal);
        Assert.Contains("You're welcome", megan.Text(), StringComparison.Ordinal);
        Assert.Equal(4, adele.Messages.Count);
    }

    [Fact]
    public async Task ADirectLineTokenPostingTooMuch_Gets429WithAMessage()
    {
        using var http = Host.NewClient();
        var directLine = new DirectLineClient(http);
        var token = await directLine.GetTokenAsync();
        var jwt = (string)token["token"]!;
        var conversationId = (string)token["conversationId"]!;
        await directLine.StartAsync(jwt);

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage last = null!;
        for (var i = 0; i < 6; i++)
        {
            last = await directLine.PostActivityAsync(conversationId, jwt, DirectLineClient.Message($"question {i}", from: "dl_test_user"));
            statuses.Add(last.StatusCode);
        }

        Assert.Equal(4, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.Equal("60", last.Headers.RetryAfter?.ToString());
        Assert.Contains("too many activities", (string?)JObject.Parse(await last.Content.ReadAsStringAsync())["error"]!["message"], StringComparison.Ordinal);
    }
}
