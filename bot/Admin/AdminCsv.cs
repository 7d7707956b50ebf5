using System.Globalization;
using System.Text;
using SupportBot.Skills.Insights;

namespace SupportBot.Bot.Admin;

/// <summary>
/// The export: one CSV file with a section per dataset (a row naming the section, a header row, the rows, a blank
/// line). RFC 4180 quoting; every cell that a spreadsheet would run as a formula (starting with = + - @, a tab or a
/// carriage return) is prefixed with a single quote, since question text is whatever an employee typed.
/// </summary>
internal static class AdminCsv
{
    public static string Write(InsightsReport report)
    {
        var csv = new StringBuilder();
        Section(csv, "Conversations per day", ["Day", "Conversations", "Confirmed deflection", "Potential deflection", "Escalated"],
            report.Days.Select(d => Row(AdminRange.Text(d.Day), d.Conversations, d.Confirmed, d.Potential, d.Escalated)));
        Section(csv, "Outcomes", ["Outcome", "Conversations", "Share"],
            Enum.GetValues<ConversationOutcome>().Select(o => Row(AdminPage.OutcomeName(o), report.Outcomes.Count(o), report.Outcomes.Share(o))));
        Section(csv, "Escalation rate by category", ["Category", "Conversations", "Escalated", "Escalation rate"],
            report.Categories.Select(c => Row(c.Category, c.Conversations, c.Escalated, c.Rate)));
        Section(csv, "Top questions", ["Question (latest wording)", "Times asked", "Answered", "Terms"],
            report.TopQuestions.Select(q => Row(q.Example, q.Count, q.Answered, q.Terms)));
        Section(csv, "Knowledge gaps", ["Gap", "Questions", "Unanswered", "Still stuck", "Key terms", "Example 1", "Example 2", "Example 3"],
            report.Gaps.Select(g => Row(
                [g.Label, g.Count, g.Unanswered, g.StillStuck, string.Join(' ', g.KeyTerms), .. Enumerable.Range(0, GapClusters.MaxExamples).Select(i => i < g.Examples.Count ? g.Examples[i] : string.Empty)])));
        Section(csv, "Article feedback", ["Article", "Title", "Shown as the answer", "That fixed it", "Still stuck", "Helpful rate"],
            report.Articles.Select(a => Row(a.ArticleId, a.Title ?? string.Empty, a.Shown, a.Helpful, a.StillStuck, (object?)a.HelpfulRate ?? string.Empty)));
        Section(csv, "Actions run", ["Action", "Title", "Succeeded", "Failed", "Refused", "Cancelled", "Needs a technician"],
            report.Actions.Select(a => Row(a.ActionId, a.Title, a.Succeeded, a.Failed, a.Refused, a.Cancelled, a.NeedsTechnician)));
        var hours = report.HoursSaved;
        Section(csv, "Technician hours saved", ["Figure", "Value"],
        [
            Row("Hours saved", Math.Round(hours.Hours, 2)),
            Row("Confirmed deflections", hours.Confirmed),
            Row("Potential deflections", hours.Potential),
            Row("Minutes per routine ticket (Insights:MinutesPerTicket)", hours.MinutesPerTicket),
            Row("Share of a potential deflection credited (Insights:PotentialDeflectionCredit)", hours.PotentialCredit),
            Row("Formula", "(confirmed × minutes + potential × minutes × credit) ÷ 60"),
            Row("Range", $"{AdminRange.Text(report.From)} to {AdminRange.Text(report.To)} (UTC)"),
        ]);
        return csv.ToString();
    }

    /// <summary>One cell, neutralised and quoted as needed.</summary>
    public static string Cell(object? value)
    {
        var text = value switch
        {
            null => string.Empty,
            double d => d.ToString("0.####", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? string.Empty,
        };

        // A spreadsheet runs =, +, -, @ (and a leading tab or CR) as a formula: =HYPERLINK(...) would become a live link.
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            text = "'" + text;
        }

        return text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }

    private static object?[] Row(params object?[] cells) => cells;

    private static void Section(StringBuilder csv, string name, string[] header, IEnumerable<object?[]> rows)
    {
        Line(csv, ["Section", name]);
        Line(csv, header);
        foreach (var row in rows)
        {
            Line(csv, row);
        }

        csv.Append("\r\n");
    }

    private static void Line(StringBuilder csv, IEnumerable<object?> cells) =>
        csv.AppendJoin(',', cells.Select(Cell)).Append("\r\n");
}
