using Microsoft.Bot.Builder;
using SupportBot.Bot.Channels.Slack;
using SupportBot.Skills.SelfHelp;

namespace SupportBot.Bot.SelfHelp;

/// <summary>
/// Who the caller is, from what the channel authenticated — never from the message text:
/// Teams gives the Entra object id (<c>aadObjectId</c>); the local web chat channel gives the user its token was
/// issued to (for an intranet user, the UPN the intranet's signed assertion named); a Slack user is the directory account
/// <see cref="SlackIdentityMiddleware"/> mapped by verified email. Other channels chat as guests.
/// </summary>
public static class CallerResolver
{
    private static readonly AsyncLocal<LocalBinding?> LocalUser = new();

    public static Caller Resolve(ITurnContext turnContext)
    {
        var activity = turnContext.Activity;
        var channelUserId = activity.From?.Id ?? string.Empty;
        var name = activity.From?.Name;
        string? directoryKey = activity.ChannelId switch
        {
            "msteams" when !string.IsNullOrWhiteSpace(activity.From?.AadObjectId) => activity.From.AadObjectId,
            "directline" when LocalUser.Value is { } bound && bound.UserId == channelUserId => bound.DirectoryKey,
            SlackIdentityMiddleware.ChannelId when turnContext.TurnState.Get<string>(SlackIdentityMiddleware.DirectoryKey) is { Length: > 0 } slack => slack,
            _ => null,
        };
        return new Caller(activity.ChannelId ?? "unknown", channelUserId, directoryKey, name);
    }

    /// <summary>
    /// Marks the turns run inside it as coming from the local Direct Line channel for this token-bound user. It flows
    /// with the call, so an activity posted straight to /api/messages can't claim it. Self-help acts as
    /// <paramref name="directoryKey"/> (the user id, or the UPN an intranet's signed assertion named); null: a guest.
    /// </summary>
    public static IDisposable LocalChannelUser(string userId, string? directoryKey)
    {
        var previous = LocalUser.Value;
        LocalUser.Value = new LocalBinding(userId, directoryKey);
        return new Restore(previous);
    }

    private sealed record LocalBinding(string UserId, string? DirectoryKey);

    private sealed class Restore(LocalBinding? previous) : IDisposable
    {
        public void Dispose() => LocalUser.Value = previous;
    }
}
