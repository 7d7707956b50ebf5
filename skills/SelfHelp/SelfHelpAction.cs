namespace SupportBot.Skills.SelfHelp;

/// <summary>One self-help action: what it does, whether it changes anything, and the Graph permission it needs.</summary>
/// <param name="Id">Stable id used by articles (<c>actions:</c>), settings and the audit log.</param>
/// <param name="Title">What the caller sees on buttons and cards.</param>
/// <param name="Phrase">A message that asks for it; buttons send this text, so every channel can use them.</param>
/// <param name="ChangesState">True when it changes something and so runs only after the caller confirms.</param>
/// <param name="Permissions">The Microsoft Graph application permissions it needs (least privilege).</param>
public sealed record SelfHelpAction(string Id, string Title, string Phrase, bool ChangesState, string Permissions);

/// <summary>The actions SupportBot can run for the caller.</summary>
public static class SelfHelpActions
{
    public static readonly SelfHelpAction AccountStatus = new(
        "account.status", "Check my account", "Check my account status", false,
        "User.Read.All, Domain.Read.All, AuditLog.Read.All");

    public static readonly SelfHelpAction PasswordResetHelp = new(
        "password.reset-help", "Help me reset my password", "Help me reset my password", false,
        "AuditLog.Read.All");

    public static readonly SelfHelpAction SessionsRevoke = new(
        "sessions.revoke", "Sign me out everywhere", "Sign me out everywhere", true,
        "User.RevokeSessions.All");

    public static readonly SelfHelpAction MfaMethods = new(
        "mfa.methods", "Show my sign-in methods", "Show my sign-in methods", false,
        "UserAuthenticationMethod.Read.All");

    public static readonly SelfHelpAction DevicesList = new(
        "devices.list", "Show my devices", "Show my devices", false,
        "DeviceManagementManagedDevices.Read.All");

    public static readonly SelfHelpAction DeviceSync = new(
        "device.sync", "Sync my device", "Sync my device", true,
        "DeviceManagementManagedDevices.Read.All, DeviceManagementManagedDevices.PrivilegedOperations.All");

    public static readonly SelfHelpAction DeviceRestart = new(
        "device.restart", "Restart my device", "Restart my device", true,
        "DeviceManagementManagedDevices.Read.All, DeviceManagementManagedDevices.PrivilegedOperations.All");

    public static readonly SelfHelpAction SoftwareInstall = new(
        "software.install", "Install software", "Install software", true,
        "GroupMember.ReadWrite.All, User.Read.All");

    public static readonly SelfHelpAction LicenseCheck = new(
        "license.check", "Show my licences", "Show my licences", false,
        "User.Read.All");

    public static readonly SelfHelpAction ServiceHealth = new(
        "service.health", "Check Microsoft 365 service health", "Is anything down in Microsoft 365?", false,
        "ServiceHealth.Read.All");

    public static IReadOnlyList<SelfHelpAction> All { get; } =
    [
        AccountStatus, PasswordResetHelp, SessionsRevoke, MfaMethods, DevicesList, DeviceSync, DeviceRestart,
        SoftwareInstall, LicenseCheck, ServiceHealth,
    ];

    public static SelfHelpAction? Find(string? id) =>
        All.FirstOrDefault(a => string.Equals(a.Id, id, StringComparison.OrdinalIgnoreCase));
}
