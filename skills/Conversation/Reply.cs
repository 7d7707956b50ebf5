using System.Text;
using System.Text.RegularExpressions;

namespace SupportBot.Skills.Conversation;

/// <summary>
/// What the bot wants to say, independent of any channel: a renderer in the host turns it into an Adaptive Card,
/// Slack blocks or numbered plain text. Text may use light Markdown (<c>**bold**</c>, <c>*italic*</c>,
/// <c>[label](url)</c>, paragraphs separated by a blank line) — the subset every renderer can translate.
/// </summary>
public sealed record Reply
{
    /// <summary>A short heading (an article title, "Please confirm").</summary>
    public string? Title { get; init; }

    public string Text { get; init; } = string.Empty;

    /// <summary>Heading over <see cref="Steps"/> ("On Windows").</summary>
    public string? StepsHeading { get; init; }

    /// <summary>Numbered steps to follow, in order.</summary>
    public IReadOnlyList<string> Steps { get; init; } = [];

    /// <summary>Name/value lines: a ticket's title, priority and summary, an action's result.</summary>
    public IReadOnlyList<ReplyFact> Facts { get; init; } = [];

    /// <summary>Small print under the content ("Also in this guide: …", "Only you can use this card…").</summary>
    public string? Note { get; init; }

    /// <summary>Knowledge articles the text is grounded in; <see cref="ReplySource.Position"/> matches the [n] markers.</summary>
    public IReadOnlyList<ReplySource> Sources { get; init; } = [];

    /// <summary>The text was written by a language model (channels that can, label it).</summary>
    public bool AiGenerated { get; init; }

    /// <summary>A link to read more ("Open the full article").</summary>
    public ReplyLink? Link { get; init; }

    /// <summary>What the user can answer with one click (or, in plain text, with its number).</summary>
    public IReadOnlyList<ReplyChoice> Choices { get; init; } = [];

    /// <summary>A change that runs only when the user confirms it.</summary>
    public ReplyConfirmation? Confirmation { get; init; }

    public static Reply Say(string text) => new() { Text = text };

    public Reply WithChoices(params IEnumerable<string> choices) =>
        this with { Choices = [.. Choices, .. choices.Select(c => new ReplyChoice(c, c))] };

    /// <summary>True when the reply is just words (and perhaps choices): channels send it as a plain message.</summary>
    public bool IsSimple =>
        Title is null && StepsHeading is null && Steps.Count == 0 && Facts.Count == 0 && Note is null &&
        Link is null && Confirmation is null && Sources.Count == 0;

    /// <summary>The reply as a technician reads it in a transcript: plain words, no markup.</summary>
    public string ToPlainText()
    {
        var text = new StringBuilder();
        void Line(string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                text.Append(ReplyMarkdown.ToPlain(value.Trim())).Append('\n');
            }
        }

        Line(Title);
        Line(Text);
        Line(StepsHeading);
        for (var i = 0; i < Steps.Count; i++)
        {
            Line($"{i + 1}. {Steps[i]}");
        }

        foreach (var fact in Facts)
        {
            Line($"{fact.Name}: {fact.Value}");
        }

        Line(Note);
        return text.ToString().TrimEnd();
    }
}

/// <summary>A button: what it says and the message clicking it sends.</summary>
public sealed record ReplyChoice(string Label, string Value);

public sealed record ReplyFact(string Name, string Value);

public sealed record ReplyLink(string Label, string Url);

/// <summary>One article behind an answer (the schema.org citation claim and the visible source line).</summary>
public sealed record ReplySource(int Position, string ArticleId, string Title, string Url, string Excerpt, IReadOnlyList<string> Keywords);

/// <summary>The confirm/cancel pair of an action card; the token makes the confirmation single-use and bound to its user.</summary>
public sealed record ReplyConfirmation(string Token, string ActionId, string ConfirmLabel, DateTimeOffset ExpiresAt);

/// <summary>The light Markdown replies use, translated for channels that speak something else.</summary>
public static partial class ReplyMarkdown
{
    /// <summary>Markup removed: links become "label (url)", emphasis markers go.</summary>
    public static string ToPlain(string markdown)
    {
        var text = LinkPattern().Replace(markdown, m => m.Groups["label"].Value == m.Groups["url"].Value
            ? m.Groups["url"].Value
            : $"{m.Groups["label"].Value} ({m.Groups["url"].Value})");
        text = BoldPattern().Replace(text, "${inner}");
        return ItalicPattern().Replace(text, "${inner}");
    }

    /// <summary>Slack mrkdwn: <c>*bold*</c>, <c>_italic_</c>, <c>&lt;url|label&gt;</c>, with &amp; &lt; &gt; escaped as Slack asks.</summary>
    public static string ToSlack(string markdown)
    {
        var links = new List<string>();
        var text = LinkPattern().Replace(markdown, m =>
        {
            links.Add($"<{m.Groups["url"].Value}|{EscapeSlack(m.Groups["label"].Value).Replace("|", "¦", StringComparison.Ordinal)}>");
            return $"\u0001{links.Count - 1}\u0002";
        });
        text = EscapeSlack(text);
        text = BoldPattern().Replace(text, "\u0003${inner}\u0003");
        text = ItalicPattern().Replace(text, "_${inner}_");
        text = text.Replace('\u0003', '*');
        return PlaceholderPattern().Replace(text, m => links[int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)]);
    }

    private static string EscapeSlack(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    [GeneratedRegex(@"\[(?<label>[^\]\n]+)\]\((?<url>[^)\s]+)\)")]
    private static partial Regex LinkPattern();

    [GeneratedRegex(@"\*\*(?<inner>[^*\n]+)\*\*")]
    private static partial Regex BoldPattern();

    [GeneratedRegex(@"(?<![*\w])\*(?<inner>[^*\n]+)\*(?![*\w])")]
    private static partial Regex ItalicPattern();

    [GeneratedRegex("\u0001(\\d+)\u0002")]
    private static partial Regex PlaceholderPattern();
}
