using Newtonsoft.Json.Linq;

namespace SupportBot.Bot.Channels.Slack;

/// <summary>
/// Slack's own JSON in an Azure Bot Service activity's channelData: <c>SlackMessage</c> (the Events API envelope) on a
/// message, <c>Payload</c> (the interactive payload, an object or a JSON string) on a button click. One reader for the
/// turn gate, the input middleware and anything else that needs it.
/// </summary>
public static class SlackChannelData
{
    /// <summary>The Events API event (<c>SlackMessage.event</c>), or null.</summary>
    public static JObject? Event(object? channelData) => Root(channelData)?["SlackMessage"]?["event"] as JObject;

    /// <summary>The interactive payload of a click (<c>Payload</c> or <c>payload</c>, parsed when it is a string), or null.</summary>
    public static JObject? Payload(object? channelData)
    {
        var root = Root(channelData);
        var payload = root?["Payload"] ?? root?["payload"];
        if (payload is { Type: JTokenType.String })
        {
            try
            {
                return JToken.Parse((string)payload!) as JObject;
            }
            catch (Newtonsoft.Json.JsonReaderException)
            {
                return null;
            }
        }

        return payload as JObject;
    }

    /// <summary>
    /// What stays the same when Slack delivers one message again (a retry, or the app_mention and message events of one
    /// mention): its channel and timestamp. Null when the activity isn't a Slack message event.
    /// </summary>
    public static string? MessageKey(object? channelData) =>
        Event(channelData) is { } slackEvent && (string?)slackEvent["ts"] is { Length: > 0 } ts
            ? $"slack-message:{(string?)slackEvent["channel"]}:{ts}"
            : null;

    private static JObject? Root(object? channelData) =>
        channelData as JObject ?? (channelData is null ? null : JObject.FromObject(channelData));
}
