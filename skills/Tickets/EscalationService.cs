using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SupportBot.Skills.Conversation;

namespace SupportBot.Skills.Tickets;

public enum EscalationStatus
{
    /// <summary>The ticket exists; <see cref="EscalationResult.Receipt"/> has its number.</summary>
    Filed,

    /// <summary>Safely stored and retried in the background; the employee is told the number once it is filed.</summary>
    Queued,
}

/// <summary>What an escalation came to.</summary>
/// <param name="Status">Filed now (or earlier, for a repeated key), or queued.</param>
/// <param name="Receipt">The ticket's number when filed.</param>
/// <param name="Problem">Why it is queued, in words fit for the employee ("the ticket system is busy"); null when filed.</param>
public sealed record EscalationResult(EscalationStatus Status, TicketReceipt? Receipt, string? Problem);

/// <summary>
/// Files escalations exactly once however the ticket system behaves: each draft goes to the outbox first (so an
/// outage, a rate limit or a crash loses nothing), then to the ticket system; what fails is retried with backoff by
/// <see cref="DrainAsync"/>, and a retry whose earlier attempt may have reached the system looks the ticket up first.
/// </summary>
public sealed class EscalationService(
    ITicketSystem system,
    IEscalationOutbox outbox,
    ITicketNotifier notifier,
    IOptions<TicketOptions> options,
    TimeProvider time,
    ILogger<EscalationService> logger)
{
    public const string BusyProblem = "the ticket system is busy";
    public const string UnavailableProblem = "the ticket system is unavailable right now";

    private const int DrainBatch = 50;
    private const int MaxBackoffDoublings = 20;
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(5);

    // Longer than any attempt can take (its calls are cut off at AttemptDeadline), so a lease only expires when
    // its holder is gone.
    private static readonly TimeSpan LeaseMargin = TimeSpan.FromMinutes(1);

    /// <summary>Files the draft now if the ticket system answers, else queues it; a key already filed returns its receipt.</summary>
    public async Task<EscalationResult> EscalateAsync(TicketDraft draft, CancellationToken cancellationToken)
    {
        using var _ = SupportTelemetry.Stage(SupportStage.Escalate);
        var entry = await outbox.AddAsync(draft, cancellationToken);
        if (entry.Receipt is { } earlier)
        {
            // A double click or a redelivered turn: the ticket exists, file nothing new.
            return new EscalationResult(EscalationStatus.Filed, earlier, null);
        }

        if (entry.Attempts > 0 && entry.NextAttemptAt > time.GetUtcNow())
        {
            // Asked again while waiting out a failure or a Retry-After: keep the wait, the drainer files it.
            return new EscalationResult(EscalationStatus.Queued, null, ProblemFrom(entry.LastError));
        }

        var delivery = await DeliverAsync(draft.IdempotencyKey, cancellationToken);
        if (entry.Attempts == 0)
        {
            // Counted once, when first asked: a retry of a queued one is the same escalation.
            SupportTelemetry.Escalated(delivery.Receipt is null ? "queued" : "filed", draft.Category);
        }

        return delivery.Receipt is { } receipt
            ? new EscalationResult(EscalationStatus.Filed, receipt, null)
            : new EscalationResult(EscalationStatus.Queued, null, delivery.Problem);
    }

    /// <summary>Files the outbox entries that are due and tells each employee their ticket's number; returns how many were filed.</summary>
    public async Task<int> DrainAsync(CancellationToken cancellationToken)
    {
        var due = await outbox.DueAsync(time.GetUtcNow(), DrainBatch, cancellationToken);
        var filed = 0;
        foreach (var entry in due)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var delivery = await DeliverAsync(entry.Draft.IdempotencyKey, cancellationToken);
            if (delivery is { FiledNow: true, Receipt: { } receipt, Draft: { } draft })
            {
                filed++;
                await NotifyAsync(draft, receipt, cancellationToken);
            }
        }

        return filed;
    }

    private TimeSpan AttemptDeadline => options.Value.Timeout * 2;

    private async Task<Delivery> DeliverAsync(string key, CancellationToken cancellationToken)
    {
        if (!await outbox.TryLeaseAsync(key, AttemptDeadline + LeaseMargin, cancellationToken))
        {
            // Another worker (or instance) has it right now, or just filed it.
            var other = await outbox.FindAsync(key, cancellationToken);
            return new Delivery(other?.Receipt, false, null, null);
        }

        // Read after leasing: this is the entry as it stands now, not as a possibly stale list showed it.
        var entry = await outbox.FindAsync(key, cancellationToken)
            ?? throw new InvalidOperationException($"Outbox entry {key} vanished while leased.");
        if (entry.Receipt is { } already)
        {
            return new Delivery(already, false, null, null);
        }

        TicketReceipt receipt;
        try
        {
            receipt = await FileAsync(entry, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping mid-attempt: it may have reached the system, so count it (the next attempt looks first) and
            // hand it straight back rather than leave it leased.
            await outbox.MarkRetryAsync(key, time.GetUtcNow(), "Cancelled: the bot stopped during the attempt", CancellationToken.None);
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Whatever the connector throws (HTTP errors, timeouts, its own bugs), the escalation stays queued.
            return await ScheduleRetryAsync(entry, ex);
        }

        await outbox.MarkFiledAsync(key, receipt, CancellationToken.None);
        logger.LogInformation(
            "Escalation {IdempotencyKey} filed as {TicketNumber} in {TicketSystem} (attempt {Attempt})",
            key, receipt.Number, receipt.System, entry.Attempts + 1);
        return new Delivery(receipt, true, null, entry.Draft);
    }

    private async Task<TicketReceipt> FileAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(AttemptDeadline, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);

        // An earlier attempt may have created the ticket and died before recording it: find it, don't file it twice.
        if (entry.Attempts > 0 && await system.FindAsync(entry.Draft.IdempotencyKey, linked.Token) is { } existing)
        {
            logger.LogInformation(
                "Escalation {IdempotencyKey} was already filed in {TicketSystem} by an earlier attempt", entry.Draft.IdempotencyKey, system.Name);
            return existing;
        }

        return await system.CreateAsync(entry.Draft, linked.Token);
    }

    private async Task<Delivery> ScheduleRetryAsync(OutboxEntry entry, Exception ex)
    {
        var key = entry.Draft.IdempotencyKey;
        var attempt = entry.Attempts + 1;
        var failure = ex is TicketSystemException known ? known.Failure : TicketSystemFailure.Unavailable;
        var wait = ex is TicketSystemException { Failure: TicketSystemFailure.Throttled, RetryAfter: { } retryAfter } && retryAfter > TimeSpan.Zero
            ? retryAfter
            : Backoff(attempt);
        var next = time.GetUtcNow() + wait;
        var reason = ex is OperationCanceledException ? "timed out" : ex.Message;
        await outbox.MarkRetryAsync(key, next, $"{failure}: {reason}", CancellationToken.None);

        // Credentials, permissions and rejected tickets need an administrator; outages and throttling pass.
        var level = failure is TicketSystemFailure.Unavailable or TicketSystemFailure.Throttled ? LogLevel.Warning : LogLevel.Error;
        logger.Log(
            level,
            ex,
            "Escalation {IdempotencyKey} not filed in {TicketSystem} ({Failure}: {Reason}); attempt {Attempt}, next at {NextAttemptAt}",
            key, system.Name, failure, reason, attempt, next);
        return new Delivery(null, false, ProblemFor(failure), null);
    }

    private TimeSpan Backoff(int attempt)
    {
        var max = options.Value.MaxRetryDelay;
        var doublings = Math.Min(attempt - 1, MaxBackoffDoublings);
        var delay = FirstRetryDelay * Math.Pow(2, doublings);
        return delay < max ? delay : max;
    }

    private async Task NotifyAsync(TicketDraft draft, TicketReceipt receipt, CancellationToken cancellationToken)
    {
        try
        {
            await notifier.TicketFiledAsync(draft, receipt, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The ticket is filed either way; a failed message must neither undo nor repeat the filing.
            logger.LogError(
                ex, "Escalation {IdempotencyKey} was filed as {TicketNumber} but the requester could not be told", draft.IdempotencyKey, receipt.Number);
        }
    }

    private static string ProblemFor(TicketSystemFailure failure) =>
        failure == TicketSystemFailure.Throttled ? BusyProblem : UnavailableProblem;

    // The outbox keeps "Failure: reason"; the employee only hears the kind.
    private static string ProblemFrom(string? lastError) =>
        lastError is not null && lastError.StartsWith(nameof(TicketSystemFailure.Throttled) + ":", StringComparison.Ordinal)
            ? BusyProblem
            : UnavailableProblem;

    private sealed record Delivery(TicketReceipt? Receipt, bool FiledNow, string? Problem, TicketDraft? Draft);
}
