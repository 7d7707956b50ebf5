namespace SupportBot.Skills.Knowledge.Vectors;

/// <summary>The embedding of every article of one index, and nearest-article ranking by cosine.</summary>
public sealed class ArticleVectors(KnowledgeIndex index, IReadOnlyDictionary<string, float[]> byArticle)
{
    private const int MaxTextLength = 4000;

    /// <summary>The index these vectors belong to: vectors of an older index are never used with a newer one.</summary>
    public KnowledgeIndex Index { get; } = index;

    public int Count => byArticle.Count;

    /// <summary>What is embedded for an article: what it is about first, then its body, bounded.</summary>
    public static string TextOf(KnowledgeArticle article)
    {
        var text = article.Title + "\n" + string.Join("\n", article.Questions) + "\n" + string.Join(", ", article.Tags) + "\n" + article.BodyText;
        return text.Length <= MaxTextLength ? text : text[..MaxTextLength];
    }

    /// <summary>Embeds the articles the cache doesn't have yet (in batches); null if the model failed.</summary>
    public static async Task<ArticleVectors?> BuildAsync(KnowledgeIndex index, IEmbedder embedder, VectorCache cache, CancellationToken cancellationToken)
    {
        var keys = index.Articles.ToDictionary(a => a.Id, a => VectorCache.KeyFor(embedder.ModelKey, TextOf(a)), StringComparer.Ordinal);
        var missing = index.Articles.Where(a => !cache.TryGet(keys[a.Id], out _)).ToList();
        foreach (var batch in missing.Chunk(16))
        {
            var vectors = await embedder.EmbedAsync(batch.Select(TextOf).ToList(), cancellationToken);
            if (vectors is null)
            {
                return null;
            }

            for (var i = 0; i < batch.Length; i++)
            {
                cache.Add(keys[batch[i].Id], vectors[i]);
            }
        }

        cache.Save(keys.Values);
        var byArticle = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var (id, key) in keys)
        {
            if (cache.TryGet(key, out var vector))
            {
                byArticle[id] = vector;
            }
        }

        return new ArticleVectors(index, byArticle);
    }

    /// <summary>Article ids by cosine similarity to the (unit) query vector, best first.</summary>
    public IReadOnlyList<string> Nearest(float[] query, int top) =>
        byArticle
            .Select(p => (Id: p.Key, Similarity: Dot(p.Value, query)))
            .OrderByDescending(p => p.Similarity)
            .Take(top)
            .Select(p => p.Id)
            .ToList();

    private static float Dot(float[] a, float[] b)
    {
        var n = Math.Min(a.Length, b.Length);
        var sum = 0f;
        for (var i = 0; i < n; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}
