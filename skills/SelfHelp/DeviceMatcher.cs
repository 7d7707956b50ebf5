using System.Text.RegularExpressions;

namespace SupportBot.Skills.SelfHelp;

/// <summary>Finds which of the caller's devices a phrase means: a name ("DESKTOP-ADELE01", "adele01") or a kind ("my laptop", "my phone").</summary>
public static partial class DeviceMatcher
{
    private static readonly string[] Computers = ["windows", "macos", "mac os", "mac"];
    private static readonly string[] Phones = ["ios", "ipados", "android"];

    public static IReadOnlyList<ManagedDevice> Match(string? phrase, IReadOnlyList<ManagedDevice> devices)
    {
        var named = Normalise(phrase);
        var exact = devices.Where(d => named.Length > 0 && Normalise(d.Name) == named).ToList();
        if (exact.Count > 0)
        {
            return exact;
        }

        // "my laptop" (or "Adele's laptop" from Adele — anyone else's was refused before) is a laptop: the caller's
        // own devices are the only ones here.
        var wanted = WithoutOwner(Normalise(PossessiveOwner().Replace(phrase ?? string.Empty, string.Empty)));
        if (wanted.Length == 0 || wanted is "device" or "devices" or "it")
        {
            return devices.Count == 1 ? devices : [];
        }

        if (Kind(wanted) is { } kinds)
        {
            return [.. devices.Where(d => kinds.Any(k => (d.OperatingSystem ?? string.Empty).Contains(k, StringComparison.OrdinalIgnoreCase)))];
        }

        // Part of the name: "adele01" → DESKTOP-ADELE01; "surface" → both MEGAN-SURFACE and MEGAN-SURFACE-2.
        var compact = wanted.Replace(" ", string.Empty, StringComparison.Ordinal);
        return [.. devices.Where(d => Normalise(d.Name).Replace(" ", string.Empty, StringComparison.Ordinal).Contains(compact, StringComparison.Ordinal))];
    }

    /// <summary>True for a kind of device rather than a name ("laptop", "phone").</summary>
    public static bool IsGeneric(string phrase) => WithoutOwner(Normalise(phrase)) is var wanted && (Kind(wanted) is not null || wanted is "device" or "devices");

    public static string Normalise(string? text) =>
        Spaces().Replace(NotNameCharacter().Replace((text ?? string.Empty).ToLowerInvariant().Replace("’", "'", StringComparison.Ordinal), " "), " ").Trim();

    private static string WithoutOwner(string normalised) => Owner().Replace(normalised, string.Empty);

    private static string[]? Kind(string wanted) => wanted switch
    {
        "laptop" or "computer" or "pc" or "desktop" or "notebook" or "work laptop" or "work computer" => Computers,
        "mac" or "macbook" => ["macos", "mac os"],
        "phone" or "mobile" or "cell" or "work phone" or "smartphone" => Phones,
        "iphone" or "ipad" => ["ios", "ipados"],
        "android" or "android phone" => ["android"],
        _ => null,
    };

    [GeneratedRegex(@"[^a-z0-9' ]|'s\b")]
    private static partial Regex NotNameCharacter();

    [GeneratedRegex(@"^\s*[\w.-]+['’]s\s+")]
    private static partial Regex PossessiveOwner();

    [GeneratedRegex(@"^(my|the|our)\s+")]
    private static partial Regex Owner();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
