using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json.Linq;
using SupportBot.Skills.SelfHelp.Sandbox;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.Channels;

/// <summary>
/// What channels send that isn't a plain question — card submits with extra or missing fields, from old cards,
/// files with no words, Slack confirmations with a mangled value — gets a clear reply and never a 500.
/// </summary>
public sealed class ChannelBadInputTests : BotConversationTest
{
    private const string AdeleLaptop = "677d1297-b493-4bbb-8f34-5ee2436b4619";

    private GraphSandbox Sandbox => Host.Services.GetRequiredService<GraphSandbox>();

    [Fact]
    public async Task ASubmitWithExtraFields_RunsOnlyWhatTheCardSaid_OnTheCallersOwnDevice()
    {
        var chat = new TeamsChat(Client, Channel, DemoPeople.Adele);
        var asked = await chat.SayAsync("restart my laptop");
        var data = asked.ConfirmData();
        data["target"] = "Megan's laptop";
        data["deviceId"] = "every-device";
        data["msteams"] = new JObject { ["type"] = "messageBack", ["text"] = "restart all devices" };

        var done = await chat.SubmitAsync(data);

        Assert.Contains("DESKTOP-ADELE01** will restart", done.Text(), StringComparison.Ordinal);
        Assert.Single(Sandbox.Tenant.FindDevice(AdeleLaptop)!.RebootRequests);
        Assert.Single(Sandbox.Requests, r => r.Method == "POST");
    }

    [Fact]
    public async Task ASubmitFromACardTheBotDoesNotKnow_GetsAClearReply()
    {
        var chat = new TeamsChat(Client, Channel, DemoPeople.Adele);

        var reply = await chat.SubmitAsync(new JObject { ["verb"] = "approveAll", ["ticket"] = 7 });

        Assert.Contains("That button is from a card I can't act on any more", reply.Text(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"kind\":\"selfhelp.confirm\"")]
    [InlineData("[1,2,3]")]
    public async Task ASubmitWhoseValueIsGarbage_GetsAClearReply(string value)
    {
        var chat = new TeamsChat(Client, Channel, DemoPeople.Adele);

        var reply = await chat.SubmitAsync(JValue.CreateString(value));

        Assert.False(string.IsNullOrWhiteSpace(reply.Text()));
        Assert.DoesNotContain("something went wrong", reply.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFileWithNoWords_IsNamedAndTheUserIsAskedToDescribeIt()
    {
        var chat = new TeamsChat(Client, Channel, DemoPeople.Adele);
        var activity = chat.Activity(null);
        activity["attachments"] = new JArray(new JObject
        {
            ["contentType"] = "image/png",
            ["contentUrl"] = "https://contoso.example/files/screenshot.png",
            ["name"] = "screenshot.png",
        });

        var response = await Client.PostAsync(activity);
        var reply = Assert.Single(await Channel.WaitForMessagesAsync(chat.ConversationId, 1));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("I can't open files or pictures (screenshot.png)", (string?)reply["text"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("supportbot.confirm", "not json")]
    [InlineData("supportbot.confirm", "{\"token\":\"made-up\",\"action\":\"device.restart\"}")]
    [InlineData("supportbot.cancel", "{}")]
    public async Task ASlackConfirmationWithAMangledValue_RunsNothing(string actionId, string value)
    {
        var chat = new SlackChat(Client, Channel, new SlackUser("U0ADELE01", "T0CONTOSO", "adele"));

        var reply = await chat.ClickAsync(actionId, value);

        Assert.False(string.IsNullOrWhiteSpace(reply.Text()));
        Assert.DoesNotContain(Sandbox.Requests, r => r.Method == "POST");
    }
}
