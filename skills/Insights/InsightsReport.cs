namespace SupportBot.Skills.Insights;

/// <summary>
/// What a conversation came to. Escalated wins (a technician spent time on it), then confirmed deflection ("That fixed
/// it", or a self-help action that succeeded); anything else is a potential deflection: the employee left without
/// asking for a person, but never said it worked either.
/// </summary>
public enum ConversationOutcome
{
    Confirmed,
    Potential,
    Escalated,
}

/// <summary>One day of conversations by outcome.</summary>
public sealed record DayOutcomes(DateOnly Day, int Confirmed, int Potential, int Escalated)
{
    public int Conversations => Confirmed + Potential + Escalated;
}

/// <summary>The conversations of the range by outcome.</summary>
public sealed record OutcomeSplit(int Confirmed, int Potential, int Escalated)
{
    public int Conversations => Confirmed + Potential + Escalated;

    public double Share(ConversationOutcome outcome) => Conversations == 0 ? 0 : Count(outcome) / (double)Conversations;

    public int Count(ConversationOutcome outcome) => outcome switch
    {
        ConversationOutcome.Confirmed => Confirmed,
        ConversationOutcome.Potential => Potential,
        _ => Escalated,
    };
}

/// <summary>Conversations that touched a category (an answer from one of its articles, or an escalation filed under it) and how many escalated in it.</summary>
public sealed record CategoryEscalations(string Category, int Conversations, int Escalated)
{
    public double Rate => Conversations == 0 ? 0 : Escalated / (double)Conversations;
}

/// <summary>A question as people ask it, all wordings with the same terms counted together.</summary>
public sealed record TopQuestion(string Terms, string Example, int Count, int Answered);

/// <summary>
/// Questions the knowledge base could not answer, or whose answer left the employee "still stuck", grouped by
/// similarity: what the next article should cover.
/// </summary>
public sealed record KnowledgeGap(string Label, IReadOnlyList<string> KeyTerms, int Count, int Unanswered, int StillStuck, IReadOnlyList<string> Examples);

/// <summary>Feedback on one article: how often it was the answer, "That fixed it" and "Still stuck".</summary>
public sealed record ArticleFeedbackSummary(string ArticleId, string? Title, int Shown, int Helpful, int StillStuck)
{
    public double? HelpfulRate => Helpful + StillStuck == 0 ? null : Helpful / (double)(Helpful + StillStuck);
}

/// <summary>How one self-help action's runs ended.</summary>
public sealed record ActionSummary(string ActionId, string Title, int Succeeded, int Failed, int Refused, int Cancelled, int NeedsTechnician)
{
    public int Total => Succeeded + Failed + Refused + Cancelled + NeedsTechnician;
}

/// <summary>
/// Technician hours the bot saved: (confirmed × minutes per ticket + potential × minutes per ticket × credit) ÷ 60.
/// The assumptions travel with the figure so the page can show them next to it.
/// </summary>
public sealed record HoursSaved(int Confirmed, int Potential, double MinutesPerTicket, double PotentialCredit)
{
    public double Hours => ((Confirmed * MinutesPerTicket) + (Potential * MinutesPerTicket * PotentialCredit)) / 60.0;
}

/// <summary>Everything the insight page shows for a date range (UTC days, both ends included).</summary>
public sealed record InsightsReport(
    DateOnly From,
    DateOnly To,
    IReadOnlyList<DayOutcomes> Days,
    OutcomeSplit Outcomes,
    IReadOnlyList<CategoryEscalations> Categories,
    IReadOnlyList<TopQuestion> TopQuestions,
    IReadOnlyList<KnowledgeGap> Gaps,
    IReadOnlyList<ArticleFeedbackSummary> Articles,
    IReadOnlyList<ActionSummary> Actions,
    HoursSaved HoursSaved);
