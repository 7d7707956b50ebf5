using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace SupportBot.Skills.Knowledge;

/// <summary>A file that could not be read as an article, and why (for the log line that names it).</summary>
public sealed class ArticleFormatException(string message) : Exception(message);

/// <summary>
/// Reads one Markdown article: YAML front matter (id, title, category, tags, questions, actions) and a body
/// of "## " sections with numbered steps. <c>{{Section:Key}}</c> placeholders are filled from the
/// organisation's settings.
/// </summary>
public static partial class ArticleParser
{
    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .IgnoreUnmatchedProperties()
        .Build();

    public static KnowledgeArticle Parse(string markdown, string sourceFile, Func<string, string?> placeholders)
    {
        var text = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).TrimStart('\uFEFF');
        if (!text.StartsWith("---\n", StringComparison.Ordinal))
        {
            throw new ArticleFormatException("it does not start with front matter ('---' on the first line)");
        }

        var end = text.IndexOf("\n---", 4, StringComparison.Ordinal);
        if (end < 0)
        {
            throw new ArticleFormatException("its front matter is not closed with '---'");
        }

        FrontMatter front;
        try
        {
            front = Yaml.Deserialize<FrontMatter>(text[4..end]) ?? throw new ArticleFormatException("its front matter is empty");
        }
        catch (YamlException ex)
        {
            throw new ArticleFormatException($"its front matter is not valid YAML ({ex.Start.Line}:{ex.Start.Column}: {ex.InnerException?.Message ?? ex.Message})");
        }

        if (string.IsNullOrWhiteSpace(front.Id) || !IdPattern().IsMatch(front.Id))
        {
            throw new ArticleFormatException("its front matter needs an 'id' of lowercase letters, digits and dashes");
        }

        if (string.IsNullOrWhiteSpace(front.Title))
        {
            throw new ArticleFormatException("its front matter needs a 'title'");
        }

        var bodyStart = text.IndexOf('\n', end + 4);
        var body = Fill(bodyStart < 0 ? string.Empty : text[(bodyStart + 1)..], placeholders).Trim();
        var (summary, sections) = SplitBody(body);
        return new KnowledgeArticle(
            front.Id.Trim(),
            Fill(front.Title.Trim(), placeholders),
            string.IsNullOrWhiteSpace(front.Category) ? "general" : front.Category.Trim().ToLowerInvariant(),
            Clean(front.Tags, placeholders),
            Clean(front.Questions, placeholders),
            Clean(front.Actions, placeholders),
            summary,
            sections,
            body,
            sourceFile);
    }

    /// <summary>Replaces <c>{{Section:Key}}</c>; an unknown placeholder is left visible rather than silently blanked.</summary>
    public static string Fill(string text, Func<string, string?> placeholders) =>
        PlaceholderPattern().Replace(text, m => placeholders(m.Groups[1].Value.Trim()) ?? m.Value);

    public static IEnumerable<string> PlaceholdersIn(string text) =>
        PlaceholderPattern().Matches(text).Select(m => m.Groups[1].Value.Trim());

    private static (string Summary, List<ArticleSection> Sections) SplitBody(string body)
    {
        var sections = new List<ArticleSection>();
        var summary = new StringBuilder();
        string? heading = null;
        var prose = new StringBuilder();
        var steps = new List<string>();

        void Flush()
        {
            if (heading is not null)
            {
                sections.Add(new ArticleSection(heading, prose.ToString().Trim(), [.. steps]));
            }

            prose.Clear();
            steps.Clear();
        }

        foreach (var raw in body.Split('\n'))
        {
            var line = raw.TrimEnd();
            if (line.StartsWith("## ", StringComparison.Ordinal) || line.StartsWith("# ", StringComparison.Ordinal))
            {
                Flush();
                heading = line.TrimStart('#').Trim();
                continue;
            }

            var step = StepPattern().Match(line);
            if (heading is not null && step.Success)
            {
                steps.Add(step.Groups[1].Value.Trim());
            }
            else if (heading is not null && steps.Count > 0 && line.StartsWith("   ", StringComparison.Ordinal) && line.Trim().Length > 0)
            {
                steps[^1] += " " + line.Trim();
            }
            else
            {
                (heading is null ? summary : prose).AppendLine(line);
            }
        }

        Flush();
        return (summary.ToString().Trim(), sections);
    }

    private static List<string> Clean(List<string>? values, Func<string, string?> placeholders) =>
        values?.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => Fill(v.Trim(), placeholders)).ToList() ?? [];

    [GeneratedRegex(@"^[a-z0-9][a-z0-9\-]{0,79}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"\{\{\s*([A-Za-z0-9_:\.]+)\s*\}\}")]
    private static partial Regex PlaceholderPattern();

    [GeneratedRegex(@"^\s{0,3}\d{1,2}[\.\)]\s+(.*)$")]
    private static partial Regex StepPattern();

    private sealed class FrontMatter
    {
        public string? Id { get; set; }

        public string? Title { get; set; }

        public string? Category { get; set; }

        public List<string>? Tags { get; set; }

        public List<string>? Questions { get; set; }

        public List<string>? Actions { get; set; }
    }
}
