using System.Collections.Concurrent;

namespace SupportBot.Skills.Knowledge;

/// <summary>"That fixed it" / "Still stuck" on an article, for the question that led to it.</summary>
public sealed record ArticleFeedback(string ArticleId, string Question, bool Helpful, string Channel, DateTimeOffset At);

/// <summary>Where article feedback is kept for the knowledge-gap report.</summary>
public interface IKnowledgeFeedback
{
    Task RecordAsync(ArticleFeedback feedback, CancellationToken cancellationToken);

    Task<IReadOnlyList<ArticleFeedback>> RecentAsync(int max, CancellationToken cancellationToken);
}

/// <summary>In-process feedback (the embedded default), bounded to the most recent entries.</summary>
public sealed class InMemoryKnowledgeFeedback : IKnowledgeFeedback
{
    public const int Capacity = 10_000;
    private readonly ConcurrentQueue<ArticleFeedback> _entries = new();

    public Task RecordAsync(ArticleFeedback feedback, CancellationToken cancellationToken)
    {
        _entries.Enqueue(feedback);
        while (_entries.Count > Capacity && _entries.TryDequeue(out _))
        {
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ArticleFeedback>> RecentAsync(int max, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ArticleFeedback>>(_entries.Reverse().Take(max).ToList());
}
