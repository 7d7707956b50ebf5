using Microsoft.Bot.Schema;
using Newtonsoft.Json;
using SupportBot.Bot.Channels.Slack;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.Channels;

/// <summary>Who sent a Slack activity, read from what Azure Bot Service delivers (from.id and channelData).</summary>
public sealed class SlackSenderTests
{
    private static readonly SlackUser Adele = new("U0ADELE01", "T0CONTOSO", "adele");

    [Fact]
    public void Message_SenderIsFromIdsUserAndTeam()
    {
        var sut = SlackSender.From(Read(SlackActivities.Message("https://slack.botframework.com/", "D0DM", Adele, "hi")), out var problem);

        Assert.Null(problem);
        Assert.Equal(new SlackSender("U0ADELE01", "T0CONTOSO"), sut);
    }

    [Fact]
    public void ButtonClick_SenderIsTheClicker()
    {
        var sut = SlackSender.From(Read(SlackActivities.BlockAction("https://slack.botframework.com/", "D0DM", Adele, "choice-0", "show my devices")), out _);

        Assert.Equal(new SlackSender("U0ADELE01", "T0CONTOSO"), sut);
    }

    [Fact]
    public void FromIdWithoutTeam_TakesTheTeamFromTheEnvelope()
    {
        var json = SlackActivities.Message("https://slack.botframework.com/", "D0DM", Adele, "hi");
        json["from"]!["id"] = "U0ADELE01";

        var sut = SlackSender.From(Read(json), out _);

        Assert.Equal(new SlackSender("U0ADELE01", "T0CONTOSO"), sut);
    }

    [Fact]
    public void ClickWhosePayloadNamesAnotherUser_NamesNobody()
    {
        var json = SlackActivities.BlockAction("https://slack.botframework.com/", "D0DM", Adele, "choice-0", "x", payloadUser: "U0MEGAN01");

        var sut = SlackSender.From(Read(json), out var problem);

        Assert.Null(sut);
        Assert.Contains("different members", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("adele@contoso.com")]
    [InlineData("29:teams-user")]
    [InlineData("u0lower:T0CONTOSO")]
    public void FromIdThatIsNoSlackMemberId_NamesNobody(string fromId)
    {
        var json = SlackActivities.Message("https://slack.botframework.com/", "D0DM", Adele, "hi", apiToken: null);
        json["from"]!["id"] = fromId;
        json.Remove("channelData");

        Assert.Null(SlackSender.From(Read(json), out var problem));
        Assert.NotNull(problem);
    }

    private static Activity Read(Newtonsoft.Json.Linq.JObject json) => JsonConvert.DeserializeObject<Activity>(json.ToString())!;
}
