using System.Text.RegularExpressions;
using Microsoft.Bot.Schema;
using Newtonsoft.Json.Linq;

namespace SupportBot.Bot.Channels.Slack;

/// <summary>
/// The Slack member who sent an activity, as the Azure Bot Service Slack channel delivers it: <c>from.id</c> is
/// <c>{user}:{team}</c> (<c>U0123ABC:T0456DEF</c>), and <c>channelData</c> carries Slack's own JSON — <c>SlackMessage</c>
/// (the Events API envelope: <c>team_id</c>, <c>event.user</c>, <c>event_id</c>) for a message, or <c>Payload</c> (the
/// interactive payload: <c>user.id</c>, <c>team.id</c>, <c>actions</c>) for a button click. When both name a user they
/// must agree: an activity whose sender and Slack payload disagree names nobody.
/// </summary>
/// <param name="UserId">The Slack member id (<c>U…</c>/<c>W…</c>).</param>
/// <param name="TeamId">The workspace id the activity names, when it names one.</param>
public sealed partial record SlackSender(string UserId, string? TeamId)
{
    /// <summary>The sender of a Slack activity, or null with the reason it names no one.</summary>
    public static SlackSender? From(IActivity activity, out string? problem)
    {
        problem = null;
        var fromId = activity.From?.Id ?? string.Empty;
        var separator = fromId.IndexOf(':', StringComparison.Ordinal);
        var userId = separator < 0 ? fromId : fromId[..separator];
        var teamId = separator < 0 ? null : fromId[(separator + 1)..];
        if (!MemberId().IsMatch(userId))
        {
            problem = "the activity's sender is not a Slack member id";
            return null;
        }

        var channelData = activity.ChannelData as JObject;
        var claimed = Text(channelData, "SlackMessage", "event", "user")
                      ?? Text(channelData, "Payload", "user", "id");
        if (claimed is not null && !string.Equals(claimed, userId, StringComparison.Ordinal))
        {
            problem = "the activity's sender and its Slack payload name different members";
            return null;
        }

        teamId = string.IsNullOrEmpty(teamId)
            ? Text(channelData, "SlackMessage", "team_id") ?? Text(channelData, "Payload", "team", "id")
            : teamId;
        return new SlackSender(userId, teamId);
    }

    private static string? Text(JObject? root, params string[] path)
    {
        JToken? token = root;
        foreach (var name in path)
        {
            token = token is JObject o && o.TryGetValue(name, StringComparison.Ordinal, out var next) ? next : null;
        }

        return token is { Type: JTokenType.String } value && ((string?)value) is { Length: > 0 } text ? text : null;
    }

    [GeneratedRegex("^[UW][A-Z0-9]{2,}$", RegexOptions.CultureInvariant)]
    private static partial Regex MemberId();
}
