using System.Globalization;
using Microsoft.Data.Sqlite;

namespace SupportBot.Skills.Insights;

/// <summary>
/// The insights SQLite file: one row per conversation (per day, by opaque key) and one per question, feedback, action
/// and escalation in it. WAL and a busy timeout let several bot instances share the file; each batch is one
/// immediate transaction.
/// </summary>
public sealed class InsightsStore
{
    private const int BusyTimeoutMilliseconds = 10_000;

    // Each script moves the schema one version on; never edit a shipped script, add the next one.
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE conversations (
            key TEXT PRIMARY KEY,
            day TEXT NOT NULL,
            channel TEXT NOT NULL,
            first_at TEXT NOT NULL,
            last_at TEXT NOT NULL
        );
        CREATE INDEX ix_conversations_day ON conversations (day);

        CREATE TABLE questions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            conversation TEXT NOT NULL,
            day TEXT NOT NULL,
            at TEXT NOT NULL,
            text TEXT NOT NULL,
            terms TEXT NOT NULL,
            outcome TEXT NOT NULL,
            article_id TEXT,
            category TEXT
        );
        CREATE INDEX ix_questions_day ON questions (day, outcome);
        CREATE INDEX ix_questions_conversation ON questions (conversation);

        CREATE TABLE feedback (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            conversation TEXT NOT NULL,
            day TEXT NOT NULL,
            at TEXT NOT NULL,
            article_id TEXT NOT NULL,
            helpful INTEGER NOT NULL,
            question TEXT,
            terms TEXT
        );
        CREATE INDEX ix_feedback_day ON feedback (day);
        CREATE INDEX ix_feedback_conversation ON feedback (conversation, helpful);

        CREATE TABLE actions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            conversation TEXT NOT NULL,
            day TEXT NOT NULL,
            at TEXT NOT NULL,
            action_id TEXT NOT NULL,
            outcome TEXT NOT NULL
        );
        CREATE INDEX ix_actions_day ON actions (day);
        CREATE INDEX ix_actions_conversation ON actions (conversation, outcome);

        CREATE TABLE escalations (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            conversation TEXT NOT NULL,
            day TEXT NOT NULL,
            at TEXT NOT NULL,
            category TEXT NOT NULL,
            ticket_created INTEGER NOT NULL
        );
        CREATE INDEX ix_escalations_day ON escalations (day);
        CREATE INDEX ix_escalations_conversation ON escalations (conversation, category);
        """,
    ];

    private static readonly string[] Purges =
    [
        "DELETE FROM questions WHERE day < @cutoff;",
        "DELETE FROM feedback WHERE day < @cutoff;",
        "DELETE FROM actions WHERE day < @cutoff;",
        "DELETE FROM escalations WHERE day < @cutoff;",
        "DELETE FROM conversations WHERE day < @cutoff;",
    ];

    private readonly string _connectionString;

    /// <summary>Opens (creating when missing) the database at <paramref name="path"/> and migrates its schema.</summary>
    public InsightsStore(string path)
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

    /// <summary>Writes a batch of events in one transaction; question text is redacted and shortened here, off the turn.</summary>
    public void Write(IReadOnlyList<InsightEvent> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        using var connection = Open();
        using var transaction = connection.BeginTransaction(deferred: false);
        using var conversation = Command(connection, transaction,
            """
            INSERT INTO conversations (key, day, channel, first_at, last_at) VALUES (@key, @day, @channel, @at, @at)
            ON CONFLICT (key) DO UPDATE SET
                first_at = MIN(first_at, excluded.first_at),
                last_at = MAX(last_at, excluded.last_at);
            """);
        // Questions are nearly every event: one prepared statement for the batch, and the same wording is redacted
        // and analysed once per batch.
        using var questions = Command(connection, transaction,
            "INSERT INTO questions (conversation, day, at, text, terms, outcome, article_id, category) VALUES (@c, @day, @at, @text, @terms, @outcome, @article, @category);");
        var prepared = new Dictionary<(string Text, string Names), (string Text, string Terms)>();
        // One upsert per conversation in the batch (its earliest and latest event), not one per event.
        foreach (var group in batch.GroupBy(i => i.ConversationKey, StringComparer.Ordinal))
        {
            var first = group.MinBy(i => i.At)!;
            Run(conversation, ("@key", group.Key), ("@day", Day(first.At)), ("@channel", first.Channel), ("@at", Time(first.At)));
            var latest = group.Max(i => i.At);
            if (latest != first.At)
            {
                Run(conversation, ("@key", group.Key), ("@day", Day(first.At)), ("@channel", first.Channel), ("@at", Time(latest)));
            }
        }

        foreach (var insight in batch)
        {
            var day = Day(insight.At);
            var at = Time(insight.At);
            switch (insight)
            {
                case QuestionAsked question:
                    var names = question.KnownNames is { Count: > 0 } known ? string.Join('\n', known) : string.Empty;
                    if (!prepared.TryGetValue((question.Text, names), out var stored))
                    {
                        var text = QuestionText.ForStorage(question.Text, question.KnownNames);
                        stored = prepared[(question.Text, names)] = (text, QuestionText.Terms(text));
                    }

                    Run(questions, ("@c", insight.ConversationKey), ("@day", day), ("@at", at), ("@text", stored.Text), ("@terms", stored.Terms),
                        ("@outcome", question.Outcome.ToString()), ("@article", question.ArticleId), ("@category", question.Category));
                    break;
                case FeedbackGiven feedback:
                    var asked = feedback.Question is { Length: > 0 } q ? QuestionText.ForStorage(q, feedback.KnownNames) : null;
                    Execute(connection, transaction,
                        "INSERT INTO feedback (conversation, day, at, article_id, helpful, question, terms) VALUES (@c, @day, @at, @article, @helpful, @question, @terms);",
                        ("@c", insight.ConversationKey), ("@day", day), ("@at", at), ("@article", feedback.ArticleId), ("@helpful", feedback.Helpful ? 1 : 0),
                        ("@question", asked), ("@terms", asked is null ? null : QuestionText.Terms(asked)));
                    break;
                case ActionRun action:
                    Execute(connection, transaction,
                        "INSERT INTO actions (conversation, day, at, action_id, outcome) VALUES (@c, @day, @at, @action, @outcome);",
                        ("@c", insight.ConversationKey), ("@day", day), ("@at", at), ("@action", action.ActionId), ("@outcome", action.Outcome));
                    break;
                case Escalated escalated:
                    Execute(connection, transaction,
                        "INSERT INTO escalations (conversation, day, at, category, ticket_created) VALUES (@c, @day, @at, @category, @created);",
                        ("@c", insight.ConversationKey), ("@day", day), ("@at", at), ("@category", escalated.Category), ("@created", escalated.TicketCreated ? 1 : 0));
                    break;
            }
        }

        transaction.Commit();
    }

    /// <summary>Deletes everything from days before <paramref name="firstDayKept"/>; returns the rows deleted.</summary>
    public int DeleteBefore(DateOnly firstDayKept)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction(deferred: false);
        var cutoff = firstDayKept.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var deleted = Purges.Sum(sql => Execute(connection, transaction, sql, ("@cutoff", cutoff)));
        transaction.Commit();
        return deleted;
    }

    /// <summary>Runs a read on a connection of its own (readers never wait for the writer in WAL mode).</summary>
    internal T Read<T>(Func<SqliteConnection, T> work)
    {
        using var connection = Open();
        return work(connection);
    }

    internal static List<T> Query<T>(SqliteConnection connection, string sql, Func<SqliteDataReader, T> read, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, null, sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    internal static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    internal static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset value) => value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            Execute(connection, null, $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds};");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;

        // Callers pass constant SQL: every value travels as a parameter, never inside the text.
        command.CommandText = sql;
        return command;
    }

    private static void Run(SqliteCommand command, params (string Name, object? Value)[] parameters)
    {
        command.Parameters.Clear();
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        command.ExecuteNonQuery();
    }

    private static int Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command.ExecuteNonQuery();
    }

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
        using var read = Command(connection, transaction, "SELECT MAX(version) FROM schema_version;");
        var current = read.ExecuteScalar() is long version ? (int)version : 0;
        if (current > Migrations.Length)
        {
            throw new InvalidOperationException(
                $"The insights database {Path} has schema version {current}, newer than this build knows ({Migrations.Length}). Run the newer build or set Insights:DatabaseFile to another file.");
        }

        for (var next = current + 1; next <= Migrations.Length; next++)
        {
            Execute(connection, transaction, Migrations[next - 1]);
            Execute(connection, transaction, "DELETE FROM schema_version;");
            Execute(connection, transaction, "INSERT INTO schema_version (version) VALUES (@version);", ("@version", next));
        }

        transaction.Commit();
    }
}
