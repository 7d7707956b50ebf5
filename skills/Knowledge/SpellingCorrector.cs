namespace SupportBot.Skills.Knowledge;

/// <summary>Corrects a misspelt word to the closest word the knowledge base uses (1 edit for short words, 2 for long ones).</summary>
public sealed class SpellingCorrector
{
    private readonly Dictionary<string, int> _frequency;
    private readonly Dictionary<int, List<string>> _byLength;

    public SpellingCorrector(IEnumerable<string> words)
    {
        _frequency = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var word in words)
        {
            _frequency[word] = _frequency.GetValueOrDefault(word) + 1;
        }

        _byLength = _frequency.Keys.GroupBy(w => w.Length).ToDictionary(g => g.Key, g => g.ToList());
    }

    public bool IsKnown(string word) => _frequency.ContainsKey(word);

    /// <summary>The word itself when known, too short or all digits; else the closest known word, or the word unchanged.</summary>
    public string Correct(string word)
    {
        if (word.Length < 4 || _frequency.ContainsKey(word) || word.All(char.IsDigit) || word.Contains('\''))
        {
            return word;
        }

        // People rarely get the first letter wrong; requiring it keeps unrelated words from being "corrected" into IT terms.
        var maxEdits = word.Length >= 8 ? 2 : 1;
        string? best = null;
        var bestDistance = int.MaxValue;
        var bestFrequency = 0;
        for (var length = word.Length - maxEdits; length <= word.Length + maxEdits; length++)
        {
            if (!_byLength.TryGetValue(length, out var candidates))
            {
                continue;
            }

            foreach (var candidate in candidates)
            {
                if (candidate.Length < 4 || candidate[0] != word[0])
                {
                    continue;
                }

                var distance = Distance(word, candidate, maxEdits);
                var frequency = _frequency[candidate];
                if (distance <= maxEdits && (distance < bestDistance || distance == bestDistance && frequency > bestFrequency))
                {
                    (best, bestDistance, bestFrequency) = (candidate, distance, frequency);
                }
            }
        }

        return best ?? word;
    }

    // Optimal string alignment distance (Levenshtein plus adjacent transpositions), abandoned past max.
    private static int Distance(string a, string b, int max)
    {
        var previous2 = new int[b.Length + 1];
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var rowMin = current[0];
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    current[j] = Math.Min(current[j], previous2[j - 2] + 1);
                }

                rowMin = Math.Min(rowMin, current[j]);
            }

            if (rowMin > max)
            {
                return max + 1;
            }

            (previous2, previous, current) = (previous, current, previous2);
        }

        return previous[b.Length];
    }
}
