using SupportBot.Skills.Conversation;

namespace SupportBot.Skills.Tickets;

public enum TicketPriority
{
    Low,
    Medium,
    High,
    Critical,
}

public enum TicketState
{
    /// <summary>Filed, waiting for a technician.</summary>
    New,

    /// <summary>A technician has it.</summary>
    Claimed,

    Resolved,
}

/// <summary>The person who needs help and how to reach them again (in their own channel).</summary>
/// <param name="DisplayName">Their name as the channel shows it.</param>
/// <param name="DirectoryId">The verified directory identity (Entra object id or UPN), or null for a guest.</param>
/// <param name="Email">Their email when known (UPN for directory users).</param>
/// <param name="ChannelId">msteams, directline, slack…</param>
/// <param name="ChannelUserId">The channel's id for them.</param>
/// <param name="ConversationReference">The serialized conversation reference for proactive messages (opaque to skills/).</param>
public sealed record Requester(
    string DisplayName,
    string? DirectoryId,
    string? Email,
    string ChannelId,
    string ChannelUserId,
    string? ConversationReference);

/// <summary>An article the bot showed, and what the employee said about it.</summary>
public sealed record ArticleShown(string ArticleId, string Title, bool? Helped);

/// <summary>A self-help action tried before escalating, and how it ended.</summary>
public sealed record ActionTried(string ActionId, string? Target, string Outcome);

/// <summary>
/// Everything an escalation sends: already redacted (no passwords, codes or keys) before it is built.
/// <see cref="IdempotencyKey"/> makes filing exactly-once however often it is retried.
/// </summary>
public sealed record TicketDraft
{
    public required string IdempotencyKey { get; init; }

    public required Requester Requester { get; init; }

    public required string Title { get; init; }

    /// <summary>The employee's own words.</summary>
    public required string Description { get; init; }

    public string Category { get; init; } = "general";

    public TicketPriority Priority { get; init; } = TicketPriority.Medium;

    /// <summary>Why the priority is what it is ("can't work", "VIP"), shown to technicians.</summary>
    public IReadOnlyList<string> PriorityReasons { get; init; } = [];

    public required string Summary { get; init; }

    public IReadOnlyList<TranscriptLine> Transcript { get; init; } = [];

    public IReadOnlyList<ArticleShown> Articles { get; init; } = [];

    public IReadOnlyList<ActionTried> Actions { get; init; } = [];

    public string? DeviceInfo { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>What the ticket system gave back: the number people quote, and a link when it has one.</summary>
public sealed record TicketReceipt(string Number, string System, string? Url = null);
