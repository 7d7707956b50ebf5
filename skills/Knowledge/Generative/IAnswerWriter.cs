namespace SupportBot.Skills.Knowledge.Generative;

/// <summary>
/// What the model may answer from: one article and the part of it that matched the question (<see cref="Heading"/>
/// is the section the answer is mainly about; <see cref="Passage"/> is the text, its sections' headings inline).
/// </summary>
public sealed record AnswerSource(KnowledgeArticle Article, string Heading, string Passage);

/// <summary>A source the answer cites; <see cref="Position"/> is the number of its <c>[n]</c> marker in the text.</summary>
public sealed record CitedSource(int Position, AnswerSource Source);

/// <summary>An answer written from the sources, whose <c>[n]</c> markers are exactly the <see cref="Citations"/>, numbered 1, 2, … in order of first use.</summary>
public sealed record GeneratedAnswer(string Text, IReadOnlyList<CitedSource> Citations);

/// <summary>Writes an answer to a question from the given sources only.</summary>
public interface IAnswerWriter
{
    /// <summary>
    /// The answer, citing at least one of <paramref name="sources"/> and nothing else; <c>null</c> when no grounded
    /// answer could be had (no model, an error, too slow, or an answer that doesn't cite the sources): the caller
    /// then answers from the article itself.
    /// </summary>
    Task<GeneratedAnswer?> WriteAsync(string question, IReadOnlyList<AnswerSource> sources, CancellationToken cancellationToken);
}

/// <summary>No LLM configured: every answer is extractive.</summary>
public sealed class NoAnswerWriter : IAnswerWriter
{
    public static readonly NoAnswerWriter Instance = new();

    private NoAnswerWriter()
    {
    }

    public Task<GeneratedAnswer?> WriteAsync(string question, IReadOnlyList<AnswerSource> sources, CancellationToken cancellationToken) =>
        Task.FromResult<GeneratedAnswer?>(null);
}
