namespace SupportBot.Skills.Tickets;

/// <summary>An escalation waiting to be filed (or filed, with its receipt).</summary>
public sealed record OutboxEntry(TicketDraft Draft, int Attempts, DateTimeOffset NextAttemptAt, string? LastError, TicketReceipt? Receipt);

/// <summary>
/// Durable escalations: written before the ticket system is called, so a crash, an outage or a rate limit loses
/// nothing; keyed by <see cref="TicketDraft.IdempotencyKey"/> so a redelivered turn or a double click adds nothing.
/// </summary>
public interface IEscalationOutbox
{
    /// <summary>Adds the draft, or returns the entry already stored under its key.</summary>
    Task<OutboxEntry> AddAsync(TicketDraft draft, CancellationToken cancellationToken);

    Task<OutboxEntry?> FindAsync(string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>Unfiled entries due at <paramref name="now"/>, oldest first.</summary>
    Task<IReadOnlyList<OutboxEntry>> DueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken);

    /// <summary>Takes the entry for delivery for <paramref name="lease"/>; false when another worker (or instance) has it.</summary>
    Task<bool> TryLeaseAsync(string idempotencyKey, TimeSpan lease, CancellationToken cancellationToken);

    Task MarkFiledAsync(string idempotencyKey, TicketReceipt receipt, CancellationToken cancellationToken);

    Task MarkRetryAsync(string idempotencyKey, DateTimeOffset nextAttemptAt, string problem, CancellationToken cancellationToken);

    /// <summary>How many entries wait to be filed (for health and the admin page).</summary>
    Task<int> PendingCountAsync(CancellationToken cancellationToken);
}
