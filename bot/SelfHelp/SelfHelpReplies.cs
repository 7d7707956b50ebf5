using System.Globalization;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Newtonsoft.Json.Linq;
using SupportBot.Skills.SelfHelp;

namespace SupportBot.Bot.SelfHelp;

/// <summary>Turns an action's channel-neutral reply into an activity; confirmations become an Adaptive Card.</summary>
public static class SelfHelpReplies
{
    public const string TalkToTechnician = "Talk to a technician";

    /// <summary>The marker a confirmation card's Action.Submit data carries.</summary>
    public const string SubmitKind = "selfhelp.confirm";

    public static Activity Render(ActionReply reply)
    {
        var activity = MessageFactory.Text(reply.Text);
        activity.TextFormat = TextFormatTypes.Markdown;
        if (reply.Confirmation is { } confirmation)
        {
            // The card says what will happen; the text only introduces it (and is what a screen reader or a
            // notification shows).
            activity.Text = "Please confirm — nothing happens until you do.";
            activity.Attachments = [ConfirmationCard(confirmation)];
        }

        var choices = reply.Choices.ToList();
        if (reply.NeedsTechnician)
        {
            choices.Add(TalkToTechnician);
        }

        if (choices.Count > 0)
        {
            activity.SuggestedActions = new SuggestedActions { Actions = [.. choices.Select(c => new CardAction(ActionTypes.ImBack, c, value: c))] };
        }

        return activity;
    }

    /// <summary>The submit a confirmation card sent, or null when the activity isn't one.</summary>
    public static ConfirmationSubmit? ReadSubmit(IActivity activity)
    {
        if (activity is not IMessageActivity { Value: not null } message)
        {
            return null;
        }

        var value = message.Value as JObject ?? (message.Value is string s && s.TrimStart().StartsWith('{') ? TryParse(s) : null);
        if (value is null || value.Value<string>("kind") != SubmitKind)
        {
            return null;
        }

        var approved = value["approved"] is { Type: JTokenType.Boolean } flag && flag.Value<bool>();
        return new ConfirmationSubmit(value["token"]?.Type == JTokenType.String ? (string?)value["token"] : null,
            value["action"]?.Type == JTokenType.String ? (string?)value["action"] : null,
            approved);
    }

    public static Attachment ConfirmationCard(ConfirmationPrompt prompt)
    {
        JObject Submit(string title, bool approved, string? style) => new()
        {
            ["type"] = "Action.Submit",
            ["title"] = title,
            ["style"] = style ?? "default",
            ["data"] = new JObject
            {
                ["kind"] = SubmitKind,
                ["token"] = prompt.Token,
                ["action"] = prompt.ActionId,
                ["approved"] = approved,
            },
        };

        var card = new JObject
        {
            ["type"] = "AdaptiveCard",
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["version"] = "1.5",
            ["body"] = new JArray
            {
                new JObject { ["type"] = "TextBlock", ["text"] = prompt.Title, ["weight"] = "Bolder", ["size"] = "Medium", ["wrap"] = true },
                new JObject { ["type"] = "TextBlock", ["text"] = prompt.Details, ["wrap"] = true },
                new JObject
                {
                    ["type"] = "TextBlock",
                    ["text"] = $"Only you can use this card, once, until {prompt.ExpiresAt.ToString("HH:mm", CultureInfo.InvariantCulture)} UTC.",
                    ["isSubtle"] = true,
                    ["size"] = "Small",
                    ["wrap"] = true,
                },
            },
            ["actions"] = new JArray { Submit(prompt.ConfirmLabel, true, "positive"), Submit("Cancel", false, null) },
        };
        return new Attachment("application/vnd.microsoft.card.adaptive", content: card);
    }

    private static JObject? TryParse(string json)
    {
        try
        {
            return JObject.Parse(json);
        }
        catch (Newtonsoft.Json.JsonReaderException)
        {
            return null;
        }
    }
}
