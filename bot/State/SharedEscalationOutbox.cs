using SupportBot.Skills.Tickets;
using SupportBot.Skills.Tickets.Embedded;

namespace SupportBot.Bot.State;

/// <summary>
/// The outbox of a scaled-out bot: escalations go to Redis, shared by every instance; one written while Redis is
/// unreachable goes to this instance's SQLite outbox instead, so it is never lost, and stays there until filed. The
/// drainer reads both.
/// </summary>
public sealed class SharedEscalationOutbox(
    RedisEscalationOutbox redis,
    SqliteEscalationOutbox local,
    RedisConnection connection,
    ILogger<SharedEscalationOutbox> logger) : IEscalationOutbox
{
    public async Task<OutboxEntry> AddAsync(TicketDraft draft, CancellationToken cancellationToken)
    {
        // Kept locally during an outage: a redelivery afterwards must find it there, not add it to Redis a second time.
        if (await local.FindAsync(draft.IdempotencyKey, cancellationToken) is { } kept)
        {
            return kept;
        }

        return await connection.RunAsync(
            _ => redis.AddAsync(draft, cancellationToken),
            () =>
            {
                logger.LogWarning(
                    "Escalation {IdempotencyKey} kept in this instance's outbox: Redis is unreachable", draft.IdempotencyKey);
                return local.AddAsync(draft, cancellationToken);
            });
    }

    public async Task<OutboxEntry?> FindAsync(string idempotencyKey, CancellationToken cancellationToken) =>
        await local.FindAsync(idempotencyKey, cancellationToken) ??
        await connection.RunAsync(_ => redis.FindAsync(idempotencyKey, cancellationToken), () => Task.FromResult<OutboxEntry?>(null));

    public async Task<IReadOnlyList<OutboxEntry>> DueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        var kept = await local.DueAsync(now, max, cancellationToken);
        var shared = await connection.RunAsync(
            _ => redis.DueAsync(now, max, cancellationToken),
            () => Task.FromResult<IReadOnlyList<OutboxEntry>>([]));
        return [.. kept.Concat(shared).OrderBy(e => e.NextAttemptAt).Take(max)];
    }

    public async Task<bool> TryLeaseAsync(string idempotencyKey, TimeSpan lease, CancellationToken cancellationToken) =>
        await IsLocalAsync(idempotencyKey, cancellationToken)
            ? await local.TryLeaseAsync(idempotencyKey, lease, cancellationToken)
            : await connection.RunAsync(_ => redis.TryLeaseAsync(idempotencyKey, lease, cancellationToken), () => Task.FromResult(false));

    public async Task MarkFiledAsync(string idempotencyKey, TicketReceipt receipt, CancellationToken cancellationToken)
    {
        if (await IsLocalAsync(idempotencyKey, cancellationToken))
        {
            await local.MarkFiledAsync(idempotencyKey, receipt, cancellationToken);
            return;
        }

        // Redis went away between the lease and now: the lease runs out, and the attempt it recorded makes the next
        // worker look the ticket up before creating one.
        await connection.RunAsync(
            _ => redis.MarkFiledAsync(idempotencyKey, receipt, cancellationToken),
            () =>
            {
                logger.LogWarning(
                    "Escalation {IdempotencyKey} was filed as {TicketNumber} but Redis could not record it; the next attempt will find the ticket",
                    idempotencyKey,
                    receipt.Number);
                return Task.CompletedTask;
            });
    }

    public async Task MarkRetryAsync(string idempotencyKey, DateTimeOffset nextAttemptAt, string problem, CancellationToken cancellationToken)
    {
        if (await IsLocalAsync(idempotencyKey, cancellationToken))
        {
            await local.MarkRetryAsync(idempotencyKey, nextAttemptAt, problem, cancellationToken);
            return;
        }

        // Unrecorded, the entry stays due in Redis and is retried once its lease runs out.
        await connection.RunAsync(_ => redis.MarkRetryAsync(idempotencyKey, nextAttemptAt, problem, cancellationToken), () => Task.CompletedTask);
    }

    public async Task<int> PendingCountAsync(CancellationToken cancellationToken) =>
        await local.PendingCountAsync(cancellationToken) +
        await connection.RunAsync(_ => redis.PendingCountAsync(cancellationToken), () => Task.FromResult(0));

    private async Task<bool> IsLocalAsync(string idempotencyKey, CancellationToken cancellationToken) =>
        await local.FindAsync(idempotencyKey, cancellationToken) is not null;
}
