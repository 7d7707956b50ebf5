using System.Text.RegularExpressions;

namespace SupportBot.Skills.Knowledge.Generative;

/// <summary>
/// Accepts a model's text only when it is grounded: it cites at least one source by its <c>[n]</c> and never a
/// number it wasn't given. Markers are renumbered 1, 2, … in order of first use, so they match the citation list.
/// </summary>
public static partial class GroundedAnswer
{
    public static GeneratedAnswer? From(string? modelText, IReadOnlyList<AnswerSource> sources)
    {
        var text = modelText?.Trim();
        if (string.IsNullOrEmpty(text) || sources.Count == 0)
        {
            return null;
        }

        var markers = Marker().Matches(text);
        var order = new List<int>();
        foreach (Match marker in markers)
        {
            foreach (var number in NumbersIn(marker))
            {
                if (number < 1 || number > sources.Count)
                {
                    return null;
                }

                if (!order.Contains(number))
                {
                    order.Add(number);
                }
            }
        }

        if (order.Count == 0)
        {
            return null;
        }

        var renumbered = Marker().Replace(text, marker =>
            string.Concat(NumbersIn(marker).Distinct().Select(n => $"[{order.IndexOf(n) + 1}]")));
        return new GeneratedAnswer(renumbered, order.Select((n, i) => new CitedSource(i + 1, sources[n - 1])).ToList());
    }

    private static IEnumerable<int> NumbersIn(Match marker) =>
        marker.Groups["numbers"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(n => int.TryParse(n, out var value) ? value : -1);

    // [1], [2, 3] and [1,2] (models write both); not [text] or markdown links.
    [GeneratedRegex(@"\[(?<numbers>\d{1,3}(?:\s*,\s*\d{1,3})*)\](?!\()")]
    private static partial Regex Marker();
}
