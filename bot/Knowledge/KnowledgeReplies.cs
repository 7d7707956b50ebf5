using System.Text;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Newtonsoft.Json.Linq;
using SupportBot.Skills.HelpDesk;
using SupportBot.Skills.Knowledge;
using SupportBot.Skills.Knowledge.Generative;

namespace SupportBot.Bot.Knowledge;

/// <summary>
/// Turns knowledge answers into Bot Framework activities: Markdown text with numbered steps, the schema.org
/// citation entity (each claim's appearance.url ends in /kb/{id}) and the feedback buttons. A written (generative)
/// answer is labelled AI-generated and cites every article its [n] markers point to.
/// </summary>
public static class KnowledgeReplies
{
    public const string FixedIt = "That fixed it";
    public const string StillStuck = "Still stuck";

    public static Activity Answer(KnowledgeAnswer answer, string articleBaseUrl)
    {
        var article = answer.Article!;
        var url = ArticleUrl(articleBaseUrl, article.Id);
        var text = new StringBuilder();
        text.Append("**").Append(article.Title).Append("** [1]\n\n");
        if (!string.IsNullOrWhiteSpace(article.Summary))
        {
            text.Append(article.Summary.Trim()).Append("\n\n");
        }

        if (answer.Section is { } section)
        {
            text.Append("**").Append(section.Heading).Append("**\n\n");
            if (!string.IsNullOrWhiteSpace(section.Text))
            {
                text.Append(section.Text.Trim()).Append("\n\n");
            }

            for (var i = 0; i < section.Steps.Count; i++)
            {
                text.Append(i + 1).Append(". ").Append(section.Steps[i]).Append('\n');
            }

            text.Append('\n');
        }

        if (answer.OtherSections.Count > 0)
        {
            text.Append("Also in this guide: ").Append(string.Join(", ", answer.OtherSections.Select(s => s.Heading))).Append(". ");
        }

        text.Append($"[Open the full article]({url})");

        var reply = MessageFactory.Text(text.ToString().Trim());
        reply.TextFormat = TextFormatTypes.Markdown;
        reply.Entities = [Citation(article, url, answer.Section)];
        reply.SuggestedActions = new SuggestedActions { Actions = [Button(FixedIt), Button(StillStuck)] };
        return reply;
    }

    /// <summary>An answer the model wrote from the articles: its [n] markers match the citation claims' positions.</summary>
    public static Activity Generated(GeneratedAnswer answer, string articleBaseUrl)
    {
        // Channels that don't render citations (Slack, Web Chat) still show where the answer came from.
        var links = answer.Citations.Select(c => $"[{c.Source.Article.Title}]({ArticleUrl(articleBaseUrl, c.Source.Article.Id)})");
        var text = $"{answer.Text.Trim()}\n\n*AI-generated from:* {string.Join(" · ", links)}";

        var reply = MessageFactory.Text(text);
        reply.TextFormat = TextFormatTypes.Markdown;
        reply.Entities =
        [
            MessageEntity(
                answer.Citations.Select(c => Claim(c.Position, c.Source.Article, ArticleUrl(articleBaseUrl, c.Source.Article.Id), Excerpt(c.Source))),
                aiGenerated: true),
        ];
        reply.SuggestedActions = new SuggestedActions { Actions = [Button(FixedIt), Button(StillStuck)] };
        return reply;
    }

    public static Activity Clarify(KnowledgeAnswer answer)
    {
        var reply = MessageFactory.Text("I have a couple of guides that could fit. Which one is closest to your problem?");
        reply.SuggestedActions = new SuggestedActions { Actions = [.. answer.Choices.Select(c => Button(c.Title)), Button("Neither of these")] };
        return reply;
    }

    public static Activity NoMatch(HelpDeskProfile helpDesk) =>
        MessageFactory.Text(
            "Sorry, I couldn't find anything about that in our IT knowledge base, and I'd rather not guess. " +
            "If it's an IT problem, try describing it differently (for example what you were doing and the error you saw). " +
            helpDesk.HowToReachAPerson());

    public static Activity Helped() => MessageFactory.Text("Great, glad that sorted it! Anything else I can help with?");

    public static Activity NotHelped(HelpDeskProfile helpDesk) =>
        MessageFactory.Text("Sorry that didn't fix it. A technician can take it from here. " + helpDesk.HowToReachAPerson());

    public static Activity SmallTalkReply(SmallTalkKind kind, HelpDeskProfile helpDesk) => MessageFactory.Text(kind switch
    {
        SmallTalkKind.Greeting => "Hi! What can I help you with? Tell me what's wrong in your own words.",
        SmallTalkKind.Thanks => "You're welcome! Anything else, just ask.",
        SmallTalkKind.Goodbye => "Bye for now. I'm here whenever something IT-related goes wrong.",
        SmallTalkKind.AreYouABot => $"Yes, I'm a bot: the {helpDesk.Options.OrganisationName} IT help desk assistant. I answer from the IT knowledge base, and I'll tell you how to reach a person when I can't help. " + helpDesk.HowToReachAPerson(),
        _ => "I can help with everyday IT problems: Wi-Fi and VPN, email on your phone, Outlook and Teams, passwords, locked accounts and MFA, installing software, OneDrive and SharePoint, printers, and a slow or frozen laptop. Just describe the problem. " + helpDesk.HowToReachAPerson(),
    });

    public static string ArticleUrl(string baseUrl, string articleId) => $"{baseUrl.TrimEnd('/')}/kb/{Uri.EscapeDataString(articleId)}";

    /// <summary>The schema.org Message entity with a citation claim: the format Teams renders for AI answers.</summary>
    public static Entity Citation(KnowledgeArticle article, string url, ArticleSection? section)
    {
        var excerpt = section is null ? article.Summary : section.Heading + ": " + string.Join(" ", section.Steps.Take(3));
        return MessageEntity([Claim(1, article, url, excerpt)], aiGenerated: false);
    }

    private static Entity MessageEntity(IEnumerable<JObject> claims, bool aiGenerated)
    {
        var entity = new Entity("https://schema.org/Message");
        entity.Properties["@type"] = "Message";
        entity.Properties["@context"] = "https://schema.org";
        entity.Properties["@id"] = string.Empty;
        if (aiGenerated)
        {
            // Teams shows its "AI generated" label for this.
            entity.Properties["additionalType"] = new JArray("AIGeneratedContent");
        }

        entity.Properties["citation"] = new JArray(claims);
        return entity;
    }

    private static JObject Claim(int position, KnowledgeArticle article, string url, string excerpt) => new()
    {
        ["@type"] = "Claim",
        ["position"] = position,
        ["appearance"] = new JObject
        {
            ["@type"] = "DigitalDocument",
            ["name"] = article.Title,
            ["url"] = url,
            ["abstract"] = excerpt.Length <= 160 ? excerpt : excerpt[..159] + "…",
            ["keywords"] = new JArray(article.Tags.Take(3)),
        },
    };

    private static string Excerpt(AnswerSource source) =>
        string.IsNullOrWhiteSpace(source.Article.Summary) ? source.Passage.ReplaceLineEndings(" ") : source.Article.Summary.Trim();

    private static CardAction Button(string title) => new(ActionTypes.ImBack, title, value: title);
}
