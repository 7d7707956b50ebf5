using SupportBot.Skills.Conversation;

namespace SupportBot.Bot.Conversation;

/// <summary>What the bot remembers about one conversation (stored in conversation state).</summary>
public sealed class ConversationData
{
    public DateTimeOffset? WelcomedAt { get; set; }

    public Transcript Transcript { get; set; } = new();
}
