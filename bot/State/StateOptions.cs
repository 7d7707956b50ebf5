using System.ComponentModel.DataAnnotations;

namespace SupportBot.Bot.State;

/// <summary>Conversation and user state, turn serialisation and redelivery detection (section <c>State</c>).</summary>
public sealed class StateOptions
{
    public const string SectionName = "State";

    /// <summary>Prefix of every Redis key the bot writes, so several bots can share one Redis.</summary>
    [Required(AllowEmptyStrings = false)]
    [RegularExpression(@"^[A-Za-z0-9:_\-.]{1,40}$", ErrorMessage = "State:KeyPrefix may use letters, digits and : _ - . (1–40 characters).")]
    public string KeyPrefix { get; set; } = "supportbot:";

    /// <summary>How long conversation and user state lives after its last write (Redis only).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long a message waits for the previous turn of the same conversation before the channel is asked to retry.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan TurnLockTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Lease of the cross-instance turn lock; renewed while the turn runs, so a crashed instance frees it after this long.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "00:10:00")]
    public TimeSpan TurnLockLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an activity id is remembered to recognise a channel's redelivery.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan DeduplicationWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long one Redis call (or connecting) may take before Redis counts as down and the turn goes on without it;
    /// a turn during an outage never waits longer than this. A <c>connectTimeout</c>/<c>syncTimeout</c>/
    /// <c>asyncTimeout</c> in the connection string wins.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:30")]
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromSeconds(1);
}
