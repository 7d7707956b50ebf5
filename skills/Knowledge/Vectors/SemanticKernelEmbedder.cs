using System.ClientModel;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace SupportBot.Skills.Knowledge.Vectors;

/// <summary>Embeddings from the configured deployment through Semantic Kernel's embedding generator.</summary>
public sealed class SemanticKernelEmbedder(
    IEmbeddingGenerator<string, Embedding<float>> generator,
    string modelKey,
    TimeSpan timeout,
    TimeProvider timeProvider,
    ILogger<SemanticKernelEmbedder> logger) : IEmbedder
{
    public bool IsEnabled => true;

    public string ModelKey => modelKey;

    public async Task<IReadOnlyList<float[]>?> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        if (texts.Count == 0)
        {
            return [];
        }

        using var budget = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budget.Token);
        try
        {
            var embeddings = await generator.GenerateAsync(texts, cancellationToken: linked.Token);
            if (embeddings.Count != texts.Count)
            {
                logger.LogWarning("The embeddings model returned {Returned} vectors for {Asked} texts; ranking by BM25 alone", embeddings.Count, texts.Count);
                return null;
            }

            return embeddings.Select(e => Normalise(e.Vector.ToArray())).ToList();
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("The embeddings model took longer than {Timeout}; ranking by BM25 alone", timeout);
            return null;
        }
        catch (Exception ex) when (ex is ClientResultException or HttpRequestException or InvalidOperationException or System.Text.Json.JsonException or FormatException)
        {
            logger.LogWarning(ex, "The embeddings model failed; ranking by BM25 alone");
            return null;
        }
    }

    /// <summary>Unit length, so a dot product is the cosine.</summary>
    public static float[] Normalise(float[] vector)
    {
        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        return norm == 0 ? vector : vector.Select(v => v / norm).ToArray();
    }
}
