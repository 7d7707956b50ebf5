using Microsoft.Extensions.Options;

namespace SupportBot.Skills.HelpDesk;

/// <summary>What the bot says about itself and about reaching a person, from <see cref="HelpDeskOptions"/>.</summary>
public sealed class HelpDeskProfile(IOptions<HelpDeskOptions> options)
{
    private readonly HelpDeskOptions _options = options.Value;

    public HelpDeskOptions Options => _options;

    /// <summary>The first thing a new user reads.</summary>
    public string Welcome(string? userName)
    {
        var greeting = string.IsNullOrWhiteSpace(userName) || userName is "You" or "User"
            ? "Hi!"
            : $"Hi {FirstName(userName)}!";
        return $"{greeting} I'm the {_options.OrganisationName} IT help desk assistant. " +
               "Tell me what's wrong in your own words, for example \"I forgot my password\" or " +
               "\"how do I get email on my phone\".";
    }

    /// <summary>One sentence on how to reach a person, built only from the settings that are filled in.</summary>
    public string HowToReachAPerson()
    {
        var ways = new List<string>(3);
        if (!string.IsNullOrWhiteSpace(_options.Phone))
        {
            ways.Add($"call {_options.Phone}");
        }

        if (!string.IsNullOrWhiteSpace(_options.Email))
        {
            ways.Add($"email {_options.Email}");
        }

        if (!string.IsNullOrWhiteSpace(_options.PortalUrl))
        {
            ways.Add($"open a request at {_options.PortalUrl}");
        }

        var how = ways.Count switch
        {
            0 => $"contact the {_options.HelpDeskName}",
            1 => ways[0],
            _ => string.Join(", ", ways.Take(ways.Count - 1)) + " or " + ways[^1],
        };
        var when = string.IsNullOrWhiteSpace(_options.Hours) ? string.Empty : $" ({_options.Hours})";
        return $"To reach a person at the {_options.HelpDeskName}, {how}{when}.";
    }

    private static string FirstName(string name)
    {
        var trimmed = name.Trim();
        var space = trimmed.IndexOf(' ', StringComparison.Ordinal);
        return space > 0 ? trimmed[..space] : trimmed;
    }
}
