using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SupportBot.Skills.Insights;

/// <summary>How the knowledge base met a question.</summary>
public enum QuestionOutcome
{
    Answered,
    Clarified,
    NoMatch,
}

/// <summary>
/// Something that happened in a conversation, as the insight page counts it. <see cref="ConversationKey"/> is opaque
/// (<see cref="ConversationKeys.For"/>): never the user's id or name.
/// </summary>
public abstract record InsightEvent(string ConversationKey, string Channel, DateTimeOffset At);

/// <summary>
/// A question and how it was met. <see cref="Text"/> is as typed; the writer redacts and shortens it before storing,
/// also taking out <see cref="KnownNames"/> (the asker's own name, which the channel tells the bot).
/// </summary>
public sealed record QuestionAsked(
    string ConversationKey,
    string Channel,
    DateTimeOffset At,
    string Text,
    QuestionOutcome Outcome,
    string? ArticleId,
    string? Category,
    IReadOnlyList<string> KnownNames) : InsightEvent(ConversationKey, Channel, At);

/// <summary>"That fixed it" (<see cref="Helpful"/>) or "Still stuck" on an article, with the question that led to it.</summary>
public sealed record FeedbackGiven(
    string ConversationKey,
    string Channel,
    DateTimeOffset At,
    string ArticleId,
    bool Helpful,
    string? Question,
    IReadOnlyList<string> KnownNames) : InsightEvent(ConversationKey, Channel, At);

/// <summary>A self-help action's outcome (the audit log's outcome names: Succeeded, Failed, Refused, Cancelled, NeedsTechnician).</summary>
public sealed record ActionRun(
    string ConversationKey,
    string Channel,
    DateTimeOffset At,
    string ActionId,
    string Outcome) : InsightEvent(ConversationKey, Channel, At);

/// <summary>An escalation to a technician: filed (<see cref="TicketCreated"/>) or queued while the ticket system is down.</summary>
public sealed record Escalated(
    string ConversationKey,
    string Channel,
    DateTimeOffset At,
    string Category,
    bool TicketCreated) : InsightEvent(ConversationKey, Channel, At);

/// <summary>Opaque conversation keys for insights.</summary>
public static class ConversationKeys
{
    /// <summary>
    /// A hash of the channel, the channel's conversation id and the UTC day. A Teams chat with the bot lasts for months,
    /// so each day's exchange in it counts as one conversation; the id itself (which can embed a user id) is not kept.
    /// </summary>
    public static string For(string channel, string conversationId, DateTimeOffset at)
    {
        var day = at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"supportbot-insights\n{channel}\n{conversationId}\n{day}"));
        return Convert.ToHexString(hash, 0, 16).ToLowerInvariant();
    }
}
