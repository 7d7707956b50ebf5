using System.Collections.Concurrent;

namespace SupportBot.Bot.Technicians;

/// <summary>
/// Slows password guessing per user name: after <see cref="MaxFailures"/> failed sign-ins within <see cref="Window"/>
/// the name is refused for <see cref="LockoutPeriod"/>. Names that don't exist are throttled the same way, so the
/// lockout tells nobody which accounts exist. Attempts still being checked count as failures until they succeed, so
/// a burst of parallel guesses gets no more tries than a sequence. One instance's memory: each instance of a
/// scaled-out bot counts on its own.
/// </summary>
public sealed class LoginThrottle(TimeProvider time)
{
    public const int MaxFailures = 5;

    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    public static readonly TimeSpan LockoutPeriod = TimeSpan.FromMinutes(5);

    // Enough for every real technician many times over; beyond it, idle names are forgotten first.
    private const int MaxTrackedNames = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>
    /// Starts a sign-in attempt for <paramref name="userName"/>: null when it may go ahead (then call
    /// <see cref="Succeeded"/> or <see cref="Failed"/>), otherwise how long the name stays refused.
    /// </summary>
    public TimeSpan? TryBegin(string? userName)
    {
        var now = time.GetUtcNow();
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
        var now = time.GetUtcNow();
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
