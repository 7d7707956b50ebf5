using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using SupportBot.Skills.Knowledge;

namespace SupportBot.Bot.State;

/// <summary>Article feedback in Redis (a capped list), so every instance adds to one record for the gap report.</summary>
public sealed class RedisKnowledgeFeedback(IConnectionMultiplexer redis, IOptions<StateOptions> options) : IKnowledgeFeedback
{
    public const int Capacity = 100_000;

    public async Task RecordAsync(ArticleFeedback feedback, CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        var key = Key;
        await db.ListLeftPushAsync(key, JsonSerializer.Serialize(feedback, JsonSerializerOptions.Web)).WaitAsync(cancellationToken);
        await db.ListTrimAsync(key, 0, Capacity - 1).WaitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ArticleFeedback>> RecentAsync(int max, CancellationToken cancellationToken)
    {
        var values = await redis.GetDatabase().ListRangeAsync(Key, 0, max - 1).WaitAsync(cancellationToken);
        return values.Select(v => JsonSerializer.Deserialize<ArticleFeedback>((string)v!, JsonSerializerOptions.Web)!).ToList();
    }

    private RedisKey Key => $"{options.Value.KeyPrefix}kb:feedback";
}
