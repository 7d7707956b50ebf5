namespace SupportBot.Skills.SelfHelp;

/// <summary>The organisation's own pages and policies that action replies point to (section <c>Organisation</c>).</summary>
public sealed class OrganisationLinks
{
    public const string SectionName = "Organisation";

    public string PasswordResetUrl { get; set; } = "https://aka.ms/sspr";

    public string MfaSetupUrl { get; set; } = "https://aka.ms/mfasetup";

    public string AccountPortalUrl { get; set; } = "https://myaccount.microsoft.com";

    public string PasswordPolicy { get; set; } = "a long passphrase you haven't used before";

    public string CompanyPortalName { get; set; } = "Company Portal";

    public string? SoftwareRequestUrl { get; set; }

    public string? LicenceRequestUrl { get; set; }
}
