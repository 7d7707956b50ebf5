namespace SupportBot.Tests.Knowledge;

/// <summary>The knowledge base an organisation gets out of the box.</summary>
public sealed class StarterKnowledgeBaseTests
{
    public static readonly string[] RequiredIds =
    [
        "wifi-connect", "wifi-guest", "network-slow", "vpn-connect", "vpn-troubleshoot", "email-iphone", "email-android",
        "outlook-not-syncing", "mailbox-full", "shared-mailbox-access", "out-of-office", "email-signature", "phishing-report",
        "password-change", "password-reset", "account-locked", "password-expiry", "mfa-setup", "mfa-new-phone",
        "software-install", "software-request-license", "office-activation", "teams-audio-video", "teams-install",
        "onedrive-sync", "sharepoint-access", "file-restore", "browser-cache", "printer-add", "printer-troubleshoot",
        "laptop-slow", "screen-frozen", "external-monitor", "bluetooth-headset", "laptop-battery", "bitlocker-recovery",
        "security-lost-device", "new-device-setup", "new-employee-onboarding", "remote-desktop", "helpdesk-contact",
    ];

    [Fact]
    public void CoversEveryRoutineTopic()
    {
        var ids = TestArticles.All.Select(a => a.Id).ToHashSet();

        var missing = RequiredIds.Except(ids).ToList();

        Assert.True(missing.Count == 0, "missing articles: " + string.Join(", ", missing));
    }

    [Fact]
    public void EveryArticle_HasStepsAWayToAskAndACategory()
    {
        Assert.All(TestArticles.All, a =>
        {
            Assert.True(a.Questions.Count >= 5, $"{a.Id} lists only {a.Questions.Count} ways people ask");
            Assert.Contains(a.Sections, s => s.Steps.Count > 0);
            Assert.False(string.IsNullOrWhiteSpace(a.Category), $"{a.Id} has no category");
        });
    }

    [Fact]
    public void OrganisationFacts_ComeFromTheSettingsFile_NotLeftAsPlaceholders()
    {
        Assert.All(TestArticles.All, a => Assert.DoesNotContain("{{", a.Markdown + a.Title, StringComparison.Ordinal));
        Assert.Contains("Contoso-Guest", TestArticles.All.Single(a => a.Id == "wifi-guest").Markdown, StringComparison.Ordinal);
    }
}
