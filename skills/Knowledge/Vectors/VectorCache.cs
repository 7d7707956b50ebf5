using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace SupportBot.Skills.Knowledge.Vectors;

/// <summary>
/// Article vectors by a hash of the model and the article's text: an unchanged article is never embedded twice,
/// across reloads and, with a cache file, across restarts.
/// </summary>
public sealed class VectorCache(string? file, ILogger<VectorCache> logger)
{
    private readonly ConcurrentDictionary<string, float[]> _vectors = Load(file, logger);
    private readonly object _saveGate = new();

    public int Count => _vectors.Count;

    public static string KeyFor(string modelKey, string text) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(modelKey + "\n" + text)));

    public bool TryGet(string key, out float[] vector) => _vectors.TryGetValue(key, out vector!);

    public void Add(string key, float[] vector) => _vectors[key] = vector;

    /// <summary>Keeps only the given keys (articles that still exist) and writes the cache file, if there is one.</summary>
    public void Save(IEnumerable<string> liveKeys)
    {
        var live = liveKeys.ToHashSet(StringComparer.Ordinal);
        foreach (var key in _vectors.Keys.Where(k => !live.Contains(k)))
        {
            _vectors.TryRemove(key, out _);
        }

        if (string.IsNullOrEmpty(file))
        {
            return;
        }

        lock (_saveGate)
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
                var temp = file + ".tmp";
                File.WriteAllText(temp, JsonSerializer.Serialize(_vectors.ToDictionary(p => p.Key, p => p.Value)));
                File.Move(temp, file, overwrite: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning(ex, "Could not write the vector cache {File}; vectors stay in memory", file);
            }
        }
    }

    private static ConcurrentDictionary<string, float[]> Load(string? file, ILogger logger)
    {
        if (string.IsNullOrEmpty(file) || !File.Exists(file))
        {
            return new(StringComparer.Ordinal);
        }

        try
        {
            var stored = JsonSerializer.Deserialize<Dictionary<string, float[]>>(File.ReadAllText(file)) ?? [];
            return new(stored, StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            logger.LogWarning(ex, "Ignored the unreadable vector cache {File}; articles will be embedded again", file);
            return new(StringComparer.Ordinal);
        }
    }
}
