namespace SupportBot.Skills.Knowledge.Vectors;

/// <summary>Turns texts into embedding vectors; null when the model can't right now (the caller falls back to BM25 alone).</summary>
public interface IEmbedder
{
    bool IsEnabled { get; }

    /// <summary>A stable name of the model, so vectors from another model are never mixed in.</summary>
    string ModelKey { get; }

    Task<IReadOnlyList<float[]>?> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken);
}

/// <summary>No embeddings deployment configured: ranking is BM25 only.</summary>
public sealed class NoEmbedder : IEmbedder
{
    public static readonly NoEmbedder Instance = new();

    public bool IsEnabled => false;

    public string ModelKey => "none";

    public Task<IReadOnlyList<float[]>?> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<float[]>?>(null);
}
