using System.Globalization;
using System.Net;
using Newtonsoft.Json.Linq;

namespace SupportBot.Tests.Infrastructure;

/// <summary>A Slack member as the Azure Bot Service Slack channel names them.</summary>
/// <param name="UserId">Slack's member id, <c>U…</c>.</param>
/// <param name="TeamId">Slack's workspace id, <c>T…</c>.</param>
/// <param name="Name">The Slack user name ABS puts in <c>from.name</c>.</param>
public sealed record SlackUser(string UserId, string TeamId, string Name)
{
    /// <summary><c>from.id</c> of their activities: <c>{user}:{team}</c>.</summary>
    public string FromId => $"{UserId}:{TeamId}";
}

/// <summary>
/// Activities shaped as the Azure Bot Service (ABS) Slack channel posts them to /api/messages, for tests of anything
/// Slack-specific (identity, Block Kit rendering, button clicks). What ABS does, and so what these build:
/// <list type="bullet">
/// <item><c>channelId</c> is <c>"slack"</c>; <c>from.id</c> is <c>"{user}:{team}"</c> (<c>U0123ABC:T0456DEF</c>),
/// <c>recipient.id</c> is <c>"{bot user}:{team}"</c>, <c>conversation.id</c> is <c>"{bot user}:{team}:{slack channel}"</c>
/// (a <c>D…</c> direct-message channel by default); <c>serviceUrl</c> is where replies go (a <see cref="ChannelRecorder"/>).</item>
/// <item>A message carries Slack's Events API envelope in <c>channelData.SlackMessage</c>
/// (<c>{token, team_id, api_app_id, event:{type:"message", user, text, ts, channel, channel_type, team}, type:"event_callback", event_id, event_time}</c>),
/// and the bot's own Slack token in <c>channelData.ApiToken</c>.</item>
/// <item>A Block Kit button click arrives as a <b>message</b> activity whose <c>text</c> is the button's <c>value</c> and
/// whose <c>channelData.Payload</c> is Slack's interactive payload:
/// <c>{type:"block_actions", user:{id, username, name, team_id}, team:{id, domain}, channel:{id, name},
/// container:{type:"message", message_ts, channel_id}, actions:[{action_id, block_id, type:"button", value, text, action_ts}],
/// response_url, trigger_id, api_app_id, token}</c>.</item>
/// </list>
/// Sources: Microsoft's answer in microsoft/botframework-sdk#1384 (SlackMessage + ApiToken on messages, Payload only on
/// clicks), microsoft/BotFramework-Services#292 (the two shapes differ; ids are user:team), and the Microsoft 365 Agents
/// SDK's Slack extension (channelData.SlackMessage is the Events API envelope).
/// </summary>
public static class SlackActivities
{
    /// <summary>The bot user's Slack id (ABS's <c>recipient.id</c> is it plus the team).</summary>
    public const string BotUserId = "B0SUPPORT";

    /// <summary>The fake bot token ABS puts in <c>channelData.ApiToken</c> unless a test gives another (tests check it is never logged).</summary>
    public const string DefaultApiToken = "xoxb-0000000000-1111111111-abs-channel-data-token";

    /// <summary>A Slack message from <paramref name="from"/>, as ABS delivers it.</summary>
    /// <param name="serviceUrl">Where the bot replies (a <see cref="ChannelRecorder"/>'s ServiceUrl).</param>
    /// <param name="slackChannelId">The Slack conversation: <c>D…</c> a direct message, <c>C…</c> a public channel, <c>G…</c> a private one.</param>
    /// <param name="from">The sender.</param>
    /// <param name="text">What they typed.</param>
    /// <param name="eventUser">The user Slack's event names; the sender's by default (a test may make them disagree).</param>
    /// <param name="apiToken">channelData.ApiToken; null leaves it out.</param>
    public static JObject Message(string serviceUrl, string slackChannelId, SlackUser from, string text, string? eventUser = null, string? apiToken = DefaultApiToken)
    {
        var ts = Timestamp();
        var activity = Envelope(serviceUrl, slackChannelId, from, text);
        var channelData = new JObject
        {
            ["SlackMessage"] = new JObject
            {
                ["token"] = "verification-token-not-a-secret-here",
                ["team_id"] = from.TeamId,
                ["api_app_id"] = "A0SUPPORT",
                ["event"] = new JObject
                {
                    ["type"] = "message",
                    ["client_msg_id"] = Guid.NewGuid().ToString(),
                    ["text"] = text,
                    ["user"] = eventUser ?? from.UserId,
                    ["ts"] = ts,
                    ["team"] = from.TeamId,
                    ["channel"] = slackChannelId,
                    ["event_ts"] = ts,
                    ["channel_type"] = ChannelType(slackChannelId),
                },
                ["type"] = "event_callback",
                ["event_id"] = "Ev" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant(),
                ["event_time"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            },
        };
        if (apiToken is not null)
        {
            channelData["ApiToken"] = apiToken;
        }

        activity["channelData"] = channelData;
        return activity;
    }

    /// <summary>A click on a Block Kit button, as ABS delivers it: a message whose text is the button's value.</summary>
    /// <param name="serviceUrl">Where the bot replies.</param>
    /// <param name="slackChannelId">The Slack conversation the button's message is in.</param>
    /// <param name="from">Who clicked.</param>
    /// <param name="actionId">The button's <c>action_id</c>.</param>
    /// <param name="value">The button's <c>value</c> (also the activity's text).</param>
    /// <param name="blockId">The <c>block_id</c> of the actions block.</param>
    /// <param name="buttonText">The button's label.</param>
    /// <param name="messageTs">The <c>ts</c> of the message that holds the button.</param>
    /// <param name="payloadUser">The user Slack's payload names; the clicker's by default.</param>
    /// <param name="apiToken">channelData.ApiToken; null leaves it out.</param>
    public static JObject BlockAction(
        string serviceUrl,
        string slackChannelId,
        SlackUser from,
        string actionId,
        string value,
        string blockId = "actions",
        string? buttonText = null,
        string? messageTs = null,
        string? payloadUser = null,
        string? apiToken = DefaultApiToken)
    {
        var activity = Envelope(serviceUrl, slackChannelId, from, value);
        var ts = messageTs ?? Timestamp();
        var channelData = new JObject
        {
            ["Payload"] = new JObject
            {
                ["type"] = "block_actions",
                ["user"] = new JObject
                {
                    ["id"] = payloadUser ?? from.UserId,
                    ["username"] = from.Name,
                    ["name"] = from.Name,
                    ["team_id"] = from.TeamId,
                },
                ["api_app_id"] = "A0SUPPORT",
                ["token"] = "verification-token-not-a-secret-here",
                ["container"] = new JObject
                {
                    ["type"] = "message",
                    ["message_ts"] = ts,
                    ["channel_id"] = slackChannelId,
                    ["is_ephemeral"] = false,
                },
                ["trigger_id"] = "1234567890.1234567890.abcdef",
                ["team"] = new JObject { ["id"] = from.TeamId, ["domain"] = "contoso" },
                ["channel"] = new JObject { ["id"] = slackChannelId, ["name"] = ChannelType(slackChannelId) == "im" ? "directmessage" : "it-help" },
                ["response_url"] = $"https://hooks.slack.com/actions/{from.TeamId}/1234567890/abcdefABCDEF",
                ["actions"] = new JArray(new JObject
                {
                    ["action_id"] = actionId,
                    ["block_id"] = blockId,
                    ["text"] = new JObject { ["type"] = "plain_text", ["text"] = buttonText ?? value, ["emoji"] = true },
                    ["value"] = value,
                    ["type"] = "button",
                    ["action_ts"] = Timestamp(),
                }),
            },
        };
        if (apiToken is not null)
        {
            channelData["ApiToken"] = apiToken;
        }

        activity["channelData"] = channelData;
        return activity;
    }

    /// <summary>ABS's conversation id for a Slack conversation: <c>{bot user}:{team}:{slack channel}</c>.</summary>
    public static string ConversationId(string teamId, string slackChannelId) => $"{BotUserId}:{teamId}:{slackChannelId}";

    /// <summary>A fresh direct-message channel id (<c>D…</c>), so each test has its own conversation.</summary>
    public static string NewDirectMessageChannel() => "D" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();

    private static JObject Envelope(string serviceUrl, string slackChannelId, SlackUser from, string text) => new()
    {
        ["type"] = "message",
        ["id"] = Guid.NewGuid().ToString("N"),
        ["timestamp"] = DateTimeOffset.UtcNow.ToString("O"),
        ["serviceUrl"] = serviceUrl,
        ["channelId"] = "slack",
        ["from"] = new JObject { ["id"] = from.FromId, ["name"] = from.Name },
        ["conversation"] = new JObject
        {
            ["isGroup"] = ChannelType(slackChannelId) != "im",
            ["id"] = ConversationId(from.TeamId, slackChannelId),
        },
        ["recipient"] = new JObject { ["id"] = $"{BotUserId}:{from.TeamId}", ["name"] = "supportbot" },
        ["text"] = text,
    };

    private static string ChannelType(string slackChannelId) => slackChannelId[0] switch
    {
        'D' => "im",
        'G' => "group",
        _ => "channel",
    };

    // Slack timestamps: seconds.microseconds.
    private static string Timestamp()
    {
        var now = DateTimeOffset.UtcNow;
        return string.Create(CultureInfo.InvariantCulture, $"{now.ToUnixTimeSeconds()}.{now.Ticks / 10 % 1_000_000:000000}");
    }
}

/// <summary>
/// A Slack conversation with the bot through the ABS Slack channel: messages and button clicks in through
/// /api/messages, replies captured by the <see cref="ChannelRecorder"/>. One direct-message channel per chat.
/// </summary>
public sealed class SlackChat(HttpClient client, ChannelRecorder channel, SlackUser member, string? slackChannelId = null)
{
    public SlackUser Member { get; } = member;

    /// <summary>The Slack channel (a fresh D… direct message unless given).</summary>
    public string SlackChannelId { get; } = slackChannelId ?? SlackActivities.NewDirectMessageChannel();

    /// <summary>ABS's conversation id of this chat; the recorder files replies under it.</summary>
    public string ConversationId => SlackActivities.ConversationId(Member.TeamId, SlackChannelId);

    /// <summary>The messages the bot has sent to this chat so far.</summary>
    public IReadOnlyList<JObject> Messages => channel.MessagesIn(ConversationId);

    /// <summary>Sends a message as this chat's member and returns the bot's messages to it.</summary>
    public Task<IReadOnlyList<JObject>> SayAsync(string text) =>
        SendAsync(SlackActivities.Message(channel.ServiceUrl, SlackChannelId, Member, text));

    /// <summary>Clicks a Block Kit button (by its action_id and value) as this chat's member; returns the bot's messages.</summary>
    public Task<IReadOnlyList<JObject>> ClickAsync(string actionId, string value, string blockId = "actions") =>
        SendAsync(SlackActivities.BlockAction(channel.ServiceUrl, SlackChannelId, Member, actionId, value, blockId));

    /// <summary>Posts any activity (built with <see cref="SlackActivities"/>) and returns the bot's new messages to this chat.</summary>
    public async Task<IReadOnlyList<JObject>> SendAsync(JObject activity)
    {
        var before = channel.MessagesIn(ConversationId).Count;
        var response = await client.PostAsync(activity);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var messages = await channel.WaitForMessagesAsync(ConversationId, before + 1);
        Assert.True(messages.Count > before, $"no reply to {activity["text"]}");
        return [.. messages.Skip(before)];
    }
}
