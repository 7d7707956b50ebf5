using Microsoft.Extensions.Options;
using SupportBot.Skills.Conversation;
using SupportBot.Skills.Knowledge.Vectors;

namespace SupportBot.Skills.Knowledge;

public enum AnswerKind
{
    /// <summary>One article answers it.</summary>
    Answer,

    /// <summary>Two close articles: ask which one was meant.</summary>
    Clarify,

    /// <summary>Nothing in the knowledge base explains it well enough: say so, never guess.</summary>
    NoMatch,
}

/// <summary>What the knowledge base says about a question, channel-neutral.</summary>
public sealed record KnowledgeAnswer(
    AnswerKind Kind,
    KnowledgeArticle? Article,
    ArticleSection? Section,
    IReadOnlyList<ArticleSection> OtherSections,
    IReadOnlyList<KnowledgeArticle> Choices,
    double Confidence,
    IReadOnlyList<SearchHit> Hits)
{
    public static KnowledgeAnswer None(IReadOnlyList<SearchHit> hits, double confidence) =>
        new(AnswerKind.NoMatch, null, null, [], [], confidence, hits);
}

/// <summary>
/// Decides between answering, asking which of two topics was meant, and admitting it doesn't know, then picks
/// the passage that answers: the section that best matches the question (the platform named, if any).
/// </summary>
public sealed class KnowledgeAnswerer(IKnowledgeSource knowledge, IOptions<KnowledgeOptions> options, IEmbedder? embedder = null)
{
    private static readonly (string Word, string Heading)[] Platforms =
    [
        ("iphone", "iphone"), ("ipad", "iphone"), ("ios", "iphone"), ("android", "android"), ("samsung", "android"),
        ("pixel", "android"), ("mac", "macos"), ("macbook", "macos"), ("macos", "macos"), ("windows", "windows"),
    ];

    // Most employees are on Windows laptops: when a guide is split by platform and none is named, start there.
    private const string DefaultPlatform = "windows";

    public KnowledgeAnswer Answer(string question) => Decide(knowledge.Current, question, options.Value);

    /// <summary>
    /// With an embeddings deployment configured and the articles embedded, ranks by fusing BM25 with vector
    /// similarity; if the question can't be embedded in time, BM25 alone.
    /// </summary>
    public async Task<KnowledgeAnswer> AnswerAsync(string question, CancellationToken cancellationToken)
    {
        using var stage = SupportTelemetry.Stage(SupportStage.Search);
        var index = knowledge.Current;
        IReadOnlyList<string>? nearest = null;
        if (embedder is { IsEnabled: true } && knowledge.Vectors is { } vectors && ReferenceEquals(vectors.Index, index) &&
            !string.IsNullOrWhiteSpace(question) && await embedder.EmbedAsync([question], cancellationToken) is [var query])
        {
            nearest = vectors.Nearest(query, 20);
        }

        var answer = Decide(index, question, options.Value, nearest);
        stage.SetTag("supportbot.answer_kind", answer.Kind.ToString());
        return answer;
    }

    /// <summary>The same decision the bot makes, on any index (the evaluation uses it on both pipelines).</summary>
    public static KnowledgeAnswer Decide(KnowledgeIndex index, string question, KnowledgeOptions options, IReadOnlyList<string>? vectorRanking = null)
    {
        var hits = index.Search(question, top: 5, vectorRanking);
        if (hits.Count == 0)
        {
            return KnowledgeAnswer.None(hits, 0);
        }

        var best = hits[0];
        if (!IsConfident(best, options) || IsOffTopic(question))
        {
            return KnowledgeAnswer.None(hits, best.Coverage);
        }

        if (hits.Count > 1 && hits[1].Score >= best.Score * options.ClarifyRatio && IsConfident(hits[1], options) &&
            !AsksLikeOneOf(index, question, best.Article))
        {
            return new KnowledgeAnswer(AnswerKind.Clarify, null, null, [], [best.Article, hits[1].Article], best.Coverage, hits);
        }

        var (section, others) = PickSection(index, best.Article, question);
        return new KnowledgeAnswer(AnswerKind.Answer, best.Article, section, others, [], best.Coverage, hits);
    }

    /// <summary>The answer for an article the user picked (after a clarifying question).</summary>
    public KnowledgeAnswer AnswerWith(string articleId, string question)
    {
        var index = knowledge.Current;
        if (index.Find(articleId) is not { } article)
        {
            return KnowledgeAnswer.None([], 0);
        }

        var (section, others) = PickSection(index, article, question);
        return new KnowledgeAnswer(AnswerKind.Answer, article, section, others, [], 1, []);
    }

    // A question naming a non-IT topic (weather, payroll, heating…) is answered only when it also names an IT thing.
    private static bool IsOffTopic(string question)
    {
        var canonical = ItVocabulary.Canonicalize(question);
        return ItVocabulary.OutOfScopeTopics.IsMatch(canonical) && !ItVocabulary.Words(canonical).Any(ItVocabulary.ItAnchors.Contains);
    }

    // Someone asking (nearly) one of the ways an article lists gets that article, not a "which one?".
    private static bool AsksLikeOneOf(KnowledgeIndex index, string question, KnowledgeArticle article)
    {
        var asked = index.TermsOf(question).ToHashSet(StringComparer.Ordinal);
        return asked.Count > 0 && article.Questions.Any(q =>
        {
            var listed = index.TermsOf(q);
            var shared = listed.Count(asked.Contains);
            return shared >= 0.8 * Math.Max(asked.Count, listed.Count);
        });
    }

    private static bool IsConfident(SearchHit hit, KnowledgeOptions options) =>
        hit.Coverage >= options.MinCoverage ||
        (hit.MatchedWeight >= options.MinMatchedWeight && hit.MatchedTerms.Count >= options.MinMatchedTerms);

    private static (ArticleSection? Section, IReadOnlyList<ArticleSection> Others) PickSection(KnowledgeIndex index, KnowledgeArticle article, string question)
    {
        if (article.Sections.Count == 0)
        {
            return (null, []);
        }

        var words = ItVocabulary.Words(question).ToHashSet(StringComparer.Ordinal);

        // Prefer the platform the user named, when the article is split by platform at all.
        var platformsCovered = Platforms.Select(p => p.Heading).Distinct()
            .Count(h => article.Sections.Any(s => s.Heading.Contains(h, StringComparison.OrdinalIgnoreCase)));
        var platform = platformsCovered >= 2
            ? Platforms.FirstOrDefault(p => words.Contains(p.Word)).Heading ?? DefaultPlatform
            : null;
        var ranked = index.RankSections(article, index.TermsOf(question))
            .Select((s, order) => (s.Section, Weight: (s.Weight * (s.Section.Steps.Count > 0 ? 1 : 0.3))
                + (platform is not null && s.Section.Heading.Contains(platform, StringComparison.OrdinalIgnoreCase) ? 100 : 0)
                + (s.Section.Steps.Count > 0 ? 0.5 : 0)
                - (IsEscalationSection(s.Section) ? 50 : 0)
                - (order * 0.01)))
            .OrderByDescending(s => s.Weight)
            .ToList();
        var chosen = ranked[0].Section;
        return (chosen, article.Sections.Where(s => !ReferenceEquals(s, chosen)).ToList());
    }

    private static bool IsEscalationSection(ArticleSection section) =>
        section.Heading.Contains("help desk", StringComparison.OrdinalIgnoreCase) ||
        section.Heading.Contains("contact", StringComparison.OrdinalIgnoreCase);
}
