using Microsoft.Bot.Builder;
using SupportBot.Skills.SelfHelp;

namespace SupportBot.Bot.SelfHelp;

/// <summary>
/// Who the caller is, from what the channel authenticated — never from the message text:
/// Teams gives the Entra object id (<c>aadObjectId</c>); the local web chat channel gives the user its token was
/// issued to. Other channels (and Slack until its users are mapped by verified email) chat as guests.
/// </summary>
public static class CallerResolver
{
    private static readonly AsyncLocal<string?> LocalUser = new();

    public static Caller Resolve(ITurnContext turnContext)
    {
        var activity = turnContext.Activity;
        var channelUserId = activity.From?.Id ?? string.Empty;
        var name = activity.From?.Name;
        string? directoryKey = activity.ChannelId switch
        {
            "msteams" when !string.IsNullOrWhiteSpace(activity.From?.AadObjectId) => activity.From.AadObjectId,
            "directline" when LocalUser.Value is { } bound && bound == channelUserId => bound,
            _ => null,
        };
        return new Caller(activity.ChannelId ?? "unknown", channelUserId, directoryKey, name);
    }

    /// <summary>
    /// Marks the turns run inside it as coming from the local Direct Line channel for this token-bound user. It flows
    /// with the call, so an activity posted straight to /api/messages can't claim it.
    /// </summary>
    public static IDisposable LocalChannelUser(string userId)
    {
        var previous = LocalUser.Value;
        LocalUser.Value = userId;
        return new Restore(previous);
    }

    private sealed class Restore(string? previous) : IDisposable
    {
        public void Dispose() => LocalUser.Value = previous;
    }
}
