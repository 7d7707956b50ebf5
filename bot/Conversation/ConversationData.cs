using SupportBot.Skills.Conversation;
using SupportBot.Skills.Tickets;

namespace SupportBot.Bot.Conversation;

/// <summary>What the bot remembers about one conversation (stored in conversation state).</summary>
public sealed class ConversationData
{
    public DateTimeOffset? WelcomedAt { get; set; }

    /// <summary>The conversation reference was saved for proactive messages (once per conversation).</summary>
    public bool ReferenceStored { get; set; }

    /// <summary>
    /// This turn's new lines of the story. Not part of the stored state: at the end of the turn they go to the
    /// <see cref="IStoryStore"/>, which also holds the earlier lines (see <c>TranscriptOf</c> in the handoff).
    /// </summary>
    [Newtonsoft.Json.JsonIgnore]
    public Transcript Transcript { get; } = new();

    /// <summary>The article last shown and the question it answered, for "That fixed it" / "Still stuck".</summary>
    public string? LastArticleId { get; set; }

    public string? LastQuestion { get; set; }

    /// <summary>Articles offered by a clarifying question, waiting for the user's pick.</summary>
    public List<string> PendingChoices { get; set; } = [];

    /// <summary>Consecutive questions the knowledge base could not answer.</summary>
    public int Misses { get; set; }

    /// <summary>Articles shown in this conversation and the feedback on them (for a ticket), most recent last.</summary>
    public List<ArticleShown> ArticlesShown { get; set; } = [];

    /// <summary>Self-help actions tried and how they ended (for a ticket), most recent last.</summary>
    public List<ActionTried> ActionsTried { get; set; } = [];

    /// <summary>The handoff being prepared or just filed.</summary>
    public PendingEscalation? Escalation { get; set; }

    /// <summary>Numbers this conversation's escalations, so each gets its own idempotency key.</summary>
    public int Escalations { get; set; }

    public const int MaxRemembered = 20;

    /// <summary>Key of the conversation's story in the <see cref="IStoryStore"/>.</summary>
    public static string StoryKey(Microsoft.Bot.Schema.IActivity activity) =>
        $"{activity.ChannelId}:{activity.Conversation?.Id}";

    public void Remember(ArticleShown article)
    {
        ArticlesShown.RemoveAll(a => a.ArticleId == article.ArticleId);
        ArticlesShown.Add(article);
        if (ArticlesShown.Count > MaxRemembered)
        {
            ArticlesShown.RemoveAt(0);
        }
    }

    public void Remember(ActionTried action)
    {
        ActionsTried.Add(action);
        if (ActionsTried.Count > MaxRemembered)
        {
            ActionsTried.RemoveAt(0);
        }
    }
}

/// <summary>A handoff the employee is reviewing before it is sent (or was sent, for a double click).</summary>
public sealed class PendingEscalation
{
    public string Key { get; set; } = string.Empty;

    /// <summary>The employee's own words: what they first asked, plus any details they added.</summary>
    public string Description { get; set; } = string.Empty;

    public string Category { get; set; } = "general";

    /// <summary>True while the bot waits for the employee's extra details.</summary>
    public bool AwaitingDetails { get; set; }

    /// <summary>Set once filed (or queued): a second "Send it" answers with this rather than filing again.</summary>
    public string? FiledNumber { get; set; }

    public bool Queued { get; set; }
}
