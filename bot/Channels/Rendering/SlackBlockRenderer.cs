using Newtonsoft.Json.Linq;
using SupportBot.Skills.Conversation;

namespace SupportBot.Bot.Channels.Rendering;

/// <summary>
/// A reply as a Slack message (Block Kit), which Azure Bot Service posts as-is when it is the activity's channelData.
/// Buttons carry action ids the bot knows (<see cref="ChoicePrefix"/>, <see cref="ConfirmAction"/>, …); the click comes
/// back as a message activity with the action in channelData.Payload. Slack's limits are respected: header ≤ 150
/// characters, section text ≤ 3,000, ≤ 10 fields, button text ≤ 75, value ≤ 2,000, ≤ 25 buttons per actions block.
/// </summary>
public static class SlackBlockRenderer
{
    public const string ChoicePrefix = "supportbot.choice.";
    public const string ConfirmAction = "supportbot.confirm";
    public const string CancelAction = "supportbot.cancel";
    public const string LinkAction = "supportbot.link";

    public static JObject Message(Reply reply)
    {
        var blocks = new JArray();
        if (reply.Title is { } title)
        {
            blocks.Add(new JObject { ["type"] = "header", ["text"] = PlainText(Cut(ReplyMarkdown.ToPlain(title), 150)) });
        }

        if (!string.IsNullOrWhiteSpace(reply.Text))
        {
            blocks.Add(Section(reply.Text));
        }

        if (reply.Steps.Count > 0)
        {
            var steps = string.Join('\n', reply.Steps.Select((s, i) => $"{i + 1}. {s}"));
            blocks.Add(Section(reply.StepsHeading is { } heading ? $"**{heading}**\n{steps}" : steps));
        }

        if (reply.Facts.Count > 0)
        {
            blocks.Add(new JObject
            {
                ["type"] = "section",
                ["fields"] = new JArray(reply.Facts.Take(10).Select(f => Mrkdwn(Cut($"*{Escape(f.Name)}*\n{ReplyMarkdown.ToSlack(f.Value)}", 2000)))),
            });
        }

        var context = new List<string>();
        if (reply.Sources.Count > 0)
        {
            var label = reply.AiGenerated ? "_AI-generated from:_" : "Source:";
            context.Add($"{label} {string.Join(" · ", reply.Sources.Select(s => ReplyMarkdown.ToSlack($"[{s.Title}]({s.Url})")))}");
        }

        if (reply.Note is { } note)
        {
            context.Add(ReplyMarkdown.ToSlack(note));
        }

        if (context.Count > 0)
        {
            blocks.Add(new JObject { ["type"] = "context", ["elements"] = new JArray(context.Select(c => Mrkdwn(Cut(c, 2000)))) });
        }

        var buttons = new JArray();
        if (reply.Confirmation is { } confirmation)
        {
            var value = new JObject { ["token"] = confirmation.Token, ["action"] = confirmation.ActionId }.ToString(Newtonsoft.Json.Formatting.None);
            buttons.Add(Button(confirmation.ConfirmLabel, ConfirmAction, value, "primary"));
            buttons.Add(Button("Cancel", CancelAction, value, null));
        }

        for (var i = 0; i < reply.Choices.Count && buttons.Count < 25; i++)
        {
            buttons.Add(Button(reply.Choices[i].Label, ChoicePrefix + i, reply.Choices[i].Value, null));
        }

        if (reply.Link is { } link)
        {
            var button = Button(link.Label, LinkAction, link.Url, null);
            button["url"] = link.Url;
            buttons.Add(button);
        }

        if (buttons.Count > 0)
        {
            blocks.Add(new JObject { ["type"] = "actions", ["block_id"] = "supportbot.actions", ["elements"] = buttons });
        }

        // Slack shows "text" in notifications and where blocks can't be drawn.
        return new JObject { ["text"] = Cut(ReplyMarkdown.ToSlack(reply.ToPlainText()), 3000), ["blocks"] = blocks };
    }

    private static JObject Section(string markdown) => new() { ["type"] = "section", ["text"] = Mrkdwn(Cut(ReplyMarkdown.ToSlack(markdown), 3000)) };

    private static JObject Mrkdwn(string text) => new() { ["type"] = "mrkdwn", ["text"] = text };

    private static JObject PlainText(string text) => new() { ["type"] = "plain_text", ["text"] = text, ["emoji"] = true };

    private static JObject Button(string label, string actionId, string value, string? style)
    {
        var button = new JObject
        {
            ["type"] = "button",
            ["text"] = PlainText(Cut(ReplyMarkdown.ToPlain(label), 75)),
            ["action_id"] = actionId,
            ["value"] = Cut(value, 2000),
        };
        if (style is not null)
        {
            button["style"] = style;
        }

        return button;
    }

    private static string Escape(string text) => ReplyMarkdown.ToSlack(text.Replace("*", string.Empty, StringComparison.Ordinal));

    private static string Cut(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
}
