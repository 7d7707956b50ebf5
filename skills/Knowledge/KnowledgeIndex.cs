using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;

namespace SupportBot.Skills.Knowledge;

/// <summary>How the index reads questions: the full pipeline, or plain BM25 over title and body (the evaluation's baseline).</summary>
public enum SearchMode
{
    Full,
    PlainBm25,
}

/// <summary>
/// An article that matched a question, with how much of the question it explains: <c>Coverage</c> is the
/// IDF-weighted share (0–1) of the question's meaningful terms the article contains, <c>MatchedWeight</c> the
/// IDF mass of those matched terms (a few rare matches weigh more than many common ones).
/// </summary>
public sealed record SearchHit(KnowledgeArticle Article, float Score, double Coverage, double MatchedWeight, IReadOnlyList<string> MatchedTerms);

/// <summary>
/// Lucene.Net BM25 index over the articles (title, ways people ask, tags, summary, sections), English
/// stemming, IT vocabulary rewriting and spelling correction. Immutable once built: a reload builds a new one.
/// </summary>
public sealed class KnowledgeIndex : IDisposable
{
    private const LuceneVersion Version = LuceneVersion.LUCENE_48;

    // Reciprocal rank fusion: the usual k, over the top 20 of each ranking.
    private const int RrfK = 60;
    private const int FusionDepth = 20;

    private static readonly (string Field, float Boost)[] FullFields =
        [("title", 3.0f), ("questions", 2.5f), ("tags", 2.0f), ("summary", 1.5f), ("body", 1.0f)];

    private static readonly (string Field, float Boost)[] PlainFields = [("title", 1.0f), ("body", 1.0f)];

    private readonly Analyzer _analyzer = new EnglishAnalyzer(Version);
    private readonly RAMDirectory _directory = new();
    private readonly DirectoryReader _reader;
    private readonly IndexSearcher _searcher;

    // Article id by Lucene document number (the index never changes once built), so a search reads no stored fields.
    private readonly string[] _idByDoc;

    // BM25 results by the question's terms. The index is immutable (a reload builds a new one), so the same terms
    // always give the same hits: the many ways of asking the same thing ("vpn not working", "VPN isn't working!")
    // are searched once. Bounded; once full, further questions are searched without being remembered.
    private readonly ConcurrentDictionary<string, IReadOnlyList<SearchHit>> _searches = new(StringComparer.Ordinal);
    private const int MaxRememberedSearches = 4096;
    private readonly ConcurrentDictionary<string, IReadOnlyList<string>> _terms = new(StringComparer.Ordinal);
    private readonly SearchMode _mode;
    private readonly IReadOnlyList<(Regex Pattern, string Canonical)> _organisationNames;
    private readonly Dictionary<string, KnowledgeArticle> _byId;
    private readonly Dictionary<string, HashSet<string>> _keyTermsByArticle = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _bodyTermsByArticle = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _documentFrequency = new(StringComparer.Ordinal);
    private readonly HashSet<string> _bodyVocabulary = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, IReadOnlyList<(ArticleSection Section, HashSet<string> Terms, HashSet<string> HeadingTerms)>> _sectionTerms = new(StringComparer.Ordinal);
    private readonly SpellingCorrector _speller;

    private KnowledgeIndex(IReadOnlyList<KnowledgeArticle> articles, SearchMode mode, IReadOnlyList<(Regex Pattern, string Canonical)> organisationNames)
    {
        _mode = mode;
        _organisationNames = organisationNames;
        Articles = articles;
        _byId = articles.ToDictionary(a => a.Id, StringComparer.Ordinal);

        var config = new IndexWriterConfig(Version, _analyzer) { Similarity = new BM25Similarity() };
        using (var writer = new IndexWriter(_directory, config))
        {
            foreach (var article in articles)
            {
                // Each field is rewritten once, for the Lucene document and the term sets alike.
                var prepared = FieldsOf(article).Select(f => (f.Field, Text: Prepare(f.Text))).ToList();
                var document = new Document { new StringField("id", article.Id, Field.Store.YES) };
                foreach (var (field, text) in prepared)
                {
                    document.Add(new TextField(field, text, Field.Store.NO));
                }

                writer.AddDocument(document);

                // Rarity is judged on what articles are *about* (title, ways people ask, tags, summary): a word every
                // article's body uses ("help desk") is still distinctive for the one article about it.
                var key = new HashSet<string>(StringComparer.Ordinal);
                var body = new HashSet<string>(StringComparer.Ordinal);
                foreach (var (field, text) in prepared)
                {
                    (field == "body" ? body : key).UnionWith(Analyze(text));
                }

                _keyTermsByArticle[article.Id] = key;
                _bodyTermsByArticle[article.Id] = body;
                _bodyVocabulary.UnionWith(body);
                foreach (var term in key)
                {
                    _documentFrequency[term] = _documentFrequency.GetValueOrDefault(term) + 1;
                }
            }

            writer.Commit();
        }

        _reader = DirectoryReader.Open(_directory);
        _searcher = new IndexSearcher(_reader) { Similarity = new BM25Similarity() };
        _idByDoc = new string[_reader.MaxDoc];
        for (var doc = 0; doc < _reader.MaxDoc; doc++)
        {
            _idByDoc[doc] = _reader.Document(doc).Get("id");
        }
        _speller = new SpellingCorrector(
            articles.SelectMany(a => FieldsOf(a).SelectMany(f => ItVocabulary.Words(f.Text)))
                .Concat(ItVocabulary.KnownWords())
                .Concat(organisationNames.SelectMany(n => ItVocabulary.Words(n.Pattern.ToString())))
                .Concat(ItVocabulary.Filler.SelectMany(w => Enumerable.Repeat(w, 1000))));
    }

    public IReadOnlyList<KnowledgeArticle> Articles { get; }

    /// <summary>
    /// Whether a question's terms and search results are remembered for the next time the same words come (on by
    /// default; the answers are the same either way). The knowledge benchmark turns it off to time the work itself.
    /// </summary>
    public bool RemembersQuestions { get; set; } = true;

    public static KnowledgeIndex Build(
        IReadOnlyList<KnowledgeArticle> articles,
        SearchMode mode = SearchMode.Full,
        IReadOnlyList<(Regex Pattern, string Canonical)>? organisationNames = null) =>
        new(articles, mode, organisationNames ?? []);

    public KnowledgeArticle? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>The question's meaningful terms as the index sees them (after correction, rewriting, stemming).</summary>
    public IReadOnlyList<string> TermsOf(string question)
    {
        if (_mode == SearchMode.PlainBm25)
        {
            return Analyze(question.ToLowerInvariant()).Distinct().ToList();
        }

        // The same words always give the same terms from this index (spelling, vocabulary and analysis are fixed
        // with it): short questions and button texts repeat all day. Bounded like the searches.
        if (RemembersQuestions && _terms.TryGetValue(question, out var known))
        {
            return known;
        }

        var terms = AnalyzeQuestion(question);
        if (RemembersQuestions && _terms.Count < MaxRememberedSearches && question.Length <= 200)
        {
            _terms.TryAdd(question, terms);
        }

        return terms;
    }

    private List<string> AnalyzeQuestion(string question)
    {
        var corrected = string.Join(' ', ItVocabulary.Words(question).Select(w => ItVocabulary.Filler.Contains(w) ? w : _speller.Correct(w)));
        var canonical = ItVocabulary.Canonicalize(corrected, _organisationNames);
        var meaningful = string.Join(' ', ItVocabulary.Words(canonical).Where(w => !ItVocabulary.Filler.Contains(w)));
        return Analyze(meaningful).Distinct().ToList();
    }

    /// <summary>
    /// The best articles for a question: BM25, or, given a ranking of articles by embedding similarity, the
    /// reciprocal rank fusion of both (each hit keeps its BM25 score; 0 when only the vectors found it).
    /// </summary>
    public IReadOnlyList<SearchHit> Search(string question, int top = 5, IReadOnlyList<string>? vectorRanking = null)
    {
        var terms = TermsOf(question);
        if (terms.Count == 0 || Articles.Count == 0)
        {
            return [];
        }

        var memoKey = vectorRanking is null && RemembersQuestions ? string.Join(' ', terms) + "|" + top.ToString(CultureInfo.InvariantCulture) : null;
        if (memoKey is not null && _searches.TryGetValue(memoKey, out var remembered))
        {
            return remembered;
        }

        var fields = _mode == SearchMode.Full ? FullFields : PlainFields;
        var query = new BooleanQuery();
        foreach (var term in terms.Take(64))
        {
            var perTerm = new DisjunctionMaxQuery(0.3f);
            foreach (var (field, boost) in fields)
            {
                perTerm.Add(new TermQuery(new Term(field, term)) { Boost = boost });
            }

            query.Add(perTerm, Occur.SHOULD);
        }

        // In document order: the scorer then walks the postings instead of allocating a bucket table per query
        // (same scores and order; it matters at thousands of questions a second).
        var collector = TopScoreDocCollector.Create(vectorRanking is null ? top : FusionDepth, docsScoredInOrder: true);
        _searcher.Search(query, collector);
        var bm25 = collector.GetTopDocs().ScoreDocs.Select(d => (Id: _idByDoc[d.Doc], d.Score)).ToList();
        var totalWeight = terms.Sum(QuestionWeight);
        if (vectorRanking is null)
        {
            var hits = bm25.Select(h => HitFor(_byId[h.Id], terms, totalWeight, h.Score)).ToList();
            if (_searches.Count < MaxRememberedSearches)
            {
                _searches.TryAdd(memoKey!, hits);
            }

            return hits;
        }

        var fused = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < bm25.Count; i++)
        {
            fused[bm25[i].Id] = 1.0 / (RrfK + i + 1);
        }

        for (var i = 0; i < Math.Min(vectorRanking.Count, FusionDepth); i++)
        {
            if (_byId.ContainsKey(vectorRanking[i]))
            {
                fused[vectorRanking[i]] = fused.GetValueOrDefault(vectorRanking[i]) + (1.0 / (RrfK + i + 1));
            }
        }

        var scores = bm25.ToDictionary(h => h.Id, h => h.Score, StringComparer.Ordinal);
        return fused.OrderByDescending(p => p.Value)
            .Take(top)
            .Select(p => HitFor(_byId[p.Key], terms, totalWeight, scores.GetValueOrDefault(p.Key)))
            .ToList();
    }

    private SearchHit HitFor(KnowledgeArticle article, IReadOnlyList<string> terms, double totalWeight, float score)
    {
        var key = _keyTermsByArticle[article.Id];
        var body = _bodyTermsByArticle[article.Id];
        var matched = terms.Where(t => key.Contains(t) || body.Contains(t)).ToList();
        var matchedWeight = matched.Where(t => !IntentTerms.Contains(t)).Sum(t => key.Contains(t) ? Idf(t) : BodyOnlyFactor * Idf(t));
        return new SearchHit(article, score, totalWeight > 0 ? Math.Min(1, matchedWeight / totalWeight) : 0, matchedWeight, matched);
    }

    /// <summary>How strongly each of the article's sections matches the question (same terms as the search).</summary>
    public IReadOnlyList<(ArticleSection Section, double Weight)> RankSections(KnowledgeArticle article, IReadOnlyList<string> terms)
    {
        // Sections are analysed once per article (on first use), not on every question.
        var sections = _sectionTerms.GetOrAdd(article.Id, _ => article.Sections
            .Select(s => (s,
                Analyze(Prepare(s.Heading + " " + s.Text + " " + string.Join(" ", s.Steps))).ToHashSet(StringComparer.Ordinal),
                Analyze(Prepare(s.Heading)).ToHashSet(StringComparer.Ordinal)))
            .ToList());
        var wanted = terms.Distinct().ToList();
        return sections
            .Select(s => (s.Section, wanted.Where(s.Terms.Contains).Sum(Idf) + (2 * wanted.Where(s.HeadingTerms.Contains).Sum(Idf))))
            .ToList();
    }

    public void Dispose()
    {
        _reader.Dispose();
        _directory.Dispose();
        _analyzer.Dispose();
    }

    // A word no article uses at all (a product name, a place) is weaker evidence against an answer than an IT word
    // that points elsewhere.
    private const double UnknownTermFactor = 0.5;
    private const double BodyOnlyFactor = 1.0;

    // Intent markers steer ranking but say nothing about whether the topic is one we cover.
    private static readonly HashSet<string> IntentTerms = new(StringComparer.Ordinal) { "howto", "fault" };

    private double QuestionWeight(string term) =>
        IntentTerms.Contains(term) ? 0
        : _documentFrequency.ContainsKey(term) || _bodyVocabulary.Contains(term) ? Idf(term) : UnknownTermFactor * Idf(term);

    private double Idf(string term)
    {
        var n = Articles.Count;
        var df = _documentFrequency.GetValueOrDefault(term);
        return Math.Log(1 + ((n - df + 0.5) / (df + 0.5)));
    }

    private string Prepare(string text) =>
        _mode == SearchMode.Full ? ItVocabulary.Canonicalize(text, _organisationNames) : text.ToLowerInvariant();

    private IEnumerable<(string Field, string Text)> FieldsOf(KnowledgeArticle article)
    {
        if (_mode == SearchMode.PlainBm25)
        {
            yield return ("title", article.Title);
            yield return ("body", article.BodyText);
            yield break;
        }

        yield return ("title", article.Title);
        yield return ("questions", string.Join("\n", article.Questions));
        yield return ("tags", string.Join(" ", article.Tags));
        yield return ("summary", article.Summary);
        yield return ("body", article.BodyText);
    }

    private List<string> Analyze(string text)
    {
        var terms = new List<string>();
        using var stream = _analyzer.GetTokenStream("body", new StringReader(text));
        var term = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            terms.Add(term.ToString());
        }

        stream.End();
        return terms;
    }
}
