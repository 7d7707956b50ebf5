using System.Globalization;
using Microsoft.Data.Sqlite;
using SupportBot.Skills.Conversation;
using static SupportBot.Skills.Tickets.Embedded.TicketDatabase;

namespace SupportBot.Skills.Tickets.Embedded;

/// <summary>
/// The embedded help desk: files tickets (as the <c>Embedded</c> ticket system) and is the queue technicians work
/// from. Every state change is decided and written inside one SQLite write transaction, so two technicians (or two
/// bot instances) racing for the same ticket get one winner and one "someone else has it".
/// </summary>
public sealed class EmbeddedTicketDesk(TicketDatabase database, TimeProvider time) : ITicketSystem, ITicketDesk
{
    public const string SystemName = "Embedded";
    public const string NumberPrefix = "SB-";

    // Numbers start at SB-1001 so the first ticket doesn't look like a test.
    private const long NumberOffset = 1000;

    // The console pages the queue; an unfiltered list of years of resolved tickets is never what anyone wants.
    private const int MaxListed = 500;
    private const int MaxForRequester = 50;

    private const string SelectTicket = "SELECT * FROM tickets";

    public string Name => SystemName;

    public Task<TicketReceipt?> FindAsync(string idempotencyKey, CancellationToken cancellationToken) =>
        database.ReadAsync(
            c => Scalar(c, null, "SELECT id FROM tickets WHERE idempotency_key = @key;", ("@key", idempotencyKey)) is long id
                ? Receipt(id)
                : null,
            cancellationToken);

    public Task<TicketReceipt> CreateAsync(TicketDraft draft, CancellationToken cancellationToken) =>
        database.WriteAsync(
            (c, tx) =>
            {
                // A second create with the same key (a retry whose first answer was lost) returns the first ticket.
                Execute(
                    c,
                    tx,
                    """
                    INSERT INTO tickets (
                        idempotency_key, state, priority, priority_reasons, category, title, description, summary,
                        requester_name, requester_directory_id, requester_email, channel_id, channel_user_id, conversation_reference,
                        created_at, relay_open, transcript, articles, actions, device_info)
                    VALUES (
                        @key, @state, @priority, @reasons, @category, @title, @description, @summary,
                        @name, @directoryId, @email, @channelId, @channelUserId, @reference,
                        @createdAt, 0, @transcript, @articles, @actions, @device)
                    ON CONFLICT (idempotency_key) DO NOTHING;
                    """,
                    ("@key", draft.IdempotencyKey),
                    ("@state", nameof(TicketState.New)),
                    ("@priority", (int)draft.Priority),
                    ("@reasons", ToJson(draft.PriorityReasons)),
                    ("@category", draft.Category),
                    ("@title", draft.Title),
                    ("@description", draft.Description),
                    ("@summary", draft.Summary),
                    ("@name", draft.Requester.DisplayName),
                    ("@directoryId", draft.Requester.DirectoryId),
                    ("@email", draft.Requester.Email),
                    ("@channelId", draft.Requester.ChannelId),
                    ("@channelUserId", draft.Requester.ChannelUserId),
                    ("@reference", draft.Requester.ConversationReference),
                    ("@createdAt", Time(draft.CreatedAt)),
                    ("@transcript", ToJson(draft.Transcript)),
                    ("@articles", ToJson(draft.Articles)),
                    ("@actions", ToJson(draft.Actions)),
                    ("@device", draft.DeviceInfo));
                var id = (long)Scalar(c, tx, "SELECT id FROM tickets WHERE idempotency_key = @key;", ("@key", draft.IdempotencyKey))!;
                return Receipt(id);
            },
            cancellationToken);

    public Task<IReadOnlyList<TicketRecord>> ListAsync(TicketFilter filter, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<TicketRecord>>(
            c => Query(
                c,
                null,
                $"""
                {SelectTicket}
                WHERE (@state IS NULL OR state = @state)
                  AND (@priority IS NULL OR priority = @priority)
                  AND (@category IS NULL OR category = @category COLLATE NOCASE)
                  AND (@assigned IS NULL OR assigned_user = @assigned COLLATE NOCASE)
                  AND (@search IS NULL
                       OR title LIKE @search ESCAPE '\'
                       OR description LIKE @search ESCAPE '\'
                       OR ('{NumberPrefix}' || (id + {NumberOffset})) LIKE @search ESCAPE '\')
                ORDER BY CASE state WHEN 'New' THEN 0 WHEN 'Claimed' THEN 1 ELSE 2 END, priority DESC, id
                LIMIT {MaxListed};
                """,
                ReadTicket,
                ("@state", filter.State?.ToString()),
                ("@priority", filter.Priority is { } p ? (int)p : null),
                ("@category", NullIfBlank(filter.Category)),
                ("@assigned", NullIfBlank(filter.AssignedTo)),
                ("@search", NullIfBlank(filter.Search) is { } search ? $"%{EscapeLike(search.Trim())}%" : null)),
            cancellationToken);

    public Task<TicketRecord?> GetAsync(string number, CancellationToken cancellationToken) =>
        TryParseNumber(number, out var id)
            ? database.ReadAsync(c => Find(c, null, id), cancellationToken)
            : Task.FromResult<TicketRecord?>(null);

    public Task<IReadOnlyList<TicketRecord>> ForRequesterAsync(string channelId, string channelUserId, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<TicketRecord>>(
            c => Query(
                c,
                null,
                $"{SelectTicket} WHERE channel_id = @channelId AND channel_user_id = @userId ORDER BY id DESC LIMIT {MaxForRequester};",
                ReadTicket,
                ("@channelId", channelId),
                ("@userId", channelUserId)),
            cancellationToken);

    public Task<DeskResult> ClaimAsync(string number, Technician technician, CancellationToken cancellationToken) =>
        ChangeAsync(number, (c, tx, id, ticket) =>
        {
            switch (ticket.State)
            {
                case TicketState.Resolved:
                    return new DeskResult(DeskOutcome.AlreadyResolved, ticket);
                case TicketState.Claimed when !IsHeldBy(ticket, technician):
                    return new DeskResult(DeskOutcome.ClaimedByOther, ticket);
                case TicketState.Claimed:
                    // Claiming again reopens a relay the technician ended earlier.
                    Execute(c, tx, "UPDATE tickets SET relay_open = 1 WHERE id = @id;", ("@id", id));
                    return Done(c, tx, id);
                default:
                    Execute(
                        c,
                        tx,
                        """
                        UPDATE tickets
                        SET state = 'Claimed', assigned_user = @user, assigned_name = @name, claimed_at = @now, relay_open = 1
                        WHERE id = @id AND state = 'New';
                        """,
                        ("@user", technician.UserName),
                        ("@name", technician.DisplayName),
                        ("@now", Time(time.GetUtcNow())),
                        ("@id", id));
                    return Done(c, tx, id);
            }
        }, cancellationToken);

    public Task<DeskResult> ResolveAsync(string number, Technician technician, string? note, CancellationToken cancellationToken) =>
        ChangeAsync(number, (c, tx, id, ticket) =>
        {
            if (ticket.State == TicketState.Resolved)
            {
                return new DeskResult(DeskOutcome.AlreadyResolved, ticket);
            }

            if (ticket.State == TicketState.Claimed && !IsHeldBy(ticket, technician))
            {
                return new DeskResult(DeskOutcome.ClaimedByOther, ticket);
            }

            // An unclaimed ticket resolved straight from the queue counts as claimed by whoever resolved it.
            var now = Time(time.GetUtcNow());
            Execute(
                c,
                tx,
                """
                UPDATE tickets
                SET state = 'Resolved',
                    assigned_user = COALESCE(assigned_user, @user),
                    assigned_name = COALESCE(assigned_name, @name),
                    claimed_at = COALESCE(claimed_at, @now),
                    resolved_at = @now,
                    resolution_note = @note,
                    relay_open = 0
                WHERE id = @id;
                """,
                ("@user", technician.UserName),
                ("@name", technician.DisplayName),
                ("@now", now),
                ("@note", note),
                ("@id", id));
            return Done(c, tx, id);
        }, cancellationToken);

    public Task<DeskResult> EndRelayAsync(string number, Technician technician, CancellationToken cancellationToken) =>
        ChangeAsync(number, (c, tx, id, ticket) =>
        {
            switch (ticket.State)
            {
                case TicketState.Resolved:
                    return new DeskResult(DeskOutcome.AlreadyResolved, ticket);
                case TicketState.New:
                    return new DeskResult(DeskOutcome.NotClaimed, ticket);
                case TicketState.Claimed when !IsHeldBy(ticket, technician):
                    return new DeskResult(DeskOutcome.ClaimedByOther, ticket);
                default:
                    Execute(c, tx, "UPDATE tickets SET relay_open = 0 WHERE id = @id;", ("@id", id));
                    return Done(c, tx, id);
            }
        }, cancellationToken);

    /// <summary>Adds a message to the ticket's conversation.</summary>
    /// <exception cref="KeyNotFoundException">No ticket has that number (callers look the ticket up first).</exception>
    public async Task<TicketMessage> AddMessageAsync(string number, Speaker from, string author, string text, CancellationToken cancellationToken)
    {
        var message = TryParseNumber(number, out var id)
            ? await database.WriteAsync<TicketMessage?>(
                (c, tx) =>
                {
                    if (Scalar(c, tx, "SELECT id FROM tickets WHERE id = @id;", ("@id", id)) is null)
                    {
                        return null;
                    }

                    var at = time.GetUtcNow();
                    var messageId = (long)Scalar(
                        c,
                        tx,
                        "INSERT INTO messages (ticket_id, speaker, author, text, at) VALUES (@id, @speaker, @author, @text, @at) RETURNING id;",
                        ("@id", id),
                        ("@speaker", from.ToString()),
                        ("@author", author),
                        ("@text", text),
                        ("@at", Time(at)))!;
                    return new TicketMessage(messageId, FormatNumber(id), from, author, text, at);
                },
                cancellationToken)
            : null;
        return message ?? throw new KeyNotFoundException("There is no ticket with that number.");
    }

    public Task<IReadOnlyList<TicketMessage>> MessagesAsync(string number, CancellationToken cancellationToken) =>
        TryParseNumber(number, out var id)
            ? database.ReadAsync<IReadOnlyList<TicketMessage>>(
                c => Query(
                    c,
                    null,
                    "SELECT id, speaker, author, text, at FROM messages WHERE ticket_id = @id ORDER BY id;",
                    r => new TicketMessage(
                        r.GetInt64(r.GetOrdinal("id")),
                        FormatNumber(id),
                        Enum.Parse<Speaker>(ReadString(r, "speaker")),
                        ReadString(r, "author"),
                        ReadString(r, "text"),
                        ReadTime(r, "at")),
                    ("@id", id)),
                cancellationToken)
            : Task.FromResult<IReadOnlyList<TicketMessage>>([]);

    // Every message an employee sends asks whether a technician is chatting with them; almost never. The requesters
    // with an open relay are kept in memory and read again only when the database has changed since.
    private readonly Lock _relaysGate = new();
    private long _relaysVersion = -1;
    private HashSet<(string ChannelId, string UserId)> _openRelays = [];

    public async Task<TicketRecord?> OpenRelayForAsync(string channelId, string channelUserId, CancellationToken cancellationToken)
    {
        if (!await MayHaveOpenRelayAsync(channelId, channelUserId, cancellationToken))
        {
            return null;
        }

        return await OpenRelayQueryAsync(channelId, channelUserId, cancellationToken);
    }

    private async Task<bool> MayHaveOpenRelayAsync(string channelId, string channelUserId, CancellationToken cancellationToken)
    {
        var version = database.DataVersion();
        lock (_relaysGate)
        {
            if (version == _relaysVersion)
            {
                return _openRelays.Contains((channelId, channelUserId));
            }
        }

        var open = await database.ReadAsync(
            c => Query(
                c,
                null,
                "SELECT channel_id, channel_user_id FROM tickets WHERE state = 'Claimed' AND relay_open = 1;",
                r => (r.GetString(0), r.GetString(1))).ToHashSet(),
            cancellationToken);
        lock (_relaysGate)
        {
            // Read after the version: a change in between only makes the next call read again.
            (_openRelays, _relaysVersion) = (open, version);
            return open.Contains((channelId, channelUserId));
        }
    }

    private Task<TicketRecord?> OpenRelayQueryAsync(string channelId, string channelUserId, CancellationToken cancellationToken) =>
        database.ReadAsync(
            c => Query(
                c,
                null,
                $"""
                {SelectTicket}
                WHERE channel_id = @channelId AND channel_user_id = @userId AND state = 'Claimed' AND relay_open = 1
                ORDER BY id DESC LIMIT 1;
                """,
                ReadTicket,
                ("@channelId", channelId),
                ("@userId", channelUserId)).FirstOrDefault(),
            cancellationToken);

    public Task<DeskResult> RateAsync(string number, string channelUserId, int rating, CancellationToken cancellationToken) =>
        ChangeAsync(number, (c, tx, id, ticket) =>
        {
            if (!string.Equals(ticket.Requester.ChannelUserId, channelUserId, StringComparison.Ordinal))
            {
                // Not theirs: say nothing about someone else's ticket.
                return new DeskResult(DeskOutcome.Invalid);
            }

            if (rating is < 1 or > 5 || ticket.State != TicketState.Resolved || ticket.Rating is not null)
            {
                return new DeskResult(DeskOutcome.Invalid, ticket);
            }

            Execute(c, tx, "UPDATE tickets SET rating = @rating WHERE id = @id AND rating IS NULL;", ("@rating", rating), ("@id", id));
            return Done(c, tx, id);
        }, cancellationToken);

    /// <summary>The ticket number for <paramref name="id"/>, e.g. <c>SB-1001</c>.</summary>
    public static string FormatNumber(long id) => NumberPrefix + (id + NumberOffset).ToString(CultureInfo.InvariantCulture);

    /// <summary>Reads <c>SB-1001</c> (any case, surrounding spaces ignored); false for anything else.</summary>
    public static bool TryParseNumber(string? number, out long id)
    {
        id = 0;
        var text = number?.Trim();
        if (text is null || !text.StartsWith(NumberPrefix, StringComparison.OrdinalIgnoreCase)
            || !long.TryParse(text.AsSpan(NumberPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            || value <= NumberOffset)
        {
            return false;
        }

        id = value - NumberOffset;
        return true;
    }

    private static TicketReceipt Receipt(long id) => new(FormatNumber(id), SystemName);

    private static bool IsHeldBy(TicketRecord ticket, Technician technician) =>
        string.Equals(ticket.AssignedTo?.UserName, technician.UserName, StringComparison.OrdinalIgnoreCase);

    private static DeskResult Done(SqliteConnection connection, SqliteTransaction transaction, long id) =>
        new(DeskOutcome.Done, Find(connection, transaction, id));

    private Task<DeskResult> ChangeAsync(
        string number,
        Func<SqliteConnection, SqliteTransaction, long, TicketRecord, DeskResult> change,
        CancellationToken cancellationToken) =>
        TryParseNumber(number, out var id)
            ? database.WriteAsync(
                (c, tx) => Find(c, tx, id) is { } ticket ? change(c, tx, id, ticket) : new DeskResult(DeskOutcome.NotFound),
                cancellationToken)
            : Task.FromResult(new DeskResult(DeskOutcome.NotFound));

    private static TicketRecord? Find(SqliteConnection connection, SqliteTransaction? transaction, long id) =>
        Query(connection, transaction, $"{SelectTicket} WHERE id = @id;", ReadTicket, ("@id", id)).FirstOrDefault();

    private static TicketRecord ReadTicket(SqliteDataReader r)
    {
        var assignedUser = ReadOptionalString(r, "assigned_user");
        return new TicketRecord
        {
            Number = FormatNumber(r.GetInt64(r.GetOrdinal("id"))),
            State = Enum.Parse<TicketState>(ReadString(r, "state")),
            Priority = (TicketPriority)r.GetInt32(r.GetOrdinal("priority")),
            PriorityReasons = FromJson<List<string>>(ReadString(r, "priority_reasons")),
            Category = ReadString(r, "category"),
            Title = ReadString(r, "title"),
            Description = ReadString(r, "description"),
            Summary = ReadString(r, "summary"),
            Requester = new Requester(
                ReadString(r, "requester_name"),
                ReadOptionalString(r, "requester_directory_id"),
                ReadOptionalString(r, "requester_email"),
                ReadString(r, "channel_id"),
                ReadString(r, "channel_user_id"),
                ReadOptionalString(r, "conversation_reference")),
            AssignedTo = assignedUser is null ? null : new Technician(assignedUser, ReadOptionalString(r, "assigned_name") ?? assignedUser),
            CreatedAt = ReadTime(r, "created_at"),
            ClaimedAt = ReadOptionalTime(r, "claimed_at"),
            ResolvedAt = ReadOptionalTime(r, "resolved_at"),
            ResolutionNote = ReadOptionalString(r, "resolution_note"),
            Rating = ReadOptionalInt64(r, "rating") is { } rating ? (int)rating : null,
            RelayOpen = r.GetInt64(r.GetOrdinal("relay_open")) != 0,
            Transcript = FromJson<List<TranscriptLine>>(ReadString(r, "transcript")),
            Articles = FromJson<List<ArticleShown>>(ReadString(r, "articles")),
            Actions = FromJson<List<ActionTried>>(ReadString(r, "actions")),
            DeviceInfo = ReadOptionalString(r, "device_info"),
        };
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string EscapeLike(string value) =>
        value.Replace(@"\", @"\\", StringComparison.Ordinal)
            .Replace("%", @"\%", StringComparison.Ordinal)
            .Replace("_", @"\_", StringComparison.Ordinal);
}
