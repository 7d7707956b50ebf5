using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace SupportBot.Bot.Channels.Slack;

/// <summary>
/// Slack through the Azure Bot Service Slack channel (section <c>Slack</c>). Azure Bot Service carries the messages;
/// these settings only let the bot ask Slack who a sender is, so a Slack user can be mapped to their directory
/// account by verified email and run self-help actions as themselves.
/// </summary>
public sealed partial class SlackOptions : IValidatableObject
{
    public const string SectionName = "Slack";

    /// <summary>Slack Web API base address (a stand-in's in tests).</summary>
    [Required]
    [Url]
    public string ApiBaseUrl { get; set; } = "https://slack.com/api/";

    /// <summary>
    /// The Slack app's Bot User OAuth Token (<c>xoxb-…</c>), needing the <c>users:read</c> and <c>users:read.email</c>
    /// scopes. A secret: user-secrets, environment or Key Vault, never the repository, never logged. Unset: Slack users
    /// chat as guests.
    /// </summary>
    public string? BotToken { get; set; }

    /// <summary>
    /// The Slack workspace (team) id, <c>T…</c>, whose members may be mapped. Unset: members of any workspace the app
    /// can see — including people from other organisations in Slack Connect channels — are mapped by email.
    /// </summary>
    public string? TeamId { get; set; }

    /// <summary>How long a Slack user's mapping (to a directory account, or to "guest") is remembered.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a turn waits for Slack and the directory to say who the sender is before treating them as a guest.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:00:30")]
    public TimeSpan LookupTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>True when a bot token is configured, so Slack users can be mapped.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(BotToken);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Uri.TryCreate(ApiBaseUrl, UriKind.Absolute, out var api) || api.Scheme is not ("https" or "http"))
        {
            yield return new ValidationResult("Slack:ApiBaseUrl must be an absolute http(s) URL, e.g. https://slack.com/api/.", [nameof(ApiBaseUrl)]);
        }

        // Say which setting is wrong without echoing what was pasted into it: it may be some other secret.
        if (IsConfigured && !BotToken!.Trim().StartsWith("xoxb-", StringComparison.Ordinal))
        {
            yield return new ValidationResult(
                "Slack:BotToken must be the Slack app's Bot User OAuth Token (it starts with xoxb-; OAuth & Permissions in the app's settings).",
                [nameof(BotToken)]);
        }

        if (!string.IsNullOrWhiteSpace(TeamId) && !TeamIdPattern().IsMatch(TeamId.Trim()))
        {
            yield return new ValidationResult("Slack:TeamId must be a Slack workspace id such as T0123ABCD.", [nameof(TeamId)]);
        }
    }

    [GeneratedRegex("^[TE][A-Z0-9]{2,}$", RegexOptions.CultureInvariant)]
    private static partial Regex TeamIdPattern();
}
