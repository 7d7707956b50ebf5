using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SupportBot.Skills.Knowledge;
using SupportBot.Skills.Knowledge.Generative;
using SupportBot.Skills.Knowledge.Vectors;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.Knowledge;

/// <summary>
/// With an embeddings deployment configured, ranking fuses BM25 with vector similarity (reciprocal rank fusion);
/// vectors are cached so unchanged articles are not embedded again. The model is a local server speaking the
/// embeddings API; the production Semantic Kernel client path runs unchanged.
/// </summary>
public sealed class HybridRankingTests : IAsyncLifetime
{
    // A toy "semantic" space: words that mean the same thing land on the same axis, as real embeddings would.
    private static readonly string[][] Concepts =
    [
        ["slow", "crawl", "crawling", "sluggish", "speed", "lag", "laggy", "ages"],
        ["network", "internet", "online", "websites", "web", "connection", "bandwidth"],
        ["printer", "print", "printing", "toner", "paper"],
        ["vpn", "remote", "home", "tunnel"],
        ["password", "sign", "login", "credentials"],
        ["laptop", "computer", "pc", "machine"],
    ];

    private readonly string _folder = Directory.CreateTempSubdirectory("supportbot-vectors-").FullName;
    private EmbeddingModelServer _model = null!;

    public async Task InitializeAsync()
    {
        foreach (var article in TestArticles.All)
        {
            File.WriteAllText(Path.Combine(_folder, article.Id + ".md"), File.ReadAllText(Path.Combine(TestArticles.RepoRoot(), "skills/content/articles", article.Id + ".md")));
        }

        _model = await EmbeddingModelServer.StartAsync(ToyEmbedding);
    }

    public async Task DisposeAsync()
    {
        await _model.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task VectorSimilarity_LiftsTheRightArticle_ThatBm25AloneRanksLower()
    {
        const string question = "everything online is crawling today";
        using var knowledge = NewKnowledgeBase(out var embedder);
        await knowledge.VectorsReady;
        var sut = new KnowledgeAnswerer(knowledge, Options.Create(new KnowledgeOptions()), embedder);

        var bm25Only = KnowledgeAnswerer.Decide(knowledge.Current, question, new KnowledgeOptions());
        var hybrid = await sut.AnswerAsync(question, default);

        Assert.NotEqual("network-slow", bm25Only.Hits.Count > 0 ? bm25Only.Hits[0].Article.Id : null);
        Assert.Equal("network-slow", hybrid.Hits[0].Article.Id);
        Assert.Equal(TestArticles.All.Count, knowledge.Vectors!.Count);
    }

    [Fact]
    public async Task UnchangedArticles_AreNotEmbeddedAgain_AcrossReloadsAndRestarts()
    {
        var cacheFile = Path.Combine(_folder, "cache", "vectors.json");
        using (var first = NewKnowledgeBase(out _, cacheFile))
        {
            await first.VectorsReady;
        }

        Assert.Equal(TestArticles.All.Count, _model.Embedded.Count);
        _model.Forget();

        using var restarted = NewKnowledgeBase(out _, cacheFile);
        await restarted.VectorsReady;
        Assert.Empty(_model.Embedded);
        Assert.Equal(TestArticles.All.Count, restarted.Vectors!.Count);

        var file = Path.Combine(_folder, "printer-add.md");
        File.WriteAllText(file, File.ReadAllText(file).Replace("## Check first", "A new line about the new floor printers.\n\n## Check first", StringComparison.Ordinal));
        restarted.Reload();
        await restarted.VectorsReady;

        var reembedded = Assert.Single(_model.Embedded);
        Assert.Contains("new floor printers", reembedded, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhenTheEmbeddingsModelIsDown_AnswersStillComeFromBm25()
    {
        _model.FailWith = 500;
        using var knowledge = NewKnowledgeBase(out var embedder);
        await knowledge.VectorsReady;
        var sut = new KnowledgeAnswerer(knowledge, Options.Create(new KnowledgeOptions()), embedder);

        var answer = await sut.AnswerAsync("my printer is jammed", default);

        Assert.Null(knowledge.Vectors);
        Assert.Equal(AnswerKind.Answer, answer.Kind);
        Assert.Equal("printer-troubleshoot", answer.Article?.Id);
    }

    private KnowledgeBase NewKnowledgeBase(out IEmbedder embedder, string? cacheFile = null)
    {
        var options = new GenerativeOptions
        {
            Kind = LlmKind.AzureOpenAI,
            Endpoint = _model.Endpoint,
            EmbeddingDeployment = "text-embedding-3-small",
            ApiKey = "test-key",
            Timeout = TimeSpan.FromSeconds(10),
        };
        var kernel = GenerativeExtensions.CreateEmbeddingKernel(options, new HttpClient { BaseAddress = new Uri(_model.Endpoint) });
        embedder = new SemanticKernelEmbedder(
            kernel.GetRequiredService<Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>>(),
            "test-model",
            options.Timeout,
            TimeProvider.System,
            NullLogger<SemanticKernelEmbedder>.Instance);
        return new KnowledgeBase(
            Options.Create(new KnowledgeOptions { ArticlesPath = _folder }),
            new ConfigurationBuilder().AddJsonFile(Path.Combine(TestArticles.RepoRoot(), "skills/content/organisation.json")).Build(),
            NullLogger<KnowledgeBase>.Instance,
            TimeProvider.System,
            embedder,
            new VectorCache(cacheFile, NullLogger<VectorCache>.Instance));
    }

    private static float[] ToyEmbedding(string text)
    {
        var words = text.ToLowerInvariant().Split([' ', '\n', ',', '.', '?', '!', '(', ')', ':', '"', '*'], StringSplitOptions.RemoveEmptyEntries);
        var vector = Concepts.Select(c => (float)words.Count(c.Contains)).Append(0.01f).ToArray();
        return vector;
    }
}
