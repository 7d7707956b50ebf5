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

    /// <summary>The bot's own lines are its answers, which the articles hold in full; the gist is enough for a ticket.</summary>
    public const int MaxBotLineLength = 600;

    /// <summary>
    /// The whole story, in characters: what a technician reads before the ticket's own description. A Teams chat is one
    /// conversation for as long as the app is installed, so without a bound the story would only grow.
    /// </summary>
    public const int MaxCharacters = 20_000;

    /// <summary>Older lines are another matter than today's; they leave the story (and the state) after this long.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(7);

    public List<TranscriptLine> Lines { get; set; } = [];

    public void Add(Speaker speaker, string? text, DateTimeOffset at)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        // Cut before redacting (the cut part is dropped anyway); secrets never enter the story that tickets,
        // technicians and logs read.
        var limit = speaker == Speaker.Bot ? MaxBotLineLength : MaxLineLength;
        var trimmed = text.Trim();
        if (trimmed.Length > limit)
        {
            trimmed = string.Concat(trimmed.AsSpan(0, limit - 1), "…");
        }

        Append(new TranscriptLine(speaker, Redactor.Redact(trimmed), at));
    }

    /// <summary>Adds a line that was already cut and redacted (read back from a store), keeping the bounds.</summary>
    public void Append(TranscriptLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        Lines.Add(line);
        var at = line.At;
        var characters = 0;
        var keep = 0;
        for (var i = Lines.Count - 1; i >= 0 && keep < MaxLines; i--, keep++)
        {
            characters += Lines[i].Text.Length;
            if ((characters > MaxCharacters && keep > 0) || at - Lines[i].At > MaxAge)
            {
                break;
            }
        }

        if (keep < Lines.Count)
        {
            Lines.RemoveRange(0, Lines.Count - keep);
        }
    }
}
