using Microsoft.Extensions.Options;
using Newtonsoft.Json;
using StackExchange.Redis;
using SupportBot.Skills.Conversation;

namespace SupportBot.Bot.State;

/// <summary>
/// Conversation stories in Redis, shared by every instance: a list per conversation, appended to (no read) on each
/// turn, trimmed to <see cref="Transcript.MaxLines"/> and expiring <see cref="StateOptions.TimeToLive"/> after the
/// last line, like the state.
/// </summary>
public sealed class RedisStoryStore(IConnectionMultiplexer redis, IOptions<StateOptions> options) : IStoryStore
{
    private readonly StateOptions _options = options.Value;

    public async Task AppendAsync(string conversationKey, IReadOnlyList<TranscriptLine> lines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lines);
        if (lines.Count == 0)
        {
            return;
        }

        var key = KeyFor(conversationKey);
        var batch = redis.GetDatabase().CreateBatch();
        var push = batch.ListRightPushAsync(key, [.. lines.Select(l => (RedisValue)JsonConvert.SerializeObject(l))]);
        var trim = batch.ListTrimAsync(key, -Transcript.MaxLines, -1);
        var expire = batch.KeyExpireAsync(key, _options.TimeToLive);
        batch.Execute();
        await Task.WhenAll(push, trim, expire).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<TranscriptLine>> ReadAsync(string conversationKey, CancellationToken cancellationToken)
    {
        var values = await redis.GetDatabase().ListRangeAsync(KeyFor(conversationKey)).WaitAsync(cancellationToken).ConfigureAwait(false);
        var story = new Transcript();
        foreach (var value in values)
        {
            if (!value.IsNullOrEmpty && JsonConvert.DeserializeObject<TranscriptLine>((string)value!) is { } line)
            {
                story.Append(line);
            }
        }

        return story.Lines;
    }

    private RedisKey KeyFor(string conversationKey) => $"{_options.KeyPrefix}story:{conversationKey}";
}

/// <summary>
/// The Redis story store that doesn't stop a turn during a Redis outage: lines said meanwhile are not kept, and a
/// ticket written meanwhile carries the current turn's lines only (<see cref="RedisConnection"/> logs the outage once).
/// </summary>
public sealed class OutageTolerantStoryStore(RedisStoryStore redis, RedisConnection connection) : IStoryStore
{
    public Task AppendAsync(string conversationKey, IReadOnlyList<TranscriptLine> lines, CancellationToken cancellationToken) =>
        connection.RunAsync(_ => redis.AppendAsync(conversationKey, lines, cancellationToken), () => Task.CompletedTask);

    public Task<IReadOnlyList<TranscriptLine>> ReadAsync(string conversationKey, CancellationToken cancellationToken) =>
        connection.RunAsync(_ => redis.ReadAsync(conversationKey, cancellationToken), () => Task.FromResult<IReadOnlyList<TranscriptLine>>([]));
}
