using System.ComponentModel.DataAnnotations;

namespace SupportBot.Skills.Tickets;

/// <summary>Where escalations are filed and how technicians work them (section <c>Tickets</c>).</summary>
public sealed class TicketOptions
{
    public const string SectionName = "Tickets";

    /// <summary><c>Embedded</c> (a local SQLite file and the technician console, the default), <c>ServiceNow</c> or <c>Jira</c>.</summary>
    public TicketSystemKind System { get; set; } = TicketSystemKind.Embedded;

    /// <summary>The embedded help desk's SQLite file; it also holds the escalation outbox.</summary>
    [Required]
    public string DatabaseFile { get; set; } = "data/tickets.db";

    /// <summary>How often queued escalations are retried.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan OutboxInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Longest wait between retries of one escalation (backoff doubles up to this).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "06:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Deadline for one call to ServiceNow or Jira.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:02:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>People whose tickets get a higher priority (UPNs or emails).</summary>
    public IList<string> VipUsers { get; init; } = [];

    public ServiceNowOptions ServiceNow { get; init; } = new();

    public JiraOptions Jira { get; init; } = new();

    /// <summary>Technicians who may sign in to the embedded console.</summary>
    public IList<TechnicianAccount> Technicians { get; init; } = [];
}

public enum TicketSystemKind
{
    Embedded,
    ServiceNow,
    Jira,
}

/// <summary>ServiceNow Table API (incident table), basic auth with an integration user.</summary>
public sealed class ServiceNowOptions
{
    /// <summary>e.g. https://contoso.service-now.com</summary>
    public string? InstanceUrl { get; set; }

    public string? UserName { get; set; }

    /// <summary>A secret: user-secrets, environment or Key Vault.</summary>
    public string? Password { get; set; }

    /// <summary>The assignment group's sys_id or name for new incidents.</summary>
    public string? AssignmentGroup { get; set; }
}

/// <summary>Jira Service Management: create customer request, basic auth with an API token.</summary>
public sealed class JiraOptions
{
    /// <summary>e.g. https://contoso.atlassian.net</summary>
    public string? BaseUrl { get; set; }

    public string? Email { get; set; }

    /// <summary>A secret: user-secrets, environment or Key Vault.</summary>
    public string? ApiToken { get; set; }

    public string? ServiceDeskId { get; set; }

    public string? RequestTypeId { get; set; }

    /// <summary>The custom field that stores the idempotency key (searched before a retry), e.g. customfield_10050.</summary>
    public string? IdempotencyField { get; set; }
}

/// <summary>A technician of the embedded help desk: the password is stored only as a PBKDF2 hash.</summary>
public sealed class TechnicianAccount
{
    public string UserName { get; set; } = string.Empty;

    public string DisplayName { get; set; } = string.Empty;

    /// <summary><c>PBKDF2-SHA256$iterations$saltBase64$hashBase64</c>; create one with <c>dotnet run --project bot -- hash-password</c>.</summary>
    public string PasswordHash { get; set; } = string.Empty;

    /// <summary>May also read the insight page (<c>/admin</c>).</summary>
    public bool Admin { get; set; }
}
