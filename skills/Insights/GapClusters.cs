namespace SupportBot.Skills.Insights;

/// <summary>
/// Groups similar unanswered questions. Wordings with the same terms are one group already; groups then join the
/// cluster holding their most similar member (single link) when the cosine similarity of their topic terms is at
/// least <see cref="Threshold"/>. Largest groups go first, so a cluster is named after its most common wording.
/// </summary>
public static class GapClusters
{
    /// <summary>"zorblax desk glorp" and "zorblax refuse glorp" share two of three terms each: 0.67, together.</summary>
    public const double Threshold = 0.5;

    public const int MaxExamples = 3;

    /// <summary>One unanswered or "still stuck" question as stored.</summary>
    public sealed record Entry(string Terms, string Text, bool StillStuck);

    public static IReadOnlyList<KnowledgeGap> Build(IEnumerable<Entry> entries, int max = 25)
    {
        var groups = entries
            .Where(e => e.Terms.Length > 0 && e.Text.Length > 0)
            .GroupBy(e => e.Terms, StringComparer.Ordinal)
            .Select(g => new Group(
                QuestionText.TopicTerms(g.Key).ToHashSet(StringComparer.Ordinal),
                g.Count(e => !e.StillStuck),
                g.Count(e => e.StillStuck),
                g.GroupBy(e => e.Text, StringComparer.OrdinalIgnoreCase).OrderByDescending(t => t.Count()).Select(t => t.First().Text).ToList()))
            .OrderByDescending(g => g.Count)
            .ThenBy(g => g.Examples[0], StringComparer.Ordinal)
            .ToList();

        var clusters = new List<List<Group>>();
        foreach (var group in groups)
        {
            List<Group>? best = null;
            var bestScore = 0.0;
            foreach (var cluster in clusters)
            {
                var score = cluster.Max(member => Cosine(member.Terms, group.Terms));
                if (score > bestScore)
                {
                    (best, bestScore) = (cluster, score);
                }
            }

            if (best is not null && bestScore >= Threshold)
            {
                best.Add(group);
            }
            else
            {
                clusters.Add([group]);
            }
        }

        return clusters
            .Select(ToGap)
            .OrderByDescending(g => g.Count)
            .ThenBy(g => g.Label, StringComparer.Ordinal)
            .Take(max)
            .ToList();
    }

    private static KnowledgeGap ToGap(List<Group> members)
    {
        var count = members.Sum(m => m.Count);

        // The terms most of the cluster's questions use, most used first.
        var keyTerms = members
            .SelectMany(m => m.Terms.Select(t => (Term: t, m.Count)))
            .GroupBy(x => x.Term, StringComparer.Ordinal)
            .Select(g => (Term: g.Key, Weight: g.Sum(x => x.Count)))
            .Where(x => x.Weight * 2 >= count)
            .OrderByDescending(x => x.Weight)
            .ThenBy(x => x.Term, StringComparer.Ordinal)
            .Take(4)
            .Select(x => x.Term)
            .ToList();
        var examples = members
            .SelectMany(m => m.Examples)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Take(MaxExamples)
            .ToList();
        return new KnowledgeGap(members[0].Examples[0], keyTerms, count, members.Sum(m => m.Unanswered), members.Sum(m => m.StillStuck), examples);
    }

    private static double Cosine(HashSet<string> a, HashSet<string> b)
    {
        if (a.Count == 0 || b.Count == 0)
        {
            return 0;
        }

        var shared = a.Count(b.Contains);
        return shared / Math.Sqrt(a.Count * (double)b.Count);
    }

    private sealed record Group(HashSet<string> Terms, int Unanswered, int StillStuck, List<string> Examples)
    {
        public int Count => Unanswered + StillStuck;
    }
}
