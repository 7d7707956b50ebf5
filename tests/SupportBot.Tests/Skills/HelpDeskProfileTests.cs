using Microsoft.Extensions.Options;
using SupportBot.Skills.HelpDesk;

namespace SupportBot.Tests.Skills;

public sealed class HelpDeskProfileTests
{
    [Fact]
    public void HowToReachAPerson_WithOnlyAPhone_OffersOnlyThePhone()
    {
        var sut = Profile(new HelpDeskOptions { Phone = "+1 555 0100" });

        var sentence = sut.HowToReachAPerson();

        Assert.Equal("To reach a person at the IT Help Desk, call +1 555 0100.", sentence);
    }

    [Fact]
    public void HowToReachAPerson_WithPhoneEmailAndPortal_ListsThemWithCommasAndOr()
    {
        var sut = Profile(new HelpDeskOptions
        {
            Phone = "+1 555 0100",
            Email = "helpdesk@contoso.example",
            PortalUrl = "https://support.contoso.example",
        });

        var sentence = sut.HowToReachAPerson();

        Assert.Equal(
            "To reach a person at the IT Help Desk, call +1 555 0100, email helpdesk@contoso.example or open a request at https://support.contoso.example.",
            sentence);
    }

    [Fact]
    public void HowToReachAPerson_WithEmailAndPortal_JoinsTheTwoWithOr()
    {
        var sut = Profile(new HelpDeskOptions { Email = "helpdesk@contoso.example", PortalUrl = "https://support.contoso.example" });

        var sentence = sut.HowToReachAPerson();

        Assert.Equal(
            "To reach a person at the IT Help Desk, email helpdesk@contoso.example or open a request at https://support.contoso.example.",
            sentence);
    }

    [Fact]
    public void HowToReachAPerson_WithNothingConfigured_SaysContactTheHelpDesk()
    {
        var sut = Profile(new HelpDeskOptions { Phone = "  ", Email = string.Empty, PortalUrl = null });

        var sentence = sut.HowToReachAPerson();

        Assert.Equal("To reach a person at the IT Help Desk, contact the IT Help Desk.", sentence);
        Assert.DoesNotContain("call", sentence, StringComparison.Ordinal);
        Assert.DoesNotContain("email", sentence, StringComparison.Ordinal);
    }

    [Fact]
    public void HowToReachAPerson_UsesTheConfiguredHelpDeskName()
    {
        var sut = Profile(new HelpDeskOptions { HelpDeskName = "Service Desk" });

        var sentence = sut.HowToReachAPerson();

        Assert.Equal("To reach a person at the Service Desk, contact the Service Desk.", sentence);
    }

    [Fact]
    public void HowToReachAPerson_WithHours_AddsThemInParentheses()
    {
        var sut = Profile(new HelpDeskOptions { Phone = "+1 555 0100", Hours = "Mon–Fri 8:00–18:00" });

        var sentence = sut.HowToReachAPerson();

        Assert.Equal("To reach a person at the IT Help Desk, call +1 555 0100 (Mon–Fri 8:00–18:00).", sentence);
    }

    [Fact]
    public void HowToReachAPerson_WithoutHours_HasNoParentheses()
    {
        var sut = Profile(new HelpDeskOptions { Phone = "+1 555 0100", Hours = " " });

        var sentence = sut.HowToReachAPerson();

        Assert.DoesNotContain("(", sentence, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Ana Lopez")]
    [InlineData("Ana")]
    [InlineData("  Ana Lopez  ")]
    public void Welcome_GreetsTheUserByFirstName(string userName)
    {
        var sut = Profile(new HelpDeskOptions());

        var welcome = sut.Welcome(userName);

        Assert.StartsWith("Hi Ana! ", welcome, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("You")]
    [InlineData("User")]
    public void Welcome_WithoutARealName_SaysJustHi(string? userName)
    {
        var sut = Profile(new HelpDeskOptions());

        var welcome = sut.Welcome(userName);

        Assert.StartsWith("Hi! ", welcome, StringComparison.Ordinal);
    }

    [Fact]
    public void Welcome_NamesTheOrganisation()
    {
        var sut = Profile(new HelpDeskOptions { OrganisationName = "Fabrikam" });

        var welcome = sut.Welcome("Ana Lopez");

        Assert.Contains("I'm the Fabrikam IT help desk assistant", welcome, StringComparison.Ordinal);
    }

    private static HelpDeskProfile Profile(HelpDeskOptions options) => new(Options.Create(options));
}
