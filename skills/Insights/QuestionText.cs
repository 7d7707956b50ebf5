using System.Text;
using System.Text.RegularExpressions;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Util;
using SupportBot.Skills.Conversation;
using SupportBot.Skills.Knowledge;

namespace SupportBot.Skills.Insights;

/// <summary>
/// What of a question may be stored, and how questions are compared. Stored text has passed <see cref="Redactor"/>
/// (secrets) and loses email addresses, phone numbers and the asker's own name; it is cut to <see cref="MaxLength"/>.
/// Questions are compared by their terms after the knowledge base's own rewriting (<see cref="ItVocabulary"/>),
/// filler removal and English stemming, so "How do I connect to wifi?" and "how to connect to the wifi" are one question.
/// </summary>
public static partial class QuestionText
{
    /// <summary>Longest stored question; a pasted log or essay is cut.</summary>
    public const int MaxLength = 200;

    public const string EmailMask = "[email]";
    public const string PhoneMask = "[phone]";
    public const string NameMask = "[name]";

    // The intent words the vocabulary adds ("how do I" → howto, "won't" → fault): they say what kind of question it
    // is, not what it is about, so clustering ignores them unless they are all there is.
    private static readonly HashSet<string> IntentTerms = new(StringComparer.Ordinal) { "howto", "fault" };

    [ThreadStatic]
    private static Analyzer? _analyzer;

    /// <summary>The text as stored: redacted, whitespace collapsed, cut to <see cref="MaxLength"/>.</summary>
    public static string ForStorage(string text, IReadOnlyList<string>? knownNames = null)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return string.Empty;
        }

        // Cut generously first: redaction's regexes need not read a pasted novel.
        var redacted = Redactor.Redact(text.Length > MaxLength * 8 ? text[..(MaxLength * 8)] : text);
        redacted = Email().Replace(redacted, EmailMask);
        redacted = Phone().Replace(redacted, m => m.Value.Count(char.IsAsciiDigit) >= 8 ? PhoneMask : m.Value);
        foreach (var name in NameParts(knownNames))
        {
            redacted = MaskWord(redacted, name);
        }

        redacted = Whitespace().Replace(redacted, " ").Trim();
        return redacted.Length <= MaxLength ? redacted : string.Concat(redacted.AsSpan(0, MaxLength - 1).TrimEnd(), "…");
    }

    /// <summary>The question's terms, distinct and sorted, joined by spaces: equal keys are the same question.</summary>
    public static string Terms(string storedText)
    {
        var withoutMasks = Masks().Replace(storedText, " ");
        var canonical = ItVocabulary.Canonicalize(withoutMasks);
        var meaningful = string.Join(' ', ItVocabulary.Words(canonical).Where(w => !ItVocabulary.Filler.Contains(w)));
        var terms = new SortedSet<string>(StringComparer.Ordinal);
        _analyzer ??= new EnglishAnalyzer(LuceneVersion.LUCENE_48);
        using (var stream = _analyzer.GetTokenStream("q", new StringReader(meaningful)))
        {
            var term = stream.AddAttribute<ICharTermAttribute>();
            stream.Reset();
            while (stream.IncrementToken())
            {
                terms.Add(term.ToString());
            }

            stream.End();
        }

        return string.Join(' ', terms);
    }

    /// <summary>The terms that say what a question is about (intent words dropped unless nothing else is left).</summary>
    internal static string[] TopicTerms(string terms)
    {
        var all = terms.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var topic = all.Where(t => !IntentTerms.Contains(t)).ToArray();
        return topic.Length > 0 ? topic : all;
    }

    // Every occurrence of the word on its own (not inside a longer word), whatever its case. Plain string search: a
    // regex per asker's name would be parsed again for nearly every question (names don't repeat like patterns do).
    private static string MaskWord(string text, string word)
    {
        var result = new StringBuilder(text.Length);
        var from = 0;
        for (var at = text.IndexOf(word, StringComparison.OrdinalIgnoreCase); at >= 0; at = text.IndexOf(word, at + 1, StringComparison.OrdinalIgnoreCase))
        {
            var end = at + word.Length;
            if (at < from || (at > 0 && char.IsLetterOrDigit(text[at - 1])) || (end < text.Length && char.IsLetterOrDigit(text[end])))
            {
                continue;
            }

            result.Append(text, from, at - from).Append(NameMask);
            from = end;
        }

        return from == 0 ? text : result.Append(text, from, text.Length - from).ToString();
    }

    private static IEnumerable<string> NameParts(IReadOnlyList<string>? names)
    {
        if (names is null)
        {
            return [];
        }

        // The full name first, then its parts (longest first) — a part that is an ordinary word ("Will") is left alone.
        return names
            .Where(n => !string.IsNullOrWhiteSpace(n))
            .SelectMany(n => new[] { n.Trim() }.Concat(n.Split([' ', '.', ','], StringSplitOptions.RemoveEmptyEntries)))
            .Where(p => p.Length >= 3 && !ItVocabulary.Filler.Contains(p.ToLowerInvariant()) && p.Any(char.IsLetter))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .OrderByDescending(p => p.Length);
    }

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}", RegexOptions.CultureInvariant)]
    private static partial Regex Email();

    // +44 20 7946 0958, (555) 123-4567, 0612345678: at least 8 digits (checked by the caller), so "Windows 11" stays.
    [GeneratedRegex(@"(?<![\w+])\+?\(?\d[\d\s().\-]{6,}\d(?!\w)", RegexOptions.CultureInvariant)]
    private static partial Regex Phone();

    [GeneratedRegex(@"\[(?:email|phone|name|redacted)\]", RegexOptions.CultureInvariant)]
    private static partial Regex Masks();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Whitespace();
}
