using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace SupportBot.Skills.Conversation;

/// <summary>The stages of a turn: the child spans of a <c>turn</c> span, in the order a turn can reach them.</summary>
public static class SupportStage
{
    /// <summary>Recognising what the message is: small talk, a self-help request or a question.</summary>
    public const string Understand = "understand";

    /// <summary>Searching the knowledge base.</summary>
    public const string Search = "search";

    /// <summary>Writing and sending a knowledge answer (the LLM call, when one is configured).</summary>
    public const string Answer = "answer";

    /// <summary>Running (or offering) a self-help action.</summary>
    public const string Act = "act";

    /// <summary>Handing off to a technician: filing or queuing the ticket.</summary>
    public const string Escalate = "escalate";
}

/// <summary>
/// SupportBot's own traces and metrics, on the BCL's <see cref="ActivitySource"/> and <see cref="Meter"/> (both named
/// <c>SupportBot</c>) so skills/ needs no telemetry package. The host decides whether anything listens; when nothing
/// does, every call here is a cheap no-op. Tags are low-cardinality and never carry what someone typed or who they are.
/// </summary>
public static class SupportTelemetry
{
    public const string Name = "SupportBot";

    public static readonly ActivitySource Source = new(Name, Version());

    public static readonly Meter Meter = new(Name, Version());

    internal static readonly Counter<long> Turns = Meter.CreateCounter<long>(
        "supportbot.turns", "{turn}", "Activities the bot handled, by channel, activity type and outcome.");

    internal static readonly Counter<long> Answers = Meter.CreateCounter<long>(
        "supportbot.answers", "{answer}", "Turns answered from the knowledge base.");

    private static readonly Counter<long> Deflections = Meter.CreateCounter<long>(
        "supportbot.deflections", "{deflection}", "Problems solved without a technician: \"That fixed it\", or a self-help action that succeeded.");

    private static readonly Counter<long> Escalations = Meter.CreateCounter<long>(
        "supportbot.escalations", "{escalation}", "Tickets created or queued for a technician.");

    private static readonly Counter<long> Actions = Meter.CreateCounter<long>(
        "supportbot.actions", "{action}", "Self-help action attempts, by action id and outcome.");

    internal static readonly Counter<long> Errors = Meter.CreateCounter<long>(
        "supportbot.errors", "{error}", "Turns that failed.");

    private static readonly AsyncLocal<TurnTelemetry?> CurrentTurn = new();

    // Channel and activity type come from the request: anything unexpected is counted as "other", so a caller can't
    // mint new metric series.
    private static readonly HashSet<string> KnownChannels = new(StringComparer.Ordinal)
    {
        "msteams", "slack", "webchat", "directline", "emulator", "test", "email", "sms", "telegram", "facebook", "m365extensions", "outlook",
    };

    private static readonly HashSet<string> KnownActivityTypes = new(StringComparer.Ordinal)
    {
        "message", "conversationUpdate", "invoke", "event", "installationUpdate", "messageReaction", "typing", "endOfConversation",
        "messageUpdate", "messageDelete", "contactRelationUpdate", "deleteUserData", "command", "commandResult",
    };

    /// <summary>True when something listens to the turn span or the turn counters.</summary>
    public static bool IsObserved => Source.HasListeners() || Turns.Enabled || Answers.Enabled || Errors.Enabled;

    /// <summary>
    /// Starts the <c>turn</c> span and the turn's bookkeeping; the bot's adapter calls it once per activity. Dispose
    /// it when the turn ends. With nothing listening it returns a shared no-op.
    /// </summary>
    public static TurnTelemetry BeginTurn(string? channelId, string? activityType)
    {
        if (!IsObserved)
        {
            return TurnTelemetry.Disabled;
        }

        var turn = new TurnTelemetry(ChannelTag(channelId), ActivityTypeTag(activityType));
        CurrentTurn.Value = turn;
        return turn;
    }

    /// <summary>
    /// A child span of the current turn for one stage, where the stage's work happens:
    /// <c>using var _ = SupportTelemetry.Stage(SupportStage.Search);</c>. Inside the same stage already (an answer
    /// written inside the bot's answer stage) it adds no second span.
    /// </summary>
    public static StageScope Stage(string stage)
    {
        CurrentTurn.Value?.Reached(stage);
        var current = Activity.Current;
        if (current is not null && ReferenceEquals(current.Source, Source) && string.Equals(current.OperationName, stage, StringComparison.Ordinal))
        {
            return default;
        }

        return new StageScope(Source.StartActivity(stage));
    }

    /// <summary>Runs a recogniser (small talk, a self-help request) inside an <c>understand</c> span.</summary>
    public static TResult Understand<TInput, TResult>(Func<TInput, TResult> recognise, TInput input)
    {
        using var _ = Stage(SupportStage.Understand);
        return recognise(input);
    }

    /// <summary>The user said a knowledge answer fixed their problem.</summary>
    public static void ConfirmedFixed()
    {
        if (Deflections.Enabled)
        {
            Deflections.Add(1, new KeyValuePair<string, object?>("supportbot.deflection", "feedback"), ChannelPair());
        }
    }

    /// <summary>One self-help attempt: allowed, refused, failed, cancelled or waiting for confirmation.</summary>
    /// <param name="actionId">An id from the action catalog ("unknown" for anything else).</param>
    /// <param name="outcome">The audit outcome.</param>
    /// <param name="succeeded">True when the action did what the user asked: that is a deflection too.</param>
    public static void ActionAttempted(string actionId, string outcome, bool succeeded)
    {
        if (Actions.Enabled)
        {
            Actions.Add(1, new KeyValuePair<string, object?>("supportbot.action", actionId),
                new KeyValuePair<string, object?>("supportbot.outcome", outcome), ChannelPair());
        }

        if (succeeded && Deflections.Enabled)
        {
            Deflections.Add(1, new KeyValuePair<string, object?>("supportbot.deflection", "action"), ChannelPair());
        }
    }

    /// <summary>A new escalation was filed in the ticket system, or queued to be filed when it answers.</summary>
    /// <param name="status">"filed" or "queued".</param>
    /// <param name="category">The knowledge category used for routing.</param>
    public static void Escalated(string status, string category)
    {
        if (Escalations.Enabled)
        {
            Escalations.Add(1, new KeyValuePair<string, object?>("supportbot.status", status),
                new KeyValuePair<string, object?>("supportbot.category", category), ChannelPair());
        }
    }

    private static KeyValuePair<string, object?> ChannelPair() =>
        new("supportbot.channel", CurrentTurn.Value?.Channel ?? "none");

    private static string ChannelTag(string? channelId) =>
        channelId is not null && KnownChannels.Contains(channelId) ? channelId : "other";

    private static string ActivityTypeTag(string? type) =>
        type is not null && KnownActivityTypes.Contains(type) ? type : "other";

    private static string Version() =>
        typeof(SupportTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
}

/// <summary>An open stage span (or nothing, when no one listens); dispose it when the stage's work is done.</summary>
public readonly struct StageScope : IDisposable
{
    private readonly Activity? _activity;

    internal StageScope(Activity? activity) => _activity = activity;

    /// <summary>Adds a low-cardinality attribute to the stage span (an action id, an answer kind — never user text).</summary>
    public void SetTag(string key, object? value) => _activity?.SetTag(key, value);

    public void Dispose() => _activity?.Dispose();
}

/// <summary>
/// One turn: the <c>turn</c> span (channel, activity type, outcome) and what the turn reached. Its outcome is the
/// furthest stage reached (understand, search, answer, act, escalate), "none", "error", "deferred" or "cancelled".
/// </summary>
public sealed class TurnTelemetry : IDisposable
{
    internal static readonly TurnTelemetry Disabled = new();

    private static readonly string[] StageOrder = [SupportStage.Understand, SupportStage.Search, SupportStage.Answer, SupportStage.Act, SupportStage.Escalate];

    private readonly Activity? _activity;
    private readonly bool _enabled;
    private int _furthest = -1;
    private bool _answered;
    private string? _ending;
    private string? _failure;

    internal TurnTelemetry(string channel, string activityType)
    {
        _enabled = true;
        Channel = channel;
        ActivityType = activityType;
        _activity = SupportTelemetry.Source.StartActivity("turn");
        if (_activity is { IsAllDataRequested: true })
        {
            _activity.SetTag("supportbot.channel", channel);
            _activity.SetTag("supportbot.activity_type", activityType);
        }
    }

    private TurnTelemetry()
    {
        Channel = "none";
        ActivityType = "other";
    }

    internal string Channel { get; }

    internal string ActivityType { get; }

    /// <summary>The turn was handed back for the channel to redeliver: nothing ran.</summary>
    public void Deferred() => _ending = "deferred";

    /// <summary>The channel gave up on the request (it disconnected) before the turn finished.</summary>
    public void Cancelled() => _ending = "cancelled";

    /// <summary>The turn failed; only the exception's type is recorded, never its message.</summary>
    public void Failed(Exception exception)
    {
        _ending = "error";
        _failure = exception.GetType().FullName;
    }

    public void Dispose()
    {
        if (!_enabled)
        {
            return;
        }

        var outcome = _ending ?? (_furthest < 0 ? "none" : StageOrder[_furthest]);
        SupportTelemetry.Turns.Add(1, new KeyValuePair<string, object?>("supportbot.channel", Channel),
            new KeyValuePair<string, object?>("supportbot.activity_type", ActivityType),
            new KeyValuePair<string, object?>("supportbot.outcome", outcome));
        if (_failure is not null)
        {
            SupportTelemetry.Errors.Add(1, new KeyValuePair<string, object?>("supportbot.channel", Channel),
                new KeyValuePair<string, object?>("error.type", _failure));
        }
        else if (_answered)
        {
            SupportTelemetry.Answers.Add(1, new KeyValuePair<string, object?>("supportbot.channel", Channel));
        }

        if (_activity is not null)
        {
            _activity.SetTag("supportbot.outcome", outcome);
            if (_failure is not null)
            {
                _activity.SetTag("error.type", _failure);
                _activity.SetStatus(ActivityStatusCode.Error);
            }

            _activity.Dispose();
        }
    }

    internal void Reached(string stage)
    {
        var index = Array.IndexOf(StageOrder, stage);
        if (index > _furthest)
        {
            _furthest = index;
        }

        _answered |= index == 2;
    }
}
