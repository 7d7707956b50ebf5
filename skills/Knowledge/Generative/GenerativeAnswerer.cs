using System.Text;
using Microsoft.Extensions.Options;
using SupportBot.Skills.Conversation;

namespace SupportBot.Skills.Knowledge.Generative;

/// <summary>
/// Turns a knowledge answer into a written one when an LLM is configured: the chosen passage first, then the best
/// passage of each other article that also explains the question, handed to the <see cref="IAnswerWriter"/>.
/// </summary>
public sealed class GenerativeAnswerer(
    IAnswerWriter writer,
    IKnowledgeSource knowledge,
    IOptions<GenerativeOptions> options,
    IOptions<KnowledgeOptions> knowledgeOptions)
{
    // Another article is worth showing the model only when it scores close to the best one.
    private const double RelatedScoreRatio = 0.5;

    // The answering article gets room for several sections, the others for their best one; keeps the prompt small.
    private const int MaxMainPassageLength = 3000;
    private const int MaxPassageLength = 1500;

    // Sections written for one platform: only the one the answerer chose (the platform named, else Windows) is sent.
    private static readonly string[] PlatformWords = ["windows", "macos", "mac", "iphone", "ipad", "ios", "android"];

    public bool IsEnabled => options.Value.IsConfigured;

    /// <summary>A grounded answer written from the passages, or <c>null</c> to answer extractively.</summary>
    public async Task<GeneratedAnswer?> WriteAsync(string question, KnowledgeAnswer answer, CancellationToken cancellationToken)
    {
        var sources = IsEnabled ? SourcesFor(answer, question) : [];
        if (sources.Count == 0)
        {
            return null;
        }

        using var _ = SupportTelemetry.Stage(SupportStage.Answer);
        return await writer.WriteAsync(question, sources, cancellationToken);
    }

    /// <summary>
    /// The answering article first — its summary, the chosen section, then its other sections that share the
    /// question's terms (the extractive reply shows one section; a writer can combine them) — then the best section
    /// of each other article that also explains the question.
    /// </summary>
    public IReadOnlyList<AnswerSource> SourcesFor(KnowledgeAnswer answer, string question)
    {
        if (answer.Kind != AnswerKind.Answer || answer.Article is not { } article)
        {
            return [];
        }

        var index = knowledge.Current;
        var terms = index.TermsOf(question);
        var matching = index.RankSections(article, terms)
            .Where(s => s.Weight > 0 && !ReferenceEquals(s.Section, answer.Section) && !IsForAnotherPlatform(s.Section, answer.Section))
            .OrderByDescending(s => s.Weight)
            .Select(s => s.Section);
        IEnumerable<ArticleSection> chosen = answer.Section is { } section ? [section] : [];
        var sources = new List<AnswerSource> { Source(article, answer.Section, [.. chosen, .. matching], article.Summary, MaxMainPassageLength) };

        var best = answer.Hits.Count > 0 ? answer.Hits[0].Score : 0;
        foreach (var hit in answer.Hits)
        {
            if (sources.Count >= options.Value.MaxPassages)
            {
                break;
            }

            if (hit.Article.Id == article.Id || hit.Score < best * RelatedScoreRatio || hit.Coverage < knowledgeOptions.Value.MinCoverage)
            {
                continue;
            }

            var top = index.RankSections(hit.Article, terms)
                .OrderByDescending(s => s.Weight + (s.Section.Steps.Count > 0 ? 0.5 : 0))
                .Select(s => s.Section)
                .FirstOrDefault();
            sources.Add(Source(hit.Article, top, top is null ? [] : [top], top is null ? hit.Article.Summary : null, MaxPassageLength));
        }

        return sources;
    }

    private static bool IsForAnotherPlatform(ArticleSection section, ArticleSection? chosen) =>
        PlatformWords.Any(p => section.Heading.Contains(p, StringComparison.OrdinalIgnoreCase)) &&
        !string.Equals(section.Heading, chosen?.Heading, StringComparison.Ordinal);

    private static AnswerSource Source(KnowledgeArticle article, ArticleSection? primary, IReadOnlyList<ArticleSection> sections, string? summary, int maxLength)
    {
        var passage = new StringBuilder();
        if (!string.IsNullOrWhiteSpace(summary))
        {
            passage.Append(summary.Trim()).Append("\n\n");
        }

        foreach (var section in sections)
        {
            var text = SectionText(section);
            if (passage.Length > 0 && passage.Length + text.Length > maxLength)
            {
                break;
            }

            passage.Append(text).Append('\n');
        }

        var result = passage.ToString().Trim();
        return new AnswerSource(article, primary?.Heading ?? string.Empty, result.Length <= maxLength ? result : result[..maxLength] + "…");
    }

    private static string SectionText(ArticleSection section)
    {
        var text = new StringBuilder().Append(section.Heading).Append(":\n");
        if (!string.IsNullOrWhiteSpace(section.Text))
        {
            text.Append(section.Text.Trim()).Append('\n');
        }

        for (var i = 0; i < section.Steps.Count; i++)
        {
            text.Append(i + 1).Append(". ").Append(section.Steps[i]).Append('\n');
        }

        return text.ToString();
    }
}
