using System.Text.RegularExpressions;

namespace SupportBot.Skills.SelfHelp;

/// <summary>Finds which of the caller's devices a phrase means: a name ("DESKTOP-ADELE01", "adele01") or a kind ("my laptop", "my phone").</summary>
public static partial class DeviceMatcher
{
    private static readonly string[] Computers = ["windows", "macos", "mac os", "mac"];
    private static readonly string[] Phones = ["ios", "ipados", "android"];

    public static IReadOnlyList<ManagedDevice> Match(string? phrase, IReadOnlyList<ManagedDevice> devices)
    {
        var wanted = Normalise(phrase);
        if (wanted.Length == 0 || wanted is "device" or "devices" or "it")
        {
            return devices.Count == 1 ? devices : [];
        }

        var exact = devices.Where(d => Normalise(d.Name) == wanted).ToList();
        if (exact.Count > 0)
        {
            return exact;
        }

        if (Kind(wanted) is { } kinds)
        {
            return [.. devices.Where(d => kinds.Any(k => (d.OperatingSystem ?? string.Empty).Contains(k, StringComparison.OrdinalIgnoreCase)))];
        }

        // Part of the name: "adele01" → DESKTOP-ADELE01; "megan surface" → both MEGAN-SURFACE and MEGAN-SURFACE-2.
        var compact = wanted.Replace(" ", string.Empty, StringComparison.Ordinal);
        return [.. devices.Where(d => Normalise(d.Name).Replace(" ", string.Empty, StringComparison.Ordinal).Contains(compact, StringComparison.Ordinal))];
    }

    /// <summary>True for a kind of device rather than a name ("laptop", "phone").</summary>
    public static bool IsGeneric(string phrase) => Kind(Normalise(phrase)) is not null || Normalise(phrase) is "device" or "devices";

    public static string Normalise(string? text) =>
        Spaces().Replace(NotNameCharacter().Replace((text ?? string.Empty).ToLowerInvariant().Replace("’", "'", StringComparison.Ordinal), " "), " ").Trim();

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

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
