using SupportBot.Skills.Tickets;

namespace SupportBot.Tests.Tickets;

/// <summary>The visible rules behind a ticket's priority and the words that start a handoff.</summary>
public sealed class TicketRulesTests
{
    [Theory]
    [InlineData("the whole office can't print", "printing", false, TicketPriority.Critical, "affects many people")]
    [InlineData("nobody on our floor can get on the wifi", "network", false, TicketPriority.Critical, "affects many people")]
    [InlineData("I can't work, my laptop won't boot", "hardware", false, TicketPriority.High, "can't work")]
    [InlineData("urgent: can't sign in before the board meeting", "accounts", false, TicketPriority.High, "can't work")]
    [InlineData("my second monitor flickers", "hardware", false, TicketPriority.Medium, null)]
    [InlineData("my second monitor flickers", "hardware", true, TicketPriority.High, "VIP")]
    [InlineData("I clicked a link in a weird email", "security", false, TicketPriority.High, "security issue")]
    [InlineData("the whole team can't open SharePoint", "collaboration", true, TicketPriority.Critical, "VIP")]
    public void Priority_FollowsVisibleRules_WithReasons(string words, string category, bool vip, TicketPriority expected, string? reason)
    {
        var (priority, reasons) = TicketRules.Prioritise(words, category, vip);

        Assert.Equal(expected, priority);
        if (reason is null)
        {
            Assert.Empty(reasons);
        }
        else
        {
            Assert.Contains(reason, reasons);
        }
    }

    [Theory]
    [InlineData("talk to a person")]
    [InlineData("Can I speak with a human?")]
    [InlineData("please open a ticket")]
    [InlineData("I want a technician")]
    [InlineData("agent")]
    [InlineData("raise an incident for this")]
    public void AskingForAPerson_StartsAHandoff(string said) => Assert.True(TicketRules.AsksForAPerson(said));

    [Theory]
    [InlineData("how do I open a PDF?")]
    [InlineData("my screen is frozen")]
    [InlineData("the printer person said to ask you")]
    public void OtherMessages_DoNot(string said) => Assert.False(TicketRules.AsksForAPerson(said));

    [Theory]
    [InlineData("what's the status of my ticket?")]
    [InlineData("any news on my request")]
    [InlineData("show my tickets")]
    public void StatusQuestions_AreRecognised(string said) => Assert.True(TicketRules.AsksForStatus(said));

    [Fact]
    public void LongDescriptions_GetAShortTitle()
    {
        var title = TicketRules.Title(new string('x', 500));

        Assert.True(title.Length <= 80);
        Assert.EndsWith("…", title, StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_SaysWhatWasTried()
    {
        var summary = TicketRules.Summary("Adele Vance", "VPN drops every hour", "network",
            [new ArticleShown("vpn-troubleshoot", "Fix VPN problems", false)],
            [new ActionTried("device.restart", "DESKTOP-ADELE01", "Succeeded")], 3);

        Assert.Contains("Adele Vance needs help (network): VPN drops every hour.", summary, StringComparison.Ordinal);
        Assert.Contains("\"Fix VPN problems\" (didn't help)", summary, StringComparison.Ordinal);
        Assert.Contains("device.restart on DESKTOP-ADELE01 → Succeeded", summary, StringComparison.Ordinal);
    }
}
