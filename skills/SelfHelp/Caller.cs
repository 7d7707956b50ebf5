namespace SupportBot.Skills.SelfHelp;

/// <summary>
/// Who is asking, as the channel authenticated them. <see cref="DirectoryKey"/> is the Entra object id (Teams) or the
/// user principal name bound to a Direct Line token; it is never taken from the message text.
/// </summary>
/// <param name="ChannelId">The channel the request came through (msteams, directline, slack…).</param>
/// <param name="ChannelUserId">The channel's id for the user; the confirmation card is tied to it.</param>
/// <param name="DirectoryKey">The verified directory identity, or null when the channel gives none (a guest).</param>
/// <param name="DisplayName">The name the channel shows, for replies only.</param>
public sealed record Caller(string ChannelId, string ChannelUserId, string? DirectoryKey, string? DisplayName)
{
    /// <summary>True when the channel vouched for a directory identity.</summary>
    public bool IsVerified => !string.IsNullOrWhiteSpace(DirectoryKey);

    /// <summary>The id written to the audit log: the directory identity when there is one.</summary>
    public string AuditId => DirectoryKey ?? $"{ChannelId}:{ChannelUserId}";
}
