using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Newtonsoft.Json.Linq;
using SupportBot.Bot.Channels.Rendering;
using SupportBot.Bot.Channels.Slack;
using SupportBot.Skills.Conversation;

namespace SupportBot.Bot.Channels;

/// <summary>
/// Makes each channel's input look the same to the bot before it reads it: in Teams team channels and group chats
/// only messages that @mention the bot are answered (and the mention is taken out of the text); a Slack button
/// click becomes the message or card submit it stands for; on a plain-text channel "2" becomes the second choice of
/// the last list. Activities from a channel the bot was never built for still get an answer (as plain text) and a
/// log line saying so, once per channel.
/// </summary>
public sealed partial class ChannelInputMiddleware(ReplySender sender, ILogger<ChannelInputMiddleware> logger) : Microsoft.Bot.Builder.IMiddleware
{
    private readonly ConcurrentDictionary<string, bool> _unknownChannelsSeen = new(StringComparer.Ordinal);

    public async Task OnTurnAsync(ITurnContext turnContext, NextDelegate next, CancellationToken cancellationToken = default)
    {
        var activity = turnContext.Activity;
        if (!ChannelFamilies.IsKnown(activity.ChannelId) && _unknownChannelsSeen.TryAdd(activity.ChannelId ?? string.Empty, true))
        {
            logger.LogWarning("First activity from channel {ChannelId}, which SupportBot has no renderer for: replies go as plain text", activity.ChannelId ?? "(none)");
        }

        if (activity.Type == ActivityTypes.Message)
        {
            var carryOn = ChannelFamilies.Of(activity.ChannelId) switch
            {
                ChannelFamily.Teams => ReadTeamsMessage(activity),
                ChannelFamily.Slack => await ReadSlackActionAsync(turnContext, cancellationToken),
                ChannelFamily.PlainText => await ReadNumberAsync(activity, cancellationToken),
                _ => true,
            };
            if (!carryOn)
            {
                return;
            }
        }

        await next(cancellationToken);
    }

    // Teams delivers every message of a channel the bot can read; it answers only when asked (@SupportBot …).
    private bool ReadTeamsMessage(Activity activity)
    {
        var shared = activity.Conversation?.ConversationType is "channel" or "groupChat";
        var mentioned = activity.GetMentions().Any(m => m.Mentioned?.Id is { } id && id == activity.Recipient?.Id);
        if (mentioned)
        {
            activity.RemoveRecipientMention();
            activity.Text = activity.Text?.Replace("&nbsp;", " ", StringComparison.Ordinal).Trim();
            return true;
        }

        // A card button (messageBack / Action.Submit) carries a value and needs no mention.
        if (shared && activity.Value is null)
        {
            logger.LogDebug("Ignored a {ConversationType} message that doesn't mention the bot", activity.Conversation?.ConversationType);
            return false;
        }

        return true;
    }

    private async Task<bool> ReadSlackActionAsync(ITurnContext turn, CancellationToken cancellationToken)
    {
        var activity = turn.Activity;
        if (SlackAction.Read(activity.ChannelData) is not { } action)
        {
            return ReadSlackMention(activity);
        }

        if (action.ActionId.StartsWith(SlackBlockRenderer.ChoicePrefix, StringComparison.Ordinal) && !string.IsNullOrWhiteSpace(action.Value))
        {
            activity.Text = action.Value;
            activity.Value = null;
            return true;
        }

        if (action.ActionId is SlackBlockRenderer.ConfirmAction or SlackBlockRenderer.CancelAction && TryParse(action.Value) is { } data)
        {
            activity.Text = null;
            activity.Value = new JObject
            {
                ["kind"] = AdaptiveCardRenderer.ConfirmKind,
                ["token"] = data["token"],
                ["action"] = data["action"],
                ["approved"] = action.ActionId == SlackBlockRenderer.ConfirmAction,
            };
            return true;
        }

        if (action.ActionId == SlackBlockRenderer.LinkAction)
        {
            // Slack reports link-button clicks too; the browser already opened the page.
            return false;
        }

        logger.LogWarning("Slack button with an unknown action id {ActionId} in conversation {ConversationId}", Truncate(action.ActionId), activity.Conversation?.Id);
        await sender.SendAsync(turn, Reply.Say(
            "Sorry, I don't know that button — it may be from an old message. Tell me in a sentence what you need, or type *help*."), cancellationToken);
        return false;
    }

    // In a Slack channel the bot sees every message (message.channels) but answers only "@SupportBot …".
    private bool ReadSlackMention(Activity activity)
    {
        var botUser = activity.Recipient?.Id?.Split(':')[0];
        var mention = string.IsNullOrEmpty(botUser) ? null : $"<@{botUser}>";
        var mentioned = mention is not null && activity.Text?.Contains(mention, StringComparison.Ordinal) == true ||
            (string?)SlackChannelData.Event(activity.ChannelData)?["type"] == "app_mention";
        if (mention is not null && activity.Text is { } text)
        {
            activity.Text = text.Replace(mention, " ", StringComparison.Ordinal).Trim();
        }

        if (activity.Conversation?.IsGroup == true && !mentioned)
        {
            logger.LogDebug("Ignored a Slack channel message that doesn't mention the bot");
            return false;
        }

        return true;
    }

    private async Task<bool> ReadNumberAsync(Activity activity, CancellationToken cancellationToken)
    {
        if (activity.Text is not { } text || NumberPattern().Match(text) is not { Success: true } match)
        {
            return true;
        }

        var number = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        if (await sender.FindNumberedAsync(activity, number, cancellationToken) is { } choice)
        {
            activity.Text = choice.Text;
            activity.Value = choice.Submit;
        }

        return true;
    }

    private static JObject? TryParse(string? json)
    {
        try
        {
            return json is null ? null : JObject.Parse(json);
        }
        catch (Newtonsoft.Json.JsonReaderException)
        {
            return null;
        }
    }

    private static string Truncate(string value) => value.Length <= 100 ? value : value[..100];

    [GeneratedRegex(@"^\s*#?(\d{1,2})\s*[.)]?\s*$")]
    private static partial Regex NumberPattern();
}

/// <summary>A Slack Block Kit button click as Azure Bot Service delivers it (channelData.Payload of type block_actions).</summary>
public sealed record SlackAction(string ActionId, string? Value)
{
    public static SlackAction? Read(object? channelData)
    {
        var payload = SlackChannelData.Payload(channelData);
        if (payload?["actions"] is not JArray { Count: > 0 } actions || actions[0] is not JObject first)
        {
            return null;
        }

        var actionId = (string?)first["action_id"] ?? (string?)first["name"];
        return actionId is null ? null : new SlackAction(actionId, first["value"]?.Type == JTokenType.String ? (string?)first["value"] : first["value"]?.ToString());
    }
}
