using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace SupportBot.Skills.SelfHelp;

/// <summary>One approved application.</summary>
public sealed record CatalogApp
{
    public required string Name { get; init; }

    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>The Entra group Intune installs the app for.</summary>
    public required string InstallGroupId { get; init; }

    /// <summary>The licence (skuPartNumber) needed, if any.</summary>
    public string? RequiredSku { get; init; }

    /// <summary>A technician approves the request first.</summary>
    public bool ApprovalRequired { get; init; }
}

/// <summary>What a name matched in the catalog: one app, several (ask which), or none.</summary>
public sealed record CatalogMatch(IReadOnlyList<CatalogApp> Apps)
{
    public CatalogApp? Only => Apps.Count == 1 ? Apps[0] : null;

    public bool IsAmbiguous => Apps.Count > 1;
}

/// <summary>The approved-software catalog, matched forgivingly ("visio", "Notepad ++", "photshop").</summary>
public sealed partial class SoftwareCatalog
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { ReadCommentHandling = JsonCommentHandling.Skip };

    public SoftwareCatalog(IReadOnlyList<CatalogApp> apps) => Apps = apps;

    public IReadOnlyList<CatalogApp> Apps { get; }

    /// <summary>Reads the catalog file; a missing or malformed file is an error naming the file.</summary>
    public static SoftwareCatalog Load(string path)
    {
        try
        {
            var file = JsonSerializer.Deserialize<CatalogFile>(File.ReadAllText(path), Json)
                       ?? throw new InvalidDataException("it is empty");
            var apps = file.Apps ?? throw new InvalidDataException("it has no \"apps\" list");
            if (apps.Any(a => a is null))
            {
                throw new InvalidDataException("its \"apps\" list has an empty entry");
            }

            var bad = apps.FirstOrDefault(a => string.IsNullOrWhiteSpace(a.Name) || !Guid.TryParse(a.InstallGroupId, out _));
            return bad is null
                ? new SoftwareCatalog(apps)
                : throw new InvalidDataException($"the app \"{bad.Name}\" needs a name and an installGroupId that is a group's object id");
        }
        catch (Exception ex) when (ex is IOException or JsonException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"The software catalog {path} could not be read: {ex.Message}", ex);
        }
    }

    /// <summary>Apps whose name or alias matches; an exact name or alias wins outright.</summary>
    public CatalogMatch Match(string? query)
    {
        var wanted = Normalise(query);
        if (wanted.Length == 0)
        {
            return new CatalogMatch([]);
        }

        var exact = Apps.Where(a => Names(a).Any(n => n == wanted)).ToList();
        if (exact.Count > 0)
        {
            return new CatalogMatch(exact);
        }

        // Every word asked for appears in the name ("adobe" → Reader, Acrobat Pro and Photoshop: ask which).
        var words = wanted.Split(' ');
        var containing = Apps.Where(a => Names(a).Any(n => words.All(w => n.Split(' ').Contains(w)))).ToList();
        if (containing.Count > 0)
        {
            return new CatalogMatch(containing);
        }

        // Typos: the closest name within a small edit distance.
        var close = Apps
            .Select(a => (App: a, Distance: Names(a).Min(n => Distance(n, wanted))))
            .Where(x => x.Distance <= Math.Max(1, wanted.Length / 5))
            .ToList();
        var best = close.Count == 0 ? 0 : close.Min(x => x.Distance);
        return new CatalogMatch([.. close.Where(x => x.Distance == best).Select(x => x.App)]);
    }

    private static IEnumerable<string> Names(CatalogApp app) => app.Aliases.Prepend(app.Name).Select(Normalise);

    private static string Normalise(string? text)
    {
        var lower = (text ?? string.Empty).ToLowerInvariant().Replace("++", " plus plus", StringComparison.Ordinal);
        return Spaces().Replace(NotNameCharacter().Replace(lower, " "), " ").Trim();
    }

    // Optimal string alignment: a swapped pair of letters ("tablaeu") is one typo, not two.
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    [GeneratedRegex(@"[^a-z0-9 ]")]
    private static partial Regex NotNameCharacter();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    private sealed record CatalogFile([property: JsonPropertyName("apps")] IReadOnlyList<CatalogApp> Apps);
}
