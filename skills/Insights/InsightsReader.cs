using Microsoft.Extensions.Options;
using SupportBot.Skills.Knowledge;
using SupportBot.Skills.SelfHelp;

namespace SupportBot.Skills.Insights;

/// <summary>Builds the <see cref="InsightsReport"/> for a date range from the insights database.</summary>
public sealed class InsightsReader(InsightsStore store, InsightsBuffer queue, IKnowledgeSource knowledge, IOptions<InsightsOptions> options)
{
    public const int DefaultDays = 30;

    /// <summary>Longest range the page reads at once.</summary>
    public const int MaxDays = 366;

    private const int MaxTopQuestions = 20;
    private const int MaxGapRows = 20_000;
    private const int MaxArticles = 50;

    // What a turn recorded a moment ago should be on the page: the writer gets this long to catch up.
    private static readonly TimeSpan FlushWait = TimeSpan.FromSeconds(2);

    public async Task<InsightsReport> ReadAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        if (to < from)
        {
            throw new ArgumentException("The range ends before it starts.", nameof(to));
        }

        await queue.FlushAsync(FlushWait, cancellationToken);

        // SQLite's API is synchronous: the reads run on a pool thread rather than the request's.
        return await Task.Run(() => Read(from, to), cancellationToken);
    }

    private InsightsReport Read(DateOnly from, DateOnly to)
    {
        var range = new (string Name, object? Value)[] { ("@from", InsightsStore.Day(from)), ("@to", InsightsStore.Day(to)) };
        return store.Read(connection =>
        {
            var byDay = InsightsStore.Query(connection,
                """
                SELECT c.day,
                       COUNT(*) AS total,
                       SUM(EXISTS (SELECT 1 FROM escalations e WHERE e.conversation = c.key)) AS escalated,
                       SUM(NOT EXISTS (SELECT 1 FROM escalations e WHERE e.conversation = c.key)
                           AND (EXISTS (SELECT 1 FROM feedback f WHERE f.conversation = c.key AND f.helpful = 1)
                                OR EXISTS (SELECT 1 FROM actions a WHERE a.conversation = c.key AND a.outcome = 'Succeeded'))) AS confirmed
                FROM conversations c
                WHERE c.day BETWEEN @from AND @to
                GROUP BY c.day;
                """,
                r => (Day: DateOnly.ParseExact(r.GetString(0), "yyyy-MM-dd"), Total: r.GetInt32(1), Escalated: r.GetInt32(2), Confirmed: r.GetInt32(3)),
                range).ToDictionary(d => d.Day);
            var days = new List<DayOutcomes>();
            for (var day = from; day <= to; day = day.AddDays(1))
            {
                days.Add(byDay.TryGetValue(day, out var d)
                    ? new DayOutcomes(day, d.Confirmed, d.Total - d.Confirmed - d.Escalated, d.Escalated)
                    : new DayOutcomes(day, 0, 0, 0));
            }

            var outcomes = new OutcomeSplit(days.Sum(d => d.Confirmed), days.Sum(d => d.Potential), days.Sum(d => d.Escalated));

            var categories = InsightsStore.Query(connection,
                """
                WITH seen AS (
                    SELECT conversation, category FROM questions
                    WHERE day BETWEEN @from AND @to AND outcome = 'Answered' AND category IS NOT NULL
                    UNION
                    SELECT conversation, category FROM escalations WHERE day BETWEEN @from AND @to)
                SELECT s.category,
                       COUNT(*) AS conversations,
                       SUM(EXISTS (SELECT 1 FROM escalations e WHERE e.conversation = s.conversation AND e.category = s.category)) AS escalated
                FROM seen s
                GROUP BY s.category;
                """,
                r => new CategoryEscalations(r.GetString(0), r.GetInt32(1), r.GetInt32(2)),
                range)
                .OrderByDescending(c => c.Rate).ThenByDescending(c => c.Conversations).ThenBy(c => c.Category, StringComparer.Ordinal)
                .ToList();

            // SQLite fills a bare column from the row MAX() picked: the example is the latest wording.
            var top = InsightsStore.Query(connection,
                """
                SELECT terms, text, COUNT(*) AS asked, SUM(outcome = 'Answered') AS answered, MAX(id)
                FROM questions
                WHERE day BETWEEN @from AND @to AND terms <> ''
                GROUP BY terms
                ORDER BY asked DESC, MAX(id) DESC
                LIMIT 20;
                """,
                r => new TopQuestion(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetInt32(3)),
                range).Take(MaxTopQuestions).ToList();

            var gapRows = InsightsStore.Query(connection,
                """
                SELECT terms, text, 0 FROM questions WHERE day BETWEEN @from AND @to AND outcome = 'NoMatch'
                UNION ALL
                SELECT terms, question, 1 FROM feedback WHERE day BETWEEN @from AND @to AND helpful = 0 AND question IS NOT NULL
                LIMIT @max;
                """,
                r => new GapClusters.Entry(r.GetString(0), r.GetString(1), r.GetInt32(2) == 1),
                [.. range, ("@max", MaxGapRows)]);
            var gaps = GapClusters.Build(gapRows);

            var index = knowledge.Current;
            var shown = InsightsStore.Query(connection,
                "SELECT article_id, COUNT(*) FROM questions WHERE day BETWEEN @from AND @to AND outcome = 'Answered' AND article_id IS NOT NULL GROUP BY article_id;",
                r => (Id: r.GetString(0), Count: r.GetInt32(1)),
                range).ToDictionary(x => x.Id, x => x.Count, StringComparer.Ordinal);
            var rated = InsightsStore.Query(connection,
                "SELECT article_id, SUM(helpful), SUM(1 - helpful) FROM feedback WHERE day BETWEEN @from AND @to GROUP BY article_id;",
                r => (Id: r.GetString(0), Helpful: r.GetInt32(1), Stuck: r.GetInt32(2)),
                range).ToDictionary(x => x.Id, StringComparer.Ordinal);
            var articles = shown.Keys.Union(rated.Keys, StringComparer.Ordinal)
                .Select(id => new ArticleFeedbackSummary(
                    id,
                    index.Find(id)?.Title,
                    shown.GetValueOrDefault(id),
                    rated.TryGetValue(id, out var f) ? f.Helpful : 0,
                    rated.TryGetValue(id, out var g) ? g.Stuck : 0))
                .OrderByDescending(a => a.StillStuck).ThenByDescending(a => a.Shown).ThenBy(a => a.ArticleId, StringComparer.Ordinal)
                .Take(MaxArticles)
                .ToList();

            var actions = InsightsStore.Query(connection,
                "SELECT action_id, outcome, COUNT(*) FROM actions WHERE day BETWEEN @from AND @to GROUP BY action_id, outcome;",
                r => (Id: r.GetString(0), Outcome: r.GetString(1), Count: r.GetInt32(2)),
                range)
                .GroupBy(a => a.Id, StringComparer.Ordinal)
                .Select(g => new ActionSummary(
                    g.Key,
                    SelfHelpActions.Find(g.Key)?.Title ?? g.Key,
                    Sum(g, nameof(AuditOutcome.Succeeded)),
                    Sum(g, nameof(AuditOutcome.Failed)),
                    Sum(g, nameof(AuditOutcome.Refused)),
                    Sum(g, nameof(AuditOutcome.Cancelled)),
                    Sum(g, nameof(AuditOutcome.NeedsTechnician))))
                .OrderByDescending(a => a.Total).ThenBy(a => a.ActionId, StringComparer.Ordinal)
                .ToList();

            var settings = options.Value;
            var hours = new HoursSaved(outcomes.Confirmed, outcomes.Potential, settings.MinutesPerTicket, settings.PotentialDeflectionCredit);
            return new InsightsReport(from, to, days, outcomes, categories, top, gaps, articles, actions, hours);
        });
    }

    private static int Sum(IEnumerable<(string Id, string Outcome, int Count)> rows, string outcome) =>
        rows.Where(r => r.Outcome == outcome).Sum(r => r.Count);
}
