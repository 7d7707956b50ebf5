using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace SupportBot.Skills.SelfHelp;

/// <summary>An action waiting for the caller to confirm it on a card.</summary>
/// <param name="Token">Unguessable, single-use; the card carries it.</param>
/// <param name="ActionId">The action the card confirms.</param>
/// <param name="ChannelUserId">The only channel user whose click counts.</param>
/// <param name="DirectoryUserId">The directory user the action runs as.</param>
/// <param name="TargetId">What it acts on (a device or group id; the user for sign-out).</param>
/// <param name="TargetName">What the caller sees ("DESKTOP-ADELE01", "Microsoft Visio").</param>
/// <param name="CorrelationId">Ties the request, the click and the run together in the audit log.</param>
/// <param name="ExpiresAt">After this the card runs nothing.</param>
public sealed record PendingConfirmation(
    string Token,
    string ActionId,
    string ChannelUserId,
    string DirectoryUserId,
    string TargetId,
    string TargetName,
    string CorrelationId,
    DateTimeOffset ExpiresAt)
{
    public static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))
        .Replace('+', '-').Replace('/', '_').TrimEnd('=');
}

/// <summary>Pending confirmations. Shared by every bot instance when Redis is configured.</summary>
public interface IConfirmationStore
{
    Task SaveAsync(PendingConfirmation pending, CancellationToken cancellationToken);

    /// <summary>The confirmation and whether it was already used; null when the token is unknown or long gone.</summary>
    Task<(PendingConfirmation Pending, bool Used)?> FindAsync(string token, CancellationToken cancellationToken);

    /// <summary>Marks it used; false when someone else already did (a double click, a replay).</summary>
    Task<bool> TryUseAsync(string token, CancellationToken cancellationToken);
}

/// <summary>In-process confirmations; used tokens are remembered until they expire so a replay is told why.</summary>
public sealed class InMemoryConfirmationStore(TimeProvider time) : IConfirmationStore
{
    // Kept a while past expiry, so a late click hears "expired" rather than "unknown".
    private static readonly TimeSpan Grace = TimeSpan.FromHours(1);
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public Task SaveAsync(PendingConfirmation pending, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var stale in _entries.Where(e => e.Value.Pending.ExpiresAt + Grace < now))
        {
            _entries.TryRemove(stale.Key, out _);
        }

        _entries[pending.Token] = new Entry(pending);
        return Task.CompletedTask;
    }

    public Task<(PendingConfirmation Pending, bool Used)?> FindAsync(string token, CancellationToken cancellationToken) =>
        Task.FromResult<(PendingConfirmation, bool)?>(
            _entries.TryGetValue(token, out var entry) ? (entry.Pending, entry.Used) : null);

    public Task<bool> TryUseAsync(string token, CancellationToken cancellationToken) =>
        Task.FromResult(_entries.TryGetValue(token, out var entry) && entry.TryUse());

    private sealed class Entry(PendingConfirmation pending)
    {
        private int _used;

        public PendingConfirmation Pending { get; } = pending;

        public bool Used => Volatile.Read(ref _used) == 1;

        public bool TryUse() => Interlocked.Exchange(ref _used, 1) == 0;
    }
}
