using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Data.Sqlite;

namespace SupportBot.Skills.Tickets.Embedded;

/// <summary>
/// The embedded help desk's SQLite file: tickets, their messages and the escalation outbox. Opening it creates the
/// folder, switches the file to WAL (readers never wait for a writer) and brings the schema up to date.
/// Every bot instance on the machine may open the same file; SQLite's locking keeps their writes apart.
/// </summary>
public sealed class TicketDatabase : IDisposable
{
    private const int BusyTimeoutMilliseconds = 10_000;

    // Each script moves the schema one version on; never edit a shipped script, add the next one.
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE tickets (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            idempotency_key TEXT NOT NULL UNIQUE,
            state TEXT NOT NULL,
            priority INTEGER NOT NULL,
            priority_reasons TEXT NOT NULL,
            category TEXT NOT NULL,
            title TEXT NOT NULL,
            description TEXT NOT NULL,
            summary TEXT NOT NULL,
            requester_name TEXT NOT NULL,
            requester_directory_id TEXT,
            requester_email TEXT,
            channel_id TEXT NOT NULL,
            channel_user_id TEXT NOT NULL,
            conversation_reference TEXT,
            assigned_user TEXT,
            assigned_name TEXT,
            created_at TEXT NOT NULL,
            claimed_at TEXT,
            resolved_at TEXT,
            resolution_note TEXT,
            rating INTEGER,
            relay_open INTEGER NOT NULL DEFAULT 0,
            transcript TEXT NOT NULL,
            articles TEXT NOT NULL,
            actions TEXT NOT NULL,
            device_info TEXT
        );
        CREATE INDEX ix_tickets_requester ON tickets (channel_id, channel_user_id, id);
        CREATE INDEX ix_tickets_queue ON tickets (state, priority, id);

        CREATE TABLE messages (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            ticket_id INTEGER NOT NULL REFERENCES tickets (id),
            speaker TEXT NOT NULL,
            author TEXT NOT NULL,
            text TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE INDEX ix_messages_ticket ON messages (ticket_id, id);

        CREATE TABLE outbox (
            idempotency_key TEXT PRIMARY KEY,
            draft TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            last_error TEXT,
            lease_until TEXT,
            receipt_number TEXT,
            receipt_system TEXT,
            receipt_url TEXT,
            created_at TEXT NOT NULL,
            filed_at TEXT
        );
        CREATE INDEX ix_outbox_due ON outbox (filed_at, next_attempt_at);
        """,
    ];

    private readonly string _connectionString;

    /// <summary>Opens (creating when missing) the database at <paramref name="path"/> and migrates its schema.</summary>
    public TicketDatabase(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = BusyTimeoutMilliseconds / 1000,
        }.ToString();
        Migrate();
    }

    public string Path { get; }

    /// <summary>The schema version this build creates.</summary>
    public static int SchemaVersion => Migrations.Length;

    internal static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly Lock _watchGate = new();
    private SqliteConnection? _watch;
    private SqliteCommand? _dataVersion;

    /// <summary>
    /// A number that changes whenever anyone (another connection, another instance sharing the file) commits a change
    /// to the database: SQLite's data_version, read on a connection of its own that never writes. Lets a hot read be
    /// answered from memory until something changed.
    /// </summary>
    internal long DataVersion()
    {
        lock (_watchGate)
        {
            if (_dataVersion is null)
            {
                _watch = new SqliteConnection(_connectionString);
                _watch.Open();
                _dataVersion = _watch.CreateCommand();
                _dataVersion.CommandText = "PRAGMA data_version;";
                _dataVersion.Prepare();
            }

            return (long)_dataVersion.ExecuteScalar()!;
        }
    }

    public void Dispose()
    {
        lock (_watchGate)
        {
            _dataVersion?.Dispose();
            _dataVersion = null;
            _watch?.Dispose();
            _watch = null;
        }
    }

    internal async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            Execute(connection, null, $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds};");
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a write transaction taken up front (BEGIN IMMEDIATE), so a read-then-update
    /// decision (is it still New?) cannot interleave with another writer, in this process or another.
    /// </summary>
    internal async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        using var transaction = connection.BeginTransaction(deferred: false);
        var result = work(connection, transaction);
        transaction.Commit();
        return result;
    }

    internal async Task<T> ReadAsync<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return work(connection);
    }

    internal static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        // Callers pass constant SQL: every value travels as a parameter, never inside the text.
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    internal static int Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return command.ExecuteNonQuery();
    }

    internal static object? Scalar(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        var value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    internal static List<T> Query<T>(SqliteConnection connection, SqliteTransaction? transaction, string sql, Func<SqliteDataReader, T> read, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    // Times are stored as UTC round-trip text: fixed width, so they sort and compare as strings.
    internal static string Time(DateTimeOffset value) => value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    internal static DateTimeOffset ReadTime(SqliteDataReader reader, string column) =>
        DateTimeOffset.Parse(reader.GetString(reader.GetOrdinal(column)), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    internal static DateTimeOffset? ReadOptionalTime(SqliteDataReader reader, string column) =>
        ReadOptionalString(reader, column) is { } text
            ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)
            : null;

    internal static string ReadString(SqliteDataReader reader, string column) => reader.GetString(reader.GetOrdinal(column));

    internal static string? ReadOptionalString(SqliteDataReader reader, string column)
    {
        var ordinal = reader.GetOrdinal(column);
        return reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
    }

    internal static long? ReadOptionalInt64(SqliteDataReader reader, string column)
    {
        var ordinal = reader.GetOrdinal(column);
        return reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);
    }

    internal static string ToJson<T>(T value) => JsonSerializer.Serialize(value, Json);

    internal static T FromJson<T>(string json) => JsonSerializer.Deserialize<T>(json, Json)
        ?? throw new InvalidDataException($"The ticket database holds a null {typeof(T).Name}.");

    private void Migrate()
    {
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, null, $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds};");

        // WAL is a property of the file (it persists) and cannot be switched inside a transaction.
        Execute(connection, null, "PRAGMA journal_mode = WAL;");

        // Two instances starting together: the immediate transaction lets one migrate while the other waits.
        using var transaction = connection.BeginTransaction(deferred: false);
        Execute(connection, transaction, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);");
        var current = Convert.ToInt32(Scalar(connection, transaction, "SELECT MAX(version) FROM schema_version;") ?? 0L, CultureInfo.InvariantCulture);
        if (current > Migrations.Length)
        {
            throw new InvalidOperationException(
                $"The ticket database {Path} has schema version {current}, newer than this build knows ({Migrations.Length}). Run the newer build or restore a backup.");
        }

        for (var version = current + 1; version <= Migrations.Length; version++)
        {
            Execute(connection, transaction, Migrations[version - 1]);
            Execute(connection, transaction, "DELETE FROM schema_version;");
            Execute(connection, transaction, "INSERT INTO schema_version (version) VALUES (@version);", ("@version", version));
        }

        transaction.Commit();
    }
}
