using Microsoft.Extensions.Options;
using SupportBot.Skills.Tickets;

namespace SupportBot.Bot.Technicians;

/// <summary>Refuses to start with a technician account that could never sign in, naming the setting to fix.</summary>
internal sealed class TechnicianAccountsValidator : IValidateOptions<TicketOptions>
{
    public ValidateOptionsResult Validate(string? name, TicketOptions options)
    {
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Technicians.Count; i++)
        {
            var account = options.Technicians[i];
            var setting = $"{TicketOptions.SectionName}:Technicians:{i}";
            var userName = account.UserName?.Trim() ?? string.Empty;
            if (userName.Length == 0)
            {
                problems.Add($"{setting}:UserName is empty.");
            }
            else if (userName.Length > TechnicianAccounts.MaxUserNameLength)
            {
                problems.Add($"{setting}:UserName is longer than {TechnicianAccounts.MaxUserNameLength} characters.");
            }
            else if (!seen.Add(userName))
            {
                problems.Add($"{setting}:UserName '{userName}' is used by another technician too.");
            }

            // The hash itself is not echoed: it is a secret.
            if (!TechnicianPasswords.TryParse(account.PasswordHash, out _, out var problem))
            {
                problems.Add($"{setting}:PasswordHash {problem}.");
            }
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
