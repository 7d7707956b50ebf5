using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using SupportBot.Bot.State;

namespace SupportBot.Bot.Technicians;

/// <summary>
/// Slows password guessing per user name: after <see cref="MaxFailures"/> failed sign-ins within <see cref="Window"/>
/// the name is refused for <see cref="LockoutPeriod"/>. Names that don't exist are throttled the same way, so the
/// lockout tells nobody which accounts exist. Attempts still being checked count as failures until they succeed, so
/// a burst of parallel guesses gets no more tries than a sequence. With Redis configured the counts are kept there,
/// so guesses spread over the instances of a scaled-out bot add up; while Redis is unreachable (and without it) each
/// instance counts in its own memory.
/// </summary>
public sealed class LoginThrottle
{
    public const int MaxFailures = 5;

    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    public static readonly TimeSpan LockoutPeriod = TimeSpan.FromMinutes(5);

    // Enough for every real technician many times over; beyond it, idle names are forgotten first.
    private const int MaxTrackedNames = 10_000;

    // KEYS: failures (sorted set of times), lock (its end), in flight. ARGV: now, window, max, lockout (ms).
    private const string BeginScript = """
        local now = tonumber(ARGV[1])
        local lockedUntil = tonumber(redis.call('GET', KEYS[2]) or '0')
        if lockedUntil > now then return lockedUntil - now end
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
        local count = redis.call('ZCARD', KEYS[1]) + tonumber(redis.call('GET', KEYS[3]) or '0')
        if count >= tonumber(ARGV[3]) then return tonumber(ARGV[4]) end
        redis.call('INCR', KEYS[3])
        redis.call('PEXPIRE', KEYS[3], ARGV[2])
        return -1
        """;

    // As above, plus ARGV[5]: a unique member for this failure. Returns 1 when it locked the name.
    private const string FailedScript = """
        local now = tonumber(ARGV[1])
        if tonumber(redis.call('GET', KEYS[3]) or '0') > 0 then redis.call('DECR', KEYS[3]) end
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
        redis.call('ZADD', KEYS[1], now, ARGV[5])
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then return 0 end
        redis.call('DEL', KEYS[1])
        redis.call('SET', KEYS[2], now + tonumber(ARGV[4]), 'PX', ARGV[4])
        return 1
        """;

    private const string SucceededScript = """
        if tonumber(redis.call('GET', KEYS[3]) or '0') > 0 then redis.call('DECR', KEYS[3]) end
        redis.call('DEL', KEYS[1], KEYS[2])
        return 1
        """;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly RedisConnection? _redis;
    private readonly string _keyPrefix = string.Empty;

    /// <summary>Counts in this instance's memory.</summary>
    public LoginThrottle(TimeProvider time) => _time = time;

    /// <summary>Counts in Redis when <c>ConnectionStrings:Redis</c> is set, else (and during an outage) in memory.</summary>
    [ActivatorUtilitiesConstructor]
    public LoginThrottle(TimeProvider time, RedisConnection redis, IOptions<StateOptions> state)
        : this(time)
    {
        _redis = redis;
        _keyPrefix = state.Value.KeyPrefix + "login:";
    }

    /// <summary>
    /// Starts a sign-in attempt for <paramref name="userName"/>: null when it may go ahead (then call
    /// <see cref="Succeeded"/> or <see cref="Failed"/>), otherwise how long the name stays refused.
    /// </summary>
    public TimeSpan? TryBegin(string? userName)
    {
        var now = _time.GetUtcNow();
        if (Shared(BeginScript, userName, now) is { } wait)
        {
            return wait < 0 ? null : TimeSpan.FromMilliseconds(wait);
        }

        var entry = _entries.GetOrAdd(Key(userName), _ => new Entry());
        lock (entry)
        {
            entry.LastSeen = now;
            if (entry.LockedUntil is { } until && until > now)
            {
                return until - now;
            }

            entry.LockedUntil = null;
            entry.Failures.RemoveAll(at => at <= now - Window);
            if (entry.Failures.Count + entry.InFlight >= MaxFailures)
            {
                return LockoutPeriod;
            }

            entry.InFlight++;
        }

        if (_entries.Count > MaxTrackedNames)
        {
            Forget(now);
        }

        return null;
    }

    public void Succeeded(string? userName)
    {
        if (Shared(SucceededScript, userName, _time.GetUtcNow()) is not null)
        {
            return;
        }

        if (_entries.TryGetValue(Key(userName), out var entry))
        {
            lock (entry)
            {
                entry.InFlight = Math.Max(0, entry.InFlight - 1);
                entry.Failures.Clear();
                entry.LockedUntil = null;
            }
        }
    }

    /// <summary>Records a failed attempt; true when it locked the name.</summary>
    public bool Failed(string? userName)
    {
        var now = _time.GetUtcNow();
        if (Shared(FailedScript, userName, now) is { } locked)
        {
            return locked == 1;
        }

        var entry = _entries.GetOrAdd(Key(userName), _ => new Entry());
        lock (entry)
        {
            entry.InFlight = Math.Max(0, entry.InFlight - 1);
            entry.LastSeen = now;
            entry.Failures.RemoveAll(at => at <= now - Window);
            entry.Failures.Add(now);
            if (entry.Failures.Count < MaxFailures)
            {
                return false;
            }

            entry.Failures.Clear();
            entry.LockedUntil = now + LockoutPeriod;
            return true;
        }
    }

    // The script's answer, or null when the count is kept in memory (no Redis, or Redis unreachable right now).
    // Synchronous: the callers are, and a sign-in is rare enough that a short wait on Redis costs nothing.
    private long? Shared(string script, string? userName, DateTimeOffset now)
    {
        if (_redis?.Multiplexer is null)
        {
            return null;
        }

        // Hashed: a "user name" is sometimes a password typed into the wrong box, and must not sit in Redis.
        var name = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Key(userName))))[..32];
        RedisKey[] keys = [$"{_keyPrefix}{{{name}}}:failures", $"{_keyPrefix}{{{name}}}:lock", $"{_keyPrefix}{{{name}}}:inflight"];
        RedisValue[] args =
        [
            now.ToUnixTimeMilliseconds(), (long)Window.TotalMilliseconds, MaxFailures, (long)LockoutPeriod.TotalMilliseconds,
            Guid.NewGuid().ToString("N"),
        ];
        return _redis.Run<long?>(redis => (long)redis.GetDatabase().ScriptEvaluate(script, keys, args), () => null);
    }

    private static string Key(string? userName)
    {
        var key = (userName ?? string.Empty).Trim().ToUpperInvariant();
        return key.Length > TechnicianAccounts.MaxUserNameLength ? key[..TechnicianAccounts.MaxUserNameLength] : key;
    }

    private void Forget(DateTimeOffset now)
    {
        foreach (var (key, entry) in _entries)
        {
            lock (entry)
            {
                var idle = entry.InFlight == 0 && entry.LastSeen <= now - Window &&
                           (entry.LockedUntil is null || entry.LockedUntil <= now);
                if (idle)
                {
                    _entries.TryRemove(key, out _);
                }
            }
        }
    }

    private sealed class Entry
    {
        public List<DateTimeOffset> Failures { get; } = [];

        public int InFlight { get; set; }

        public DateTimeOffset? LockedUntil { get; set; }

        public DateTimeOffset LastSeen { get; set; }
    }
}
