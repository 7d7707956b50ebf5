using System.Text;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Newtonsoft.Json.Linq;
using SupportBot.Skills.Conversation;

namespace SupportBot.Bot.Channels.Rendering;

/// <summary>What a plain-text channel's user can answer by number, and what that number stands for.</summary>
public sealed record NumberedChoice(int Number, string Label, string? Text, JObject? Submit);

public sealed record RenderedReply(Activity Activity, IReadOnlyList<NumberedChoice> Numbered);

/// <summary>
/// Renders one channel-neutral <see cref="Reply"/> for the channel it goes to, so no channel is sent markup it can't
/// show: Teams and Web Chat get an Adaptive Card (or a Markdown message when the reply is just words), Slack gets
/// Block Kit in channelData, anything else plain text with numbered choices. Every channel gets the schema.org
/// citation entity for a grounded answer (it is metadata, not markup).
/// </summary>
public static class ReplyRenderer
{
    public static RenderedReply Render(Reply reply, string? channelId) => ChannelFamilies.Of(channelId) switch
    {
        ChannelFamily.Teams => new(CardOrText(reply, choicesOnCard: true), []),
        ChannelFamily.WebChat => new(CardOrText(reply, choicesOnCard: false), []),
        ChannelFamily.Slack => new(Slack(reply), []),
        _ => PlainText(reply),
    };

    private static Activity CardOrText(Reply reply, bool choicesOnCard)
    {
        Activity activity;
        if (reply.IsSimple && (!choicesOnCard || reply.Choices.Count == 0))
        {
            activity = MessageFactory.Text(reply.Text);
            activity.TextFormat = TextFormatTypes.Markdown;
        }
        else
        {
            activity = (Activity)MessageFactory.Attachment(new Attachment(AdaptiveCardRenderer.ContentType, content: AdaptiveCardRenderer.Card(reply, choicesOnCard)));
            activity.Text = null;

            // What Teams shows in notifications and the chat list for a card.
            activity.Summary = Summary(reply);
        }

        if (!choicesOnCard && reply.Choices.Count > 0)
        {
            activity.SuggestedActions = new SuggestedActions
            {
                Actions = [.. reply.Choices.Select(c => new CardAction(ActionTypes.ImBack, c.Label, value: c.Value))],
            };
        }

        return WithCitations(activity, reply);
    }

    private static Activity Slack(Reply reply)
    {
        var message = SlackBlockRenderer.Message(reply);
        var activity = MessageFactory.Text((string?)message["text"]);
        activity.ChannelData = message;
        return WithCitations(activity, reply);
    }

    private static RenderedReply PlainText(Reply reply)
    {
        var text = new StringBuilder(reply.ToPlainText());
        if (reply.Sources.Count > 0)
        {
            text.Append("\n\n").Append(reply.Sources.Count == 1 ? "Source: " : "Sources: ")
                .AppendJoin("; ", reply.Sources.Select(s => $"{s.Title} ({s.Url})"));
        }

        if (reply.Link is { } link)
        {
            text.Append("\n\n").Append(link.Label).Append(": ").Append(link.Url);
        }

        var numbered = new List<NumberedChoice>();
        if (reply.Confirmation is { } confirmation)
        {
            numbered.Add(new(1, confirmation.ConfirmLabel, null, AdaptiveCardRenderer.ConfirmData(confirmation, approved: true)));
            numbered.Add(new(2, "Cancel", null, AdaptiveCardRenderer.ConfirmData(confirmation, approved: false)));
        }

        foreach (var choice in reply.Choices)
        {
            numbered.Add(new(numbered.Count + 1, ReplyMarkdown.ToPlain(choice.Label), choice.Value, null));
        }

        if (numbered.Count > 0)
        {
            text.Append("\n\nReply with a number:");
            foreach (var choice in numbered)
            {
                text.Append('\n').Append(choice.Number).Append(". ").Append(choice.Label);
            }
        }

        var activity = MessageFactory.Text(text.ToString().Trim());
        activity.TextFormat = TextFormatTypes.Plain;
        return new(WithCitations(activity, reply), numbered);
    }

    private static string Summary(Reply reply)
    {
        var first = reply.Title ?? reply.Text.Split('\n', 2)[0];
        var plain = ReplyMarkdown.ToPlain(first).Trim();
        return plain.Length <= 120 ? plain : plain[..119] + "…";
    }

    private static Activity WithCitations(Activity activity, Reply reply)
    {
        if (reply.Sources.Count > 0)
        {
            activity.Entities = [CitationEntity.For(reply.Sources, reply.AiGenerated)];
        }

        return activity;
    }
}

/// <summary>The schema.org Message entity with citation claims: the format Teams renders for AI answers.</summary>
public static class CitationEntity
{
    public static Entity For(IEnumerable<ReplySource> sources, bool aiGenerated)
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

        entity.Properties["citation"] = new JArray(sources.Select(s => new JObject
        {
            ["@type"] = "Claim",
            ["position"] = s.Position,
            ["appearance"] = new JObject
            {
                ["@type"] = "DigitalDocument",
                ["name"] = s.Title,
                ["url"] = s.Url,
                ["abstract"] = s.Excerpt.Length <= 160 ? s.Excerpt : s.Excerpt[..159] + "…",
                ["keywords"] = new JArray(s.Keywords.Take(3)),
            },
        }));
        return entity;
    }
}
