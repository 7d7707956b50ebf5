namespace SupportBot.Skills.Conversation;

/// <summary>Who said a line of the conversation.</summary>
public enum Speaker
{
    User,
    Bot,
    Technician,
}

/// <summary>One line of the conversation as a technician would read it.</summary>
public sealed record TranscriptLine(Speaker Speaker, string Text, DateTimeOffset At);

/// <summary>
/// The recent story of a conversation, kept with the conversation's state so a handoff can carry it
/// without the employee repeating themselves. Bounded: only the most recent lines are kept.
/// </summary>
public sealed class Transcript
{
    public const int MaxLines = 100;
    public const int MaxLineLength = 2000;

    public List<TranscriptLine> Lines { get; set; } = [];

    public void Add(Speaker speaker, string? text, DateTimeOffset at)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        // Secrets never enter the story that tickets, technicians and logs read.
        var trimmed = Redactor.Redact(text.Trim());
        if (trimmed.Length > MaxLineLength)
        {
            trimmed = string.Concat(trimmed.AsSpan(0, MaxLineLength - 1), "…");
        }

        Lines.Add(new TranscriptLine(speaker, trimmed, at));
        if (Lines.Count > MaxLines)
        {
            Lines.RemoveRange(0, Lines.Count - MaxLines);
        }
    }
}
