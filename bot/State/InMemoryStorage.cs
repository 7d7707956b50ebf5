using System.Collections.Concurrent;
using Microsoft.Bot.Builder;
using Newtonsoft.Json;

namespace SupportBot.Bot.State;

/// <summary>
/// State in this process (the embedded default), with the same document format and ETag semantics as
/// <see cref="RedisStorage"/>: an <see cref="IStoreItem"/> written with a stale ETag fails, <c>*</c> or none overwrites.
/// </summary>
/// <remarks>
/// Replaces the Bot Framework's MemoryStorage, which converts every document to a JObject tree under one lock for the
/// whole store: under load, turns of different conversations queued behind each other there. Here each key is swapped
/// atomically on its own and documents are kept as the JSON text Redis would hold.
/// </remarks>
public sealed class InMemoryStorage : IStorage
{
    private readonly ConcurrentDictionary<string, Document> _documents = new(StringComparer.Ordinal);
    private long _version;

    public Task<IDictionary<string, object>> ReadAsync(string[] keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var result = new Dictionary<string, object>(keys.Length);
        foreach (var key in keys)
        {
            if (_documents.TryGetValue(key, out var document) && JsonConvert.DeserializeObject(document.Json, StateJson.Settings) is { } item)
            {
                if (item is IStoreItem storeItem)
                {
                    storeItem.ETag = document.ETag;
                }

                result[key] = item;
            }
        }

        return Task.FromResult<IDictionary<string, object>>(result);
    }

    public Task WriteAsync(IDictionary<string, object> changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        foreach (var (key, value) in changes)
        {
            var expected = value is IStoreItem { ETag: { } etag and not "*" and not "" } ? etag : null;
            var document = new Document(JsonConvert.SerializeObject(value, typeof(object), StateJson.Settings), Interlocked.Increment(ref _version).ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (expected is null)
            {
                _documents[key] = document;
            }
            else if (_documents.TryGetValue(key, out var current)
                ? current.ETag != expected || !_documents.TryUpdate(key, document, current)
                : !_documents.TryAdd(key, document))
            {
                throw new EtagConflictException(key);
            }

            if (value is IStoreItem storeItem)
            {
                storeItem.ETag = document.ETag;
            }
        }

        return Task.CompletedTask;
    }

    public Task DeleteAsync(string[] keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var key in keys)
        {
            _documents.TryRemove(key, out _);
        }

        return Task.CompletedTask;
    }

    private sealed record Document(string Json, string ETag);
}
