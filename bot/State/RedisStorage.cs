using Microsoft.Bot.Builder;
using Microsoft.Extensions.Options;
using Newtonsoft.Json;
using StackExchange.Redis;

namespace SupportBot.Bot.State;

/// <summary>
/// Bot Framework <see cref="IStorage"/> over Redis with the framework's ETag semantics:
/// an <see cref="IStoreItem"/> written with a stale ETag fails, <c>*</c> overwrites, no ETag (or a plain
/// object, as BotState writes) is last-write-wins. Every key expires <see cref="StateOptions.TimeToLive"/>
/// after its last write.
/// </summary>
public sealed class RedisStorage(IConnectionMultiplexer redis, IOptions<StateOptions> options) : IStorage
{
    // A hash per item: the document and its ETag, checked and set atomically.
    private const string WriteScript = """
        if ARGV[1] ~= '' and ARGV[1] ~= '*' then
          local current = redis.call('HGET', KEYS[1], 'etag')
          if current and current ~= ARGV[1] then
            return 0
          end
        end
        redis.call('HSET', KEYS[1], 'etag', ARGV[2], 'doc', ARGV[3])
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        return 1
        """;

    private static readonly RedisValue[] Fields = ["etag", "doc"];
    private readonly StateOptions _options = options.Value;

    public async Task<IDictionary<string, object>> ReadAsync(string[] keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var db = redis.GetDatabase();
        var reads = keys.Select(k => db.HashGetAsync(RedisKeyFor(k), Fields)).ToArray();
        var values = await Task.WhenAll(reads).WaitAsync(cancellationToken).ConfigureAwait(false);

        var result = new Dictionary<string, object>(keys.Length);
        for (var i = 0; i < keys.Length; i++)
        {
            var (etag, doc) = (values[i][0], values[i][1]);
            if (doc.IsNull)
            {
                continue;
            }

            var item = JsonConvert.DeserializeObject((string)doc!, StateJson.Settings);
            if (item is null)
            {
                continue;
            }

            if (item is IStoreItem storeItem)
            {
                storeItem.ETag = etag;
            }

            result[keys[i]] = item;
        }

        return result;
    }

    public async Task WriteAsync(IDictionary<string, object> changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var db = redis.GetDatabase();
        var ttl = (long)_options.TimeToLive.TotalMilliseconds;
        var writes = new List<(string Key, object Value, string Etag, Task<RedisResult> Result)>(changes.Count);
        foreach (var (key, value) in changes)
        {
            var expected = value is IStoreItem { ETag: { } etag } ? etag : string.Empty;
            var newEtag = Guid.NewGuid().ToString("N");
            var json = JsonConvert.SerializeObject(value, typeof(object), StateJson.Settings);
            writes.Add((key, value, newEtag, db.ScriptEvaluateAsync(
                WriteScript,
                [RedisKeyFor(key)],
                [expected, newEtag, json, ttl])));
        }

        string? conflict = null;
        foreach (var (key, value, etag, result) in writes)
        {
            if ((int)await result.WaitAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                conflict ??= key;
            }
            else if (value is IStoreItem storeItem)
            {
                storeItem.ETag = etag;
            }
        }

        if (conflict is not null)
        {
            throw new EtagConflictException(conflict);
        }
    }

    public async Task DeleteAsync(string[] keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Length == 0)
        {
            return;
        }

        await redis.GetDatabase().KeyDeleteAsync(keys.Select(RedisKeyFor).ToArray())
            .WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private RedisKey RedisKeyFor(string key) => $"{_options.KeyPrefix}state:{key}";
}
