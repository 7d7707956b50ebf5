namespace SupportBot.Skills.Tickets;

/// <summary>
/// A ticket system: the embedded SQLite one, ServiceNow or Jira Service Management. Creation must be exactly-once per
/// <see cref="TicketDraft.IdempotencyKey"/>: callers look the key up before retrying a create whose outcome is unknown.
/// </summary>
public interface ITicketSystem
{
    /// <summary>Short name for logs and receipts ("Embedded", "ServiceNow", "Jira").</summary>
    string Name { get; }

    /// <summary>The ticket already filed under this key, or null when there is none.</summary>
    Task<TicketReceipt?> FindAsync(string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>Files the ticket. Throws <see cref="TicketSystemException"/> when the system refuses or is unreachable.</summary>
    Task<TicketReceipt> CreateAsync(TicketDraft draft, CancellationToken cancellationToken);
}

public enum TicketSystemFailure
{
    /// <summary>Credentials wrong or expired (401): retrying won't help until an admin fixes them.</summary>
    Unauthorized,

    /// <summary>The account lacks a role or permission (403).</summary>
    Forbidden,

    /// <summary>Rate-limited (429); see <see cref="TicketSystemException.RetryAfter"/>.</summary>
    Throttled,

    /// <summary>Down, 5xx, timeout or unreachable.</summary>
    Unavailable,

    /// <summary>The system rejected the ticket itself (400): retrying the same ticket won't help.</summary>
    Rejected,
}

public sealed class TicketSystemException(TicketSystemFailure failure, string message, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception(message, inner)
{
    public TicketSystemFailure Failure { get; } = failure;

    public TimeSpan? RetryAfter { get; } = retryAfter;
}
