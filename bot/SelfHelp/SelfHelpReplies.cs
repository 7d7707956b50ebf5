using Microsoft.Bot.Schema;
using Newtonsoft.Json.Linq;
using SupportBot.Bot.Channels.Rendering;
using SupportBot.Skills.Conversation;
using SupportBot.Skills.SelfHelp;

namespace SupportBot.Bot.SelfHelp;

/// <summary>An action's outcome as a reply; a confirmation becomes a card with confirm/cancel buttons bound to a single-use token.</summary>
public static class SelfHelpReplies
{
    public const string TalkToTechnician = "Talk to a technician";

    /// <summary>The marker a confirmation card's Action.Submit data carries.</summary>
    public const string SubmitKind = AdaptiveCardRenderer.ConfirmKind;

    public static Reply Render(ActionReply reply)
    {
        var choices = reply.Choices.ToList();
        if (reply.NeedsTechnician)
        {
            choices.Add(TalkToTechnician);
        }

        if (reply.Confirmation is not { } prompt)
        {
            return Reply.Say(reply.Text).WithChoices(choices);
        }

        // The card says what will happen; nothing runs until the user confirms on it.
        return new Reply
        {
            Title = prompt.Title,
            Text = prompt.Details,
            Note = AdaptiveCardRenderer.ExpiryNote(prompt.ExpiresAt),
            Confirmation = new ReplyConfirmation(prompt.Token, prompt.ActionId, prompt.ConfirmLabel, prompt.ExpiresAt),
        }.WithChoices(choices);
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
