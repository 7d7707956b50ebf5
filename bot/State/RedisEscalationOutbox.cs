using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using SupportBot.Skills.Tickets;

namespace SupportBot.Bot.State;

/// <summary>
/// The escalation outbox in Redis, shared by every instance, so a replica that is scaled in leaves nothing unfiled
/// behind. An entry is a hash; unfiled entries sit in a sorted set scored by their next attempt; a lease is a
/// <c>SET NX PX</c> key, so of the instances draining at once exactly one files each entry. Filed entries are kept
/// for <see cref="StateOptions.TimeToLive"/>, as long as the conversation state that numbers the escalations.
/// </summary>
/// <remarks>
/// As in the SQLite outbox, <see cref="OutboxEntry.Attempts"/> counts attempts that began, including one whose
/// lease ran out mid-way (the hash keeps a <c>leased</c> mark until the attempt is recorded), so the next worker looks
/// the ticket up before creating it again.
/// </remarks>
public sealed class RedisEscalationOutbox(IConnectionMultiplexer redis, IOptions<StateOptions> options, TimeProvider time) : IEscalationOutbox
{
    private const int MaxErrorLength = 500;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    // KEYS: entry, due. ARGV: key, draft, now (ms). Adds the entry unless it exists; returns it either way.
    private const string AddScript = """
        if redis.call('EXISTS', KEYS[1]) == 0 then
          redis.call('HSET', KEYS[1], 'draft', ARGV[2], 'attempts', 0, 'next', ARGV[3])
          redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
        end
        return redis.call('HGETALL', KEYS[1])
        """;

    // KEYS: entry, lease. ARGV: lease (ms). Takes the lease of an unfiled entry; a leftover 'leased' mark is an abandoned attempt.
    private const string LeaseScript = """
        if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HEXISTS', KEYS[1], 'receipt') == 1 then
          return 0
        end
        if not redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[1]) then
          return 0
        end
        if redis.call('HEXISTS', KEYS[1], 'leased') == 1 then
          redis.call('HINCRBY', KEYS[1], 'attempts', 1)
        end
        redis.call('HSET', KEYS[1], 'leased', 1)
        return 1
        """;

    // KEYS: entry, due, lease. ARGV: key, receipt, retention (ms).
    private const string FiledScript = """
        if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HEXISTS', KEYS[1], 'receipt') == 1 then
          return 0
        end
        redis.call('HSET', KEYS[1], 'receipt', ARGV[2])
        redis.call('HINCRBY', KEYS[1], 'attempts', 1)
        redis.call('HDEL', KEYS[1], 'leased', 'error')
        redis.call('ZREM', KEYS[2], ARGV[1])
        redis.call('DEL', KEYS[3])
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        return 1
        """;

    // KEYS: entry, due, lease. ARGV: key, next (ms), problem.
    private const string RetryScript = """
        if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HEXISTS', KEYS[1], 'receipt') == 1 then
          return 0
        end
        redis.call('HINCRBY', KEYS[1], 'attempts', 1)
        redis.call('HSET', KEYS[1], 'next', ARGV[2], 'error', ARGV[3])
        redis.call('HDEL', KEYS[1], 'leased')
        redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
        redis.call('DEL', KEYS[3])
        return 1
        """;

    private string Prefix => options.Value.KeyPrefix + "outbox:";

    private RedisKey Due => Prefix + "due";

    public async Task<OutboxEntry> AddAsync(TicketDraft draft, CancellationToken cancellationToken)
    {
        var key = draft.IdempotencyKey;
        var result = await Database.ScriptEvaluateAsync(
            AddScript,
            [Entry(key), Due],
            [key, JsonSerializer.Serialize(draft, Json), Milliseconds(time.GetUtcNow())]).WaitAsync(cancellationToken).ConfigureAwait(false);
        return Read(((RedisResult[])result!).Chunk(2).ToDictionary(p => (string)p[0]!, p => (RedisValue)p[1]));
    }

    public async Task<OutboxEntry?> FindAsync(string idempotencyKey, CancellationToken cancellationToken)
    {
        var fields = await Database.HashGetAllAsync(Entry(idempotencyKey)).WaitAsync(cancellationToken).ConfigureAwait(false);
        return fields.Length == 0 ? null : Read(fields.ToDictionary(f => (string)f.Name!, f => f.Value));
    }

    public async Task<IReadOnlyList<OutboxEntry>> DueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        var db = Database;
        var keys = await db.SortedSetRangeByScoreAsync(Due, double.NegativeInfinity, Milliseconds(now), take: max)
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        var entries = new List<OutboxEntry>(keys.Length);
        foreach (var key in keys)
        {
            // Being delivered by another worker right now: not due for this one.
            if (await db.KeyExistsAsync(Lease(key!)).WaitAsync(cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            if (await FindAsync(key!, cancellationToken).ConfigureAwait(false) is { Receipt: null } entry)
            {
                entries.Add(entry);
            }
        }

        return entries;
    }

    public async Task<bool> TryLeaseAsync(string idempotencyKey, TimeSpan lease, CancellationToken cancellationToken) =>
        (int)await Database.ScriptEvaluateAsync(
            LeaseScript,
            [Entry(idempotencyKey), Lease(idempotencyKey)],
            [(long)lease.TotalMilliseconds]).WaitAsync(cancellationToken).ConfigureAwait(false) == 1;

    public Task MarkFiledAsync(string idempotencyKey, TicketReceipt receipt, CancellationToken cancellationToken) =>
        Database.ScriptEvaluateAsync(
            FiledScript,
            [Entry(idempotencyKey), Due, Lease(idempotencyKey)],
            [idempotencyKey, JsonSerializer.Serialize(receipt, Json), (long)options.Value.TimeToLive.TotalMilliseconds]).WaitAsync(cancellationToken);

    public Task MarkRetryAsync(string idempotencyKey, DateTimeOffset nextAttemptAt, string problem, CancellationToken cancellationToken) =>
        Database.ScriptEvaluateAsync(
            RetryScript,
            [Entry(idempotencyKey), Due, Lease(idempotencyKey)],
            [idempotencyKey, Milliseconds(nextAttemptAt), problem.Length > MaxErrorLength ? problem[..MaxErrorLength] : problem]).WaitAsync(cancellationToken);

    public async Task<int> PendingCountAsync(CancellationToken cancellationToken) =>
        (int)await Database.SortedSetLengthAsync(Due).WaitAsync(cancellationToken).ConfigureAwait(false);

    private IDatabase Database => redis.GetDatabase();

    private RedisKey Entry(string key) => Prefix + "entry:" + key;

    private RedisKey Lease(string key) => Prefix + "lease:" + key;

    private static long Milliseconds(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    private static OutboxEntry Read(Dictionary<string, RedisValue> fields)
    {
        string? Text(string name) => fields.TryGetValue(name, out var value) && !value.IsNullOrEmpty ? (string?)value : null;
        return new OutboxEntry(
            JsonSerializer.Deserialize<TicketDraft>(Text("draft")!, Json)!,
            int.Parse(Text("attempts") ?? "0", CultureInfo.InvariantCulture),
            DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(Text("next") ?? "0", CultureInfo.InvariantCulture)),
            Text("error"),
            Text("receipt") is { } receipt ? JsonSerializer.Deserialize<TicketReceipt>(receipt, Json) : null);
    }
}
