using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SupportBot.Skills.Tickets;

/// <summary>
/// The visible rules that set a ticket's priority, and the summary a technician reads first. Simple on purpose:
/// the employee and the technician can both see why a ticket got its priority.
/// </summary>
public static partial class TicketRules
{
    private static readonly Dictionary<string, TicketPriority> CategoryBase = new(StringComparer.OrdinalIgnoreCase)
    {
        ["security"] = TicketPriority.High,
        ["accounts"] = TicketPriority.Medium,
        ["account"] = TicketPriority.Medium,
    };

    /// <summary>The priority and the reasons for it, from the employee's words, the category and who they are.</summary>
    public static (TicketPriority Priority, IReadOnlyList<string> Reasons) Prioritise(string words, string category, bool vip)
    {
        var reasons = new List<string>();
        var priority = CategoryBase.TryGetValue(category, out var basePriority) ? basePriority : TicketPriority.Medium;
        if (basePriority > TicketPriority.Medium)
        {
            reasons.Add($"{category} issue");
        }

        if (ManyPeople().IsMatch(words))
        {
            priority = TicketPriority.Critical;
            reasons.Add("affects many people");
        }
        else if (CannotWork().IsMatch(words))
        {
            priority = Max(priority, TicketPriority.High);
            reasons.Add("can't work");
        }

        if (vip)
        {
            priority = priority == TicketPriority.Critical ? priority : priority + 1;
            reasons.Add("VIP");
        }

        return (priority, reasons);
    }

    /// <summary>A one-line title from the employee's own words.</summary>
    public static string Title(string words)
    {
        var firstLine = Spaces().Replace(words.Trim(), " ");
        return firstLine.Length <= 80 ? firstLine : string.Concat(firstLine.AsSpan(0, 77).TrimEnd(), "…");
    }

    /// <summary>The summary assembled from what happened, for when no LLM writes one.</summary>
    public static string Summary(
        string requesterName, string description, string category, IReadOnlyList<ArticleShown> articles, IReadOnlyList<ActionTried> actions, int userLines)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{requesterName} needs help ({category}): {Title(description)}.");
        if (articles.Count > 0)
        {
            text.Append(" Tried ").Append(string.Join(", ", articles.Select(a => a.Helped switch
            {
                true => $"\"{a.Title}\" (helped)",
                false => $"\"{a.Title}\" (didn't help)",
                _ => $"\"{a.Title}\"",
            }))).Append('.');
        }
        else
        {
            text.Append(" No knowledge article matched.");
        }

        if (actions.Count > 0)
        {
            text.Append(" Self-help: ").Append(string.Join(", ", actions.Select(a => $"{a.ActionId}{(a.Target is null ? string.Empty : $" on {a.Target}")} → {a.Outcome}"))).Append('.');
        }

        text.Append(CultureInfo.InvariantCulture, $" {userLines} message{(userLines == 1 ? string.Empty : "s")} from the employee in the transcript.");
        return text.ToString();
    }

    /// <summary>"talk to a person", "open a ticket", "I want a human" — at any time.</summary>
    public static bool AsksForAPerson(string text) => AskForPerson().IsMatch(text);

    /// <summary>"what's the status of my ticket?", "my tickets".</summary>
    public static bool AsksForStatus(string text) => AskForStatus().IsMatch(text);

    private static TicketPriority Max(TicketPriority a, TicketPriority b) => a > b ? a : b;

    [GeneratedRegex(@"\b(whole|entire)\s+(office|floor|team|building|department|company)\b|\b(everyone|everybody|nobody|no\s+one|all\s+of\s+us)\b.{0,40}\b(can'?t|cannot|unable|down|affected|out)\b|\b(nobody|no\s+one)\b.{0,40}\bcan\b|\b(all|many)\s+(users|staff|people|colleagues)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ManyPeople();

    [GeneratedRegex(@"\b(can'?t|cannot|unable\s+to|can\s+not)\s+(work|do\s+(my|any)\s+(job|work)|log\s*in|sign\s*in)\b|\b(completely\s+)?blocked\b|\burgent(ly)?\b|\bdeadline\b", RegexOptions.IgnoreCase)]
    private static partial Regex CannotWork();

    [GeneratedRegex(@"\b(talk|speak|chat)\s+(to|with)\s+(a\s+|an\s+|the\s+)?(person|human|technician|engineer|agent|someone|somebody|it\s+support|help\s*desk)\b|\b(open|raise|create|log|file|submit)\s+(a\s+|an\s+)?(ticket|incident|case|request)\b|\b(real|actual)\s+person\b|\bhuman\s+please\b|^\s*(agent|human|technician|escalate)\s*[.!]?\s*$|\bi\s+(want|need)\s+(a\s+)?(human|person|technician)\b", RegexOptions.IgnoreCase)]
    private static partial Regex AskForPerson();

    [GeneratedRegex(@"\b(status|update|progress)\s+(of|on)\s+(my\s+)?(ticket|tickets|request|incident|case)\b|\bmy\s+(open\s+)?(tickets|requests|cases)\b|\b(what'?s|what\s+is)\s+happening\s+with\s+my\s+(ticket|request)\b|\bany\s+news\s+on\s+my\s+(ticket|request)\b", RegexOptions.IgnoreCase)]
    private static partial Regex AskForStatus();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
