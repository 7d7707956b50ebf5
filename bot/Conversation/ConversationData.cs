using SupportBot.Skills.Conversation;

namespace SupportBot.Bot.Conversation;

/// <summary>What the bot remembers about one conversation (stored in conversation state).</summary>
public sealed class ConversationData
{
    public DateTimeOffset? WelcomedAt { get; set; }

    public Transcript Transcript { get; set; } = new();

    /// <summary>The article last shown and the question it answered, for "That fixed it" / "Still stuck".</summary>
    public string? LastArticleId { get; set; }

    public string? LastQuestion { get; set; }

    /// <summary>Articles offered by a clarifying question, waiting for the user's pick.</summary>
    public List<string> PendingChoices { get; set; } = [];

    /// <summary>Consecutive questions the knowledge base could not answer.</summary>
    public int Misses { get; set; }
}
