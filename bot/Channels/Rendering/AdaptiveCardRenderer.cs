using System.Globalization;
using Newtonsoft.Json.Linq;
using SupportBot.Skills.Conversation;

namespace SupportBot.Bot.Channels.Rendering;

/// <summary>
/// A reply as an Adaptive Card (schema 1.5, what Teams and Web Chat both render). In Teams the choices are buttons on
/// the card (messageBack, so the click reaches the bot as a message even in a team channel); Web Chat shows them as
/// suggested actions instead, so they are left off the card there.
/// </summary>
public static class AdaptiveCardRenderer
{
    public const string ContentType = "application/vnd.microsoft.card.adaptive";

    /// <summary>The marker a confirmation card's Action.Submit data carries.</summary>
    public const string ConfirmKind = "selfhelp.confirm";

    public static JObject Card(Reply reply, bool choicesOnCard)
    {
        var body = new JArray();
        if (reply.Title is { } title)
        {
            body.Add(TextBlock(title, weight: "Bolder", size: "Medium"));
        }

        foreach (var paragraph in Paragraphs(reply.Text))
        {
            body.Add(TextBlock(paragraph));
        }

        if (reply.StepsHeading is { } heading)
        {
            var block = TextBlock(heading, weight: "Bolder");
            block["spacing"] = "Medium";
            body.Add(block);
        }

        for (var i = 0; i < reply.Steps.Count; i++)
        {
            body.Add(Step(i + 1, reply.Steps[i]));
        }

        if (reply.Facts.Count > 0)
        {
            body.Add(new JObject
            {
                ["type"] = "FactSet",
                ["facts"] = new JArray(reply.Facts.Select(f => new JObject { ["title"] = f.Name, ["value"] = f.Value })),
            });
        }

        if (reply.Link is { } link)
        {
            body.Add(TextBlock($"[{link.Label}]({link.Url})"));
        }

        if (reply.Sources.Count > 0)
        {
            var label = reply.AiGenerated ? "AI-generated from" : reply.Sources.Count == 1 ? "Source" : "Sources";
            body.Add(Subtle($"{label}: {string.Join(" · ", reply.Sources.Select(s => $"[{s.Title}]({s.Url})"))}"));
        }

        if (reply.Note is { } note)
        {
            body.Add(Subtle(note));
        }

        var actions = new JArray();
        if (reply.Confirmation is { } confirmation)
        {
            actions.Add(Confirm(confirmation, confirmation.ConfirmLabel, approved: true, style: "positive"));
            actions.Add(Confirm(confirmation, "Cancel", approved: false, style: "default"));
        }

        if (choicesOnCard)
        {
            foreach (var choice in reply.Choices)
            {
                actions.Add(new JObject
                {
                    ["type"] = "Action.Submit",
                    ["title"] = choice.Label,
                    ["data"] = new JObject
                    {
                        ["msteams"] = new JObject
                        {
                            ["type"] = "messageBack",
                            ["displayText"] = choice.Label,
                            ["text"] = choice.Value,
                        },
                    },
                });
            }
        }

        var card = new JObject
        {
            ["type"] = "AdaptiveCard",
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["version"] = "1.5",
            ["body"] = body,
        };
        if (actions.Count > 0)
        {
            card["actions"] = actions;
        }

        return card;
    }

    public static JObject TextBlock(string text, string? weight = null, string? size = null)
    {
        var block = new JObject { ["type"] = "TextBlock", ["text"] = text, ["wrap"] = true };
        if (weight is not null)
        {
            block["weight"] = weight;
        }

        if (size is not null)
        {
            block["size"] = size;
        }

        return block;
    }

    public static JObject Subtle(string text)
    {
        var block = TextBlock(text, size: "Small");
        block["isSubtle"] = true;
        return block;
    }

    public static string ExpiryNote(DateTimeOffset expiresAt) =>
        $"Only you can use this card, once, until {expiresAt.ToString("HH:mm", CultureInfo.InvariantCulture)} UTC.";

    private static JObject Accent(JObject block)
    {
        block["color"] = "Accent";
        return block;
    }

    private static IEnumerable<string> Paragraphs(string text) =>
        text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    // A numbered step as two columns, so a long step wraps under its own text rather than under the number.
    private static JObject Step(int number, string text) => new()
    {
        ["type"] = "ColumnSet",
        ["spacing"] = "Small",
        ["columns"] = new JArray
        {
            new JObject
            {
                ["type"] = "Column",
                ["width"] = "auto",
                // A bare number: "2." alone is a Markdown list item, which renderers restart at 1.
                ["items"] = new JArray { Accent(TextBlock(number.ToString(CultureInfo.InvariantCulture), weight: "Bolder")) },
            },
            new JObject
            {
                ["type"] = "Column",
                ["width"] = "stretch",
                ["items"] = new JArray { TextBlock(text) },
            },
        },
    };

    private static JObject Confirm(ReplyConfirmation confirmation, string title, bool approved, string style) => new()
    {
        ["type"] = "Action.Submit",
        ["title"] = title,
        ["style"] = style,
        ["data"] = ConfirmData(confirmation, approved),
    };

    public static JObject ConfirmData(ReplyConfirmation confirmation, bool approved) => new()
    {
        ["kind"] = ConfirmKind,
        ["token"] = confirmation.Token,
        ["action"] = confirmation.ActionId,
        ["approved"] = approved,
    };
}
