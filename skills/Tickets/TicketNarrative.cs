using System.Globalization;
using System.Text;
using SupportBot.Skills.Conversation;

namespace SupportBot.Skills.Tickets;

/// <summary>
/// The escalation as a technician reads it in ServiceNow or Jira: the employee's words, the summary, why the priority,
/// who and which device, the articles and actions already tried, then the conversation. Plain text, bounded in size:
/// when it is too long the oldest conversation lines go first, and the closing line (the idempotency marker) always stays.
/// </summary>
/// <remarks>Shared by the ServiceNow and Jira connectors; it belongs in skills/Tickets/ next to <see cref="TicketDraft"/>.</remarks>
internal static class TicketNarrative
{
    private const string Trimmed = "… [trimmed]";

    /// <param name="draft">The escalation.</param>
    /// <param name="maxLength">The target field's limit, in characters.</param>
    /// <param name="priorityNote">How the priority was mapped for this system, shown next to it.</param>
    /// <param name="closing">The last line, never trimmed (the key a later search finds the ticket by).</param>
    public static string Write(TicketDraft draft, int maxLength, string? priorityNote = null, string? closing = null)
    {
        var head = Head(draft, priorityNote);
        var tail = closing is null ? string.Empty : "\n\n" + closing;
        var lines = draft.Transcript.Select(Line).ToList();

        // Oldest lines go first: the end of the conversation is what the technician needs.
        for (var omitted = 0; omitted <= lines.Count; omitted++)
        {
            var text = head + ConversationSection(lines, omitted) + tail;
            if (text.Length <= maxLength)
            {
                return text;
            }
        }

        var room = Math.Max(0, maxLength - tail.Length - Trimmed.Length);
        return head[..Math.Min(head.Length, room)].TrimEnd() + Trimmed + tail;
    }

    /// <summary>Shortens a one-line field (title, summary) to <paramref name="maxLength"/>, on one line.</summary>
    public static string OneLine(string text, int maxLength)
    {
        var line = string.Join(' ', text.Split((char[])['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        return line.Length <= maxLength ? line : line[..(maxLength - 1)].TrimEnd() + "…";
    }

    private static string Head(TicketDraft draft, string? priorityNote)
    {
        var text = new StringBuilder();
        text.Append(draft.Description.Trim()).Append("\n\n");
        text.Append("Summary: ").Append(draft.Summary.Trim()).Append('\n');

        text.Append("Priority: ").Append(draft.Priority);
        if (priorityNote is not null)
        {
            text.Append(" (").Append(priorityNote).Append(')');
        }

        text.Append('\n');
        if (draft.PriorityReasons.Count > 0)
        {
            text.Append("Why: ").AppendJoin("; ", draft.PriorityReasons).Append('\n');
        }

        text.Append("Category: ").Append(draft.Category).Append('\n');
        text.Append("Requester: ").Append(RequesterLine(draft.Requester)).Append('\n');
        if (!string.IsNullOrWhiteSpace(draft.DeviceInfo))
        {
            text.Append("Device: ").Append(draft.DeviceInfo.Trim()).Append('\n');
        }

        if (draft.Articles.Count > 0)
        {
            text.Append("\nArticles shown:\n");
            foreach (var article in draft.Articles)
            {
                text.Append("- ").Append(article.Title).Append(" (").Append(article.ArticleId).Append("): ").Append(Feedback(article.Helped)).Append('\n');
            }
        }

        if (draft.Actions.Count > 0)
        {
            text.Append("\nActions tried:\n");
            foreach (var action in draft.Actions)
            {
                text.Append("- ").Append(action.ActionId);
                if (!string.IsNullOrWhiteSpace(action.Target))
                {
                    text.Append(" on ").Append(action.Target);
                }

                text.Append(": ").Append(action.Outcome).Append('\n');
            }
        }

        return text.ToString().TrimEnd();
    }

    private static string ConversationSection(List<string> lines, int omitted)
    {
        if (lines.Count == 0)
        {
            return string.Empty;
        }

        var text = new StringBuilder("\n\nConversation:\n");
        if (omitted > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"[{omitted} earlier line(s) left out]\n");
        }

        text.AppendJoin('\n', lines.Skip(omitted));
        return text.ToString().TrimEnd();
    }

    private static string Line(TranscriptLine line) =>
        string.Create(CultureInfo.InvariantCulture, $"[{line.At.UtcDateTime:yyyy-MM-dd HH:mm} UTC] {SpeakerLabel(line.Speaker)}: {line.Text}");

    private static string SpeakerLabel(Speaker speaker) => speaker switch
    {
        Speaker.User => "Employee",
        Speaker.Bot => "SupportBot",
        _ => "Technician",
    };

    private static string Feedback(bool? helped) => helped switch
    {
        true => "helped",
        false => "did not help",
        null => "no feedback",
    };

    private static string RequesterLine(Requester requester)
    {
        var text = new StringBuilder(requester.DisplayName);
        if (!string.IsNullOrWhiteSpace(requester.Email))
        {
            text.Append(" <").Append(requester.Email).Append('>');
        }

        text.Append(" via ").Append(requester.ChannelId);
        if (requester.DirectoryId is null)
        {
            text.Append(" (not verified in the directory)");
        }

        return text.ToString();
    }
}
