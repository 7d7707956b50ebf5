namespace SupportBot.Bot.Channels.Rendering;

/// <summary>How a channel shows a reply: what markup it understands decides the renderer.</summary>
public enum ChannelFamily
{
    /// <summary>Microsoft Teams: Adaptive Cards, buttons on the card (suggested actions don't show in team channels).</summary>
    Teams,

    /// <summary>Web Chat over Direct Line (and the Emulator): Adaptive Cards, choices as suggested actions.</summary>
    WebChat,

    /// <summary>Slack through Azure Bot Service: Block Kit in channelData, buttons with action ids.</summary>
    Slack,

    /// <summary>Anything else (SMS, email, a channel added later): plain text, choices answered by number.</summary>
    PlainText,
}

public static class ChannelFamilies
{
    public static ChannelFamily Of(string? channelId) => channelId switch
    {
        "msteams" => ChannelFamily.Teams,
        "directline" or "webchat" or "emulator" or "test" => ChannelFamily.WebChat,
        "slack" => ChannelFamily.Slack,
        _ => ChannelFamily.PlainText,
    };

    /// <summary>Channels the bot was built and tested for; anything else still gets plain text, and a log line.</summary>
    public static bool IsKnown(string? channelId) =>
        channelId is "msteams" or "directline" or "webchat" or "emulator" or "test" or "slack";
}
