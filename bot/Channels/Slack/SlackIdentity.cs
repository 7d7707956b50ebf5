using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using SupportBot.Skills.SelfHelp;

namespace SupportBot.Bot.Channels.Slack;

/// <summary>Who a Slack sender turned out to be: their directory key, or why they chat as a guest.</summary>
/// <param name="DirectoryKey">The directory user's object id; null for a guest.</param>
/// <param name="Reason">Why the sender is a guest (for the log); null when mapped.</param>
public sealed record SlackIdentityResult(string? DirectoryKey, string? Reason)
{
    public static SlackIdentityResult Mapped(string directoryKey) => new(directoryKey, null);

    public static SlackIdentityResult Guest(string reason) => new(null, reason);
}

/// <summary>
/// Maps a Slack member to a directory account by verified email — the identity contract for Slack. Only an active,
/// human, non-guest member of the configured workspace whose email Slack has confirmed is mapped, and only when exactly
/// one directory account has that email. Anything else — including Slack or the directory failing — leaves the sender a
/// guest for the turn, with a warning that names the reason (never the email, never the token). Answers are remembered
/// for <see cref="SlackOptions.CacheDuration"/> (a definite "no" for a few minutes, a failure not at all), and a 429
/// from Slack pauses lookups for as long as Slack asked.
/// </summary>
public sealed class SlackIdentity : IDisposable
{
    /// <summary>How long a definite "not mapped" (deactivated, unconfirmed email, no such account…) is remembered.</summary>
    public static readonly TimeSpan GuestCacheDuration = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan DefaultRateLimitPause = TimeSpan.FromSeconds(30);

    private readonly SlackWebApi _slack;
    private readonly Lazy<IDirectory> _directory;
    private readonly IOptions<SlackOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SlackIdentity> _logger;

    // Its own bounded cache: entries expire by the injected clock (checked on read) as well as in real time.
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 50_000 });
    private long _pausedUntilTicks;

    public SlackIdentity(SlackWebApi slack, Lazy<IDirectory> directory, IOptions<SlackOptions> options, TimeProvider time, ILogger<SlackIdentity> logger)
    {
        _slack = slack;
        _directory = directory;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>Who <paramref name="userId"/> (of workspace <paramref name="teamId"/>, when the activity says) is in the directory.</summary>
    public async Task<SlackIdentityResult> ResolveAsync(string userId, string? teamId, CancellationToken cancellationToken)
    {
        var options = _options.Value;
        if (!options.IsConfigured)
        {
            // Said once at start-up (SlackStartupReport), not on every turn.
            return SlackIdentityResult.Guest("Slack:BotToken is not set");
        }

        var key = $"{teamId}:{userId}";
        var now = _time.GetUtcNow();
        if (_cache.TryGetValue(key, out Remembered? remembered) && remembered!.ExpiresAt > now)
        {
            if (remembered.Result.DirectoryKey is null)
            {
                _logger.LogDebug("Slack user {SlackUserId} chats as a guest (remembered): {Reason}", userId, remembered.Result.Reason);
            }

            return remembered.Result;
        }

        var pausedUntil = new DateTimeOffset(Interlocked.Read(ref _pausedUntilTicks), TimeSpan.Zero);
        if (pausedUntil > now)
        {
            return Warn(userId, $"Slack is rate limiting users.info; lookups resume at {pausedUntil:HH:mm:ss} UTC");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.LookupTimeout);
        try
        {
            var (result, definite) = await LookUpAsync(userId, options, deadline.Token);
            if (definite)
            {
                var lifetime = result.DirectoryKey is null ? Min(GuestCacheDuration, options.CacheDuration) : options.CacheDuration;
                _cache.Set(key, new Remembered(result, now + lifetime), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = lifetime });
            }

            if (result.DirectoryKey is null)
            {
                return Warn(userId, result.Reason!);
            }

            _logger.LogDebug("Slack user {SlackUserId} is directory user {DirectoryUserId} (verified email)", userId, result.DirectoryKey);
            return result;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Warn(userId, $"Slack or the directory did not answer within {options.LookupTimeout.TotalSeconds:0} seconds");
        }
        catch (SlackApiException ex) when (ex.Failure == SlackApiFailure.RateLimited)
        {
            var pause = ex.RetryAfter is { } wait && wait > TimeSpan.Zero ? wait : DefaultRateLimitPause;
            Interlocked.Exchange(ref _pausedUntilTicks, (now + pause).UtcTicks);
            return Warn(userId, $"Slack is rate limiting users.info (retry after {pause.TotalSeconds:0} s)");
        }
        catch (SlackApiException ex)
        {
            return Warn(userId, ex.Message);
        }
        catch (ConnectorException ex)
        {
            return Warn(userId, $"the directory lookup failed ({ex.Failure}: {ex.Message})");
        }
    }

    public void Dispose() => _cache.Dispose();

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>The answer, and whether it is definite (worth remembering) rather than a failure of the moment.</summary>
    private async Task<(SlackIdentityResult Result, bool Definite)> LookUpAsync(string userId, SlackOptions options, CancellationToken cancellationToken)
    {
        SlackMember member;
        try
        {
            member = await _slack.GetUserAsync(userId, cancellationToken);
        }
        catch (SlackApiException ex) when (ex.Failure == SlackApiFailure.NotFound)
        {
            return (SlackIdentityResult.Guest($"Slack has no member {userId} visible to the app ({ex.Error})"), true);
        }

        var refusal = Refusal(member, userId, options);
        if (refusal is not null)
        {
            return (SlackIdentityResult.Guest(refusal), true);
        }

        _logger.LogTrace("Slack user {SlackUserId} has the confirmed email {Email}", userId, member.Email);
        var user = await _directory.Value.FindUserByEmailAsync(member.Email!, cancellationToken);
        return user is null
            ? (SlackIdentityResult.Guest("no single directory account has the member's Slack email"), true)
            : (SlackIdentityResult.Mapped(user.Id), true);
    }

    // The rules, in the order an operator would check them.
    private static string? Refusal(SlackMember member, string userId, SlackOptions options)
    {
        var teamId = options.TeamId?.Trim();
        return member switch
        {
            _ when !string.Equals(member.Id, userId, StringComparison.Ordinal) => $"Slack answered for another member ({member.Id})",
            { Deleted: true } => "the Slack account is deactivated",
            { IsBot: true } => "the sender is a Slack bot",
            _ when string.Equals(userId, "USLACKBOT", StringComparison.Ordinal) => "the sender is Slackbot",
            { IsRestricted: true } or { IsUltraRestricted: true } => "the sender is a guest account in Slack",
            _ when !string.IsNullOrEmpty(teamId) && !string.Equals(member.TeamId, teamId, StringComparison.Ordinal) =>
                $"the member belongs to Slack workspace {member.TeamId ?? "(none)"}, not Slack:TeamId {teamId}",
            { Email: null } => "Slack gave no email for the member (does the app have the users:read.email scope?)",
            { IsEmailConfirmed: false } => "the member's email is not confirmed in Slack",
            _ => null,
        };
    }

    private SlackIdentityResult Warn(string userId, string reason)
    {
        _logger.LogWarning("Slack user {SlackUserId} chats as a guest this turn: {Reason}", userId, reason);
        return SlackIdentityResult.Guest(reason);
    }

    private sealed record Remembered(SlackIdentityResult Result, DateTimeOffset ExpiresAt);
}
