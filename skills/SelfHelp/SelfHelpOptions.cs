using System.ComponentModel.DataAnnotations;

namespace SupportBot.Skills.SelfHelp;

/// <summary>Where self-help actions run (the demo tenant's sandbox or Microsoft Graph) and which ones are allowed.</summary>
public sealed class SelfHelpOptions
{
    public const string SectionName = "SelfHelp";

    /// <summary><c>Sandbox</c> (the built-in demo tenant, the default) or <c>Graph</c> (the organisation's tenant).</summary>
    public GraphMode Mode { get; set; } = GraphMode.Sandbox;

    /// <summary>Action ids an administrator has switched off, e.g. <c>device.restart</c>.</summary>
    public IList<string> Disabled { get; init; } = [];

    /// <summary>The approved-software catalog (JSON).</summary>
    [Required]
    public string CatalogFile { get; set; } = "knowledge/software.json";

    /// <summary>The append-only audit log of every action attempt (JSON lines).</summary>
    [Required]
    public string AuditLogFile { get; set; } = "audit/self-help.jsonl";

    /// <summary>How long a confirmation card stays valid.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan ConfirmationLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a turn waits for an action before answering "still working" and finishing in the background.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:10")]
    public TimeSpan TurnBudget { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>The longest one Graph call may take, retries included.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan GraphTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Throttled calls are retried when Microsoft Graph asks to wait at most this long (Retry-After).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long the built-in sandbox takes to answer each Graph call (Sandbox mode only): zero by default; set it to
    /// rehearse a slow Graph, e.g. in the load driver's fault runs or a demo of the "still working" reply.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan SandboxLatency { get; set; } = TimeSpan.Zero;

    public GraphConnectionOptions Graph { get; init; } = new();

    public bool IsEnabled(string actionId) =>
        !Disabled.Any(d => string.Equals(d, actionId, StringComparison.OrdinalIgnoreCase) || d == "*");
}

public enum GraphMode
{
    /// <summary>The built-in Graph sandbox with the demo tenant: real SDK, real HTTP, demo data.</summary>
    Sandbox,

    /// <summary>Microsoft Graph for the organisation's tenant, app-only with least-privilege permissions.</summary>
    Graph,
}

/// <summary>How to reach and sign in to Microsoft Graph in <see cref="GraphMode.Graph"/> mode.</summary>
public sealed class GraphConnectionOptions
{
    public string BaseUrl { get; set; } = "https://graph.microsoft.com/v1.0";

    public string? TenantId { get; set; }

    /// <summary>The app registration's client id; with managed identity, the user-assigned identity's client id.</summary>
    public string? ClientId { get; set; }

    /// <summary>A client secret (keep it in user-secrets, an environment variable or Key Vault).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>A certificate file (PFX) for certificate credentials.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>Sign in with the App Service / Container Apps managed identity instead of a secret.</summary>
    public bool UseManagedIdentity { get; set; }
}
