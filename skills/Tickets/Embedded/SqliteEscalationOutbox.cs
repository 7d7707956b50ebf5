using System.Globalization;
using Microsoft.Data.Sqlite;
using static SupportBot.Skills.Tickets.Embedded.TicketDatabase;

namespace SupportBot.Skills.Tickets.Embedded;

/// <summary>
/// The escalation outbox in the ticket database (in every mode, whichever system files the tickets). Every bot
/// instance shares the file; a lease (an atomic conditional UPDATE) keeps two of them from delivering one entry at once.
/// </summary>
/// <remarks>
/// <see cref="OutboxEntry.Attempts"/> counts delivery attempts that began: each one that ended (filed or retry) and
/// each one abandoned mid-way (its lease expired and was taken over), so after a crash between "sent" and
/// "recorded" the next worker sees an attempt was made and looks the ticket up before creating it again.
/// </remarks>
public sealed class SqliteEscalationOutbox(TicketDatabase database, TimeProvider time) : IEscalationOutbox
{
    private const int MaxErrorLength = 500;

    public Task<OutboxEntry> AddAsync(TicketDraft draft, CancellationToken cancellationToken) =>
        database.WriteAsync(
            (c, tx) =>
            {
                var now = Time(time.GetUtcNow());
                Execute(
                    c,
                    tx,
                    """
                    INSERT INTO outbox (idempotency_key, draft, attempts, next_attempt_at, created_at)
                    VALUES (@key, @draft, 0, @now, @now)
                    ON CONFLICT (idempotency_key) DO NOTHING;
                    """,
                    ("@key", draft.IdempotencyKey),
                    ("@draft", ToJson(draft)),
                    ("@now", now));
                return Find(c, tx, draft.IdempotencyKey)!;
            },
            cancellationToken);

    public Task<OutboxEntry?> FindAsync(string idempotencyKey, CancellationToken cancellationToken) =>
        database.ReadAsync(c => Find(c, null, idempotencyKey), cancellationToken);

    public Task<IReadOnlyList<OutboxEntry>> DueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<OutboxEntry>>(
            c => Query(
                c,
                null,
                """
                SELECT * FROM outbox
                WHERE filed_at IS NULL AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until <= @now)
                ORDER BY created_at, rowid
                LIMIT @max;
                """,
                ReadEntry,
                ("@now", Time(now)),
                ("@max", max)),
            cancellationToken);

    public Task<bool> TryLeaseAsync(string idempotencyKey, TimeSpan lease, CancellationToken cancellationToken) =>
        database.WriteAsync(
            (c, tx) =>
            {
                var now = time.GetUtcNow();

                // One statement decides and takes the lease, so of two instances asking at once exactly one gets it.
                // A lease still set here was abandoned mid-attempt (a crash, a kill): that attempt counts.
                return Execute(
                    c,
                    tx,
                    """
                    UPDATE outbox
                    SET attempts = attempts + (CASE WHEN lease_until IS NULL THEN 0 ELSE 1 END), lease_until = @until
                    WHERE idempotency_key = @key AND filed_at IS NULL AND (lease_until IS NULL OR lease_until <= @now);
                    """,
                    ("@key", idempotencyKey),
                    ("@until", Time(now + lease)),
                    ("@now", Time(now))) == 1;
            },
            cancellationToken);

    public Task MarkFiledAsync(string idempotencyKey, TicketReceipt receipt, CancellationToken cancellationToken) =>
        database.WriteAsync(
            (c, tx) => Execute(
                c,
                tx,
                """
                UPDATE outbox
                SET receipt_number = @number, receipt_system = @system, receipt_url = @url, filed_at = @now,
                    attempts = attempts + 1, lease_until = NULL, last_error = NULL
                WHERE idempotency_key = @key AND filed_at IS NULL;
                """,
                ("@key", idempotencyKey),
                ("@number", receipt.Number),
                ("@system", receipt.System),
                ("@url", receipt.Url),
                ("@now", Time(time.GetUtcNow()))),
            cancellationToken);

    public Task MarkRetryAsync(string idempotencyKey, DateTimeOffset nextAttemptAt, string problem, CancellationToken cancellationToken) =>
        database.WriteAsync(
            (c, tx) => Execute(
                c,
                tx,
                """
                UPDATE outbox
                SET attempts = attempts + 1, next_attempt_at = @next, last_error = @problem, lease_until = NULL
                WHERE idempotency_key = @key AND filed_at IS NULL;
                """,
                ("@key", idempotencyKey),
                ("@next", Time(nextAttemptAt)),
                ("@problem", problem.Length > MaxErrorLength ? problem[..MaxErrorLength] : problem)),
            cancellationToken);

    public Task<int> PendingCountAsync(CancellationToken cancellationToken) =>
        database.ReadAsync(
            c => Convert.ToInt32(Scalar(c, null, "SELECT COUNT(*) FROM outbox WHERE filed_at IS NULL;"), CultureInfo.InvariantCulture),
            cancellationToken);

    private static OutboxEntry? Find(SqliteConnection connection, SqliteTransaction? transaction, string idempotencyKey) =>
        Query(connection, transaction, "SELECT * FROM outbox WHERE idempotency_key = @key;", ReadEntry, ("@key", idempotencyKey))
            .FirstOrDefault();

    private static OutboxEntry ReadEntry(SqliteDataReader r)
    {
        var number = ReadOptionalString(r, "receipt_number");
        return new OutboxEntry(
            FromJson<TicketDraft>(ReadString(r, "draft")),
            r.GetInt32(r.GetOrdinal("attempts")),
            ReadTime(r, "next_attempt_at"),
            ReadOptionalString(r, "last_error"),
            number is null ? null : new TicketReceipt(number, ReadOptionalString(r, "receipt_system") ?? string.Empty, ReadOptionalString(r, "receipt_url")));
    }
}
