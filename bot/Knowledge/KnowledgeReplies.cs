using SupportBot.Skills.Conversation;
using SupportBot.Skills.HelpDesk;
using SupportBot.Skills.Knowledge;
using SupportBot.Skills.Knowledge.Generative;

namespace SupportBot.Bot.Knowledge;

/// <summary>
/// Knowledge answers as channel-neutral replies: the article's title, the matching section's steps, the article as
/// the cited source (rendered as the schema.org citation entity, whose claim's appearance.url ends in /kb/{id}) and
/// the feedback buttons. A written (generative) answer is labelled AI-generated and cites every article its [n]
/// markers point to.
/// </summary>
public static class KnowledgeReplies
{
    public const string FixedIt = "That fixed it";
    public const string StillStuck = "Still stuck";

    public static Reply Answer(KnowledgeAnswer answer, string articleBaseUrl)
    {
        var article = answer.Article!;
        var url = ArticleUrl(articleBaseUrl, article.Id);
        var text = new List<string>();
        if (!string.IsNullOrWhiteSpace(article.Summary))
        {
            text.Add(article.Summary.Trim());
        }

        if (answer.Section is { } section && !string.IsNullOrWhiteSpace(section.Text))
        {
            text.Add(section.Text.Trim());
        }

        return new Reply
        {
            Title = article.Title,
            Text = string.Join("\n\n", text),
            StepsHeading = answer.Section?.Heading,
            Steps = answer.Section?.Steps ?? [],
            Note = answer.OtherSections.Count > 0 ? "Also in this guide: " + string.Join(", ", answer.OtherSections.Select(s => s.Heading)) + "." : null,
            Link = new ReplyLink("Open the full article", url),
            Sources = [Source(1, article, url, Excerpt(article, answer.Section))],
            Choices = [new(FixedIt, FixedIt), new(StillStuck, StillStuck)],
        };
    }

    /// <summary>An answer the model wrote from the articles: its [n] markers match the sources' positions.</summary>
    public static Reply Generated(GeneratedAnswer answer, string articleBaseUrl) => new()
    {
        Text = answer.Text.Trim(),
        AiGenerated = true,
        Sources = [.. answer.Citations.Select(c => Source(c.Position, c.Source.Article, ArticleUrl(articleBaseUrl, c.Source.Article.Id), Excerpt(c.Source)))],
        Choices = [new(FixedIt, FixedIt), new(StillStuck, StillStuck)],
    };

    public static Reply Clarify(KnowledgeAnswer answer) =>
        Reply.Say("I have a couple of guides that could fit. Which one is closest to your problem?")
            .WithChoices([.. answer.Choices.Select(c => c.Title), "Neither of these"]);

    public static Reply NoMatch(HelpDeskProfile helpDesk) =>
        Reply.Say(
            "Sorry, I couldn't find anything about that in our IT knowledge base, and I'd rather not guess. " +
            "If it's an IT problem, try describing it differently (for example what you were doing and the error you saw). " +
            helpDesk.HowToReachAPerson());

    public static Reply Helped() => Reply.Say("Great, glad that sorted it! Anything else I can help with?");

    public static Reply SmallTalkReply(SmallTalkKind kind, HelpDeskProfile helpDesk) => Reply.Say(kind switch
    {
        SmallTalkKind.Greeting => "Hi! What can I help you with? Tell me what's wrong in your own words.",
        SmallTalkKind.Thanks => "You're welcome! Anything else, just ask.",
        SmallTalkKind.Goodbye => "Bye for now. I'm here whenever something IT-related goes wrong.",
        SmallTalkKind.AreYouABot => $"Yes, I'm a bot: the {helpDesk.Options.OrganisationName} IT help desk assistant. I answer from the IT knowledge base, and I'll tell you how to reach a person when I can't help. " + helpDesk.HowToReachAPerson(),
        _ => "I can help with everyday IT problems: Wi-Fi and VPN, email on your phone, Outlook and Teams, passwords, locked accounts and MFA, installing software, OneDrive and SharePoint, printers, and a slow or frozen laptop. Just describe the problem. " + helpDesk.HowToReachAPerson(),
    });

    public static string ArticleUrl(string baseUrl, string articleId) => $"{baseUrl.TrimEnd('/')}/kb/{Uri.EscapeDataString(articleId)}";

    private static ReplySource Source(int position, KnowledgeArticle article, string url, string excerpt) =>
        new(position, article.Id, article.Title, url, excerpt, [.. article.Tags]);

    private static string Excerpt(KnowledgeArticle article, ArticleSection? section) =>
        section is null ? article.Summary : section.Heading + ": " + string.Join(" ", section.Steps.Take(3));

    private static string Excerpt(AnswerSource source) =>
        string.IsNullOrWhiteSpace(source.Article.Summary) ? source.Passage.ReplaceLineEndings(" ") : source.Article.Summary.Trim();
}
