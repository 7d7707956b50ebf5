using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Bot.Schema;

namespace SupportBot.Bot.Channels.DirectLine;

/// <summary>
/// One conversation on the local channel: the activity stream clients read with a watermark (user messages
/// echoed back, bot replies), bounded to the most recent activities.
/// </summary>
public sealed class LocalConversation(string id, ChannelAccount user, DateTimeOffset now, string? directoryKey = null)
{
    public const int MaxActivities = 1000;

    private readonly List<Activity> _activities = [];
    private readonly Dictionary<string, Activity> _clientActivityIds = new(StringComparer.Ordinal);
    private readonly HashSet<string> _undelivered = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _dropped;
    private long _sequence;

    public string Id { get; } = id;

    public ChannelAccount User { get; } = user;

    /// <summary>Whom self-help acts as in this conversation (see <see cref="DirectLineGrant.DirectoryKey"/>); null: nobody (a guest).</summary>
    public string? DirectoryKey { get; } = directoryKey switch
    {
        null => user.Id,
        DirectLineGrant.NoDirectoryUser => null,
        _ => directoryKey,
    };

    public DateTimeOffset LastUsed { get; private set; } = now;

    /// <summary>The watermark of everything so far: pass it back to get only newer activities.</summary>
    public long Watermark
    {
        get
        {
            lock (_gate)
            {
                return _dropped + _activities.Count;
            }
        }
    }

    /// <summary>
    /// Adds an activity, giving it the next id. A client's retry (same clientActivityID) adds nothing and gets
    /// the first one back, with <c>NeedsDelivery</c> true only if the bot has not taken it yet.
    /// </summary>
    public (Activity Activity, bool NeedsDelivery) AppendFromUser(Activity activity, DateTimeOffset now)
    {
        lock (_gate)
        {
            var clientId = ClientActivityId(activity);
            if (clientId is not null && _clientActivityIds.TryGetValue(clientId, out var existing))
            {
                LastUsed = now;
                return (existing, _undelivered.Contains(existing.Id));
            }

            Append(activity, now);
            _undelivered.Add(activity.Id);
            if (clientId is not null)
            {
                _clientActivityIds[clientId] = activity;
            }

            return (activity, true);
        }
    }

    /// <summary>The bot took the activity: a retry of it must not reach the bot again.</summary>
    public void MarkDelivered(string activityId)
    {
        lock (_gate)
        {
            _undelivered.Remove(activityId);
        }
    }

    /// <summary>Adds an activity (a bot reply), giving it the next id.</summary>
    public string Append(Activity activity, DateTimeOffset now)
    {
        lock (_gate)
        {
            LastUsed = now;

            activity.Id = $"{Id}|{++_sequence:D7}";
            activity.Timestamp = now;
            _activities.Add(activity);
            if (_activities.Count > MaxActivities)
            {
                var excess = _activities.Count - MaxActivities;
                foreach (var old in _activities.Take(excess))
                {
                    _undelivered.Remove(old.Id);
                    if (ClientActivityId(old) is { } oldClientId)
                    {
                        _clientActivityIds.Remove(oldClientId);
                    }
                }

                _activities.RemoveRange(0, excess);
                _dropped += excess;
            }

            var changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            changed.SetResult();
            return activity.Id;
        }
    }

    /// <summary>Activities after <paramref name="watermark"/>, and the new watermark.</summary>
    public (IReadOnlyList<Activity> Activities, long Watermark) Since(long watermark, DateTimeOffset now)
    {
        lock (_gate)
        {
            LastUsed = now;
            var start = (int)Math.Clamp(watermark - _dropped, 0, _activities.Count);
            return (_activities.GetRange(start, _activities.Count - start), _dropped + _activities.Count);
        }
    }

    /// <summary>Completes when the next activity is added.</summary>
    public Task Changed
    {
        get
        {
            lock (_gate)
            {
                return _changed.Task;
            }
        }
    }

    public ChannelAccount[] Members(ChannelAccount bot) => [User, bot];

    private static string? ClientActivityId(Activity activity) =>
        activity.ChannelData is Newtonsoft.Json.Linq.JObject data &&
        data.TryGetValue("clientActivityID", StringComparison.Ordinal, out var token) &&
        token.Type == Newtonsoft.Json.Linq.JTokenType.String
            ? token.ToString()
            : null;
}

/// <summary>The local channel's conversations, in memory; idle ones are dropped, and the total is capped.</summary>
public sealed class DirectLineConversations(TimeProvider timeProvider)
{
    public const int MaxConversations = 10_000;
    public static readonly TimeSpan IdleLimit = TimeSpan.FromHours(4);

    private readonly ConcurrentDictionary<string, LocalConversation> _conversations = new(StringComparer.Ordinal);

    public LocalConversation? Find(string conversationId)
    {
        if (_conversations.TryGetValue(conversationId, out var conversation) &&
            timeProvider.GetUtcNow() - conversation.LastUsed < IdleLimit)
        {
            return conversation;
        }

        return null;
    }

    /// <summary>The conversation, created when new (<c>Created</c> true); null when the channel is full.</summary>
    public (LocalConversation? Conversation, bool Created) GetOrCreate(string conversationId, ChannelAccount user, string? directoryKey = null)
    {
        if (Find(conversationId) is { } existing)
        {
            return (existing, false);
        }

        var now = timeProvider.GetUtcNow();
        if (_conversations.Count >= MaxConversations)
        {
            foreach (var (id, conversation) in _conversations)
            {
                if (now - conversation.LastUsed >= IdleLimit)
                {
                    _conversations.TryRemove(id, out _);
                }
            }

            if (_conversations.Count >= MaxConversations)
            {
                return (null, false);
            }
        }

        var created = new LocalConversation(conversationId, user, now, directoryKey);
        var stored = _conversations.AddOrUpdate(
            conversationId,
            created,
            (_, old) => now - old.LastUsed >= IdleLimit ? created : old);
        return (stored, ReferenceEquals(stored, created));
    }

    public static string FormatWatermark(long watermark) => watermark.ToString(CultureInfo.InvariantCulture);

    /// <summary>A client's watermark: empty or "-" means from the start; null when it isn't one of ours.</summary>
    public static long? ParseWatermark(string? watermark) =>
        string.IsNullOrEmpty(watermark) || watermark == "-" ? 0
        : long.TryParse(watermark, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
        : null;
}
