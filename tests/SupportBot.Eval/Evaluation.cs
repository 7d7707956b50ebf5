using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using SupportBot.Skills.Knowledge;

namespace SupportBot.Eval;

/// <summary>One question of the evaluation set: what an employee typed and the article that answers it (null = out of scope).</summary>
public sealed record EvalQuestion(string Q, string? Expected, string? Kind);

/// <summary>Scores of one pipeline on the question set.</summary>
public sealed record EvalScores(string Pipeline, int InScope, int OutOfScope, double Top1, double RecallAt3, double Mrr, double AbstainPrecision, double AbstainRecall, IReadOnlyList<string> Misses);

/// <summary>
/// Runs a question set against the knowledge base with the bot's own decision (answer, clarify or abstain) and
/// scores it: top-1 accuracy, recall@3, MRR over in-scope questions; precision and recall of abstaining on
/// out-of-scope ones.
/// </summary>
public static class Evaluation
{
    public static IReadOnlyList<EvalQuestion> ReadQuestions(string file) =>
        File.ReadLines(file)
            .Where(l => !string.IsNullOrWhiteSpace(l))
            .Select(l => JsonSerializer.Deserialize<EvalQuestion>(l, JsonSerializerOptions.Web)!)
            .ToList();

    public static IReadOnlyList<KnowledgeArticle> ReadArticles(string articlesFolder, string organisationFile)
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.GetFullPath(organisationFile), optional: true).Build();
        return Directory.EnumerateFiles(articlesFolder, "*.md")
            .Order(StringComparer.Ordinal)
            .Select(f => ArticleParser.Parse(File.ReadAllText(f), Path.GetFileName(f), key => configuration[key]))
            .ToList();
    }

    public static EvalScores Score(string pipeline, KnowledgeIndex index, IReadOnlyList<EvalQuestion> questions, KnowledgeOptions options)
    {
        int inScope = 0, top1 = 0, at3 = 0, outOfScope = 0, abstainedCorrectly = 0, abstained = 0;
        double reciprocal = 0;
        var misses = new List<string>();
        foreach (var question in questions)
        {
            var answer = KnowledgeAnswerer.Decide(index, question.Q, options);
            var abstains = answer.Kind == AnswerKind.NoMatch;
            if (abstains)
            {
                abstained++;
            }

            if (question.Expected is null)
            {
                outOfScope++;
                if (abstains)
                {
                    abstainedCorrectly++;
                }
                else
                {
                    misses.Add($"  answered out-of-scope: \"{question.Q}\" -> {answer.Hits[0].Article.Id} (coverage {answer.Confidence:F2})");
                }

                continue;
            }

            inScope++;
            var ranking = abstains ? [] : answer.Hits.Select(h => h.Article.Id).ToList();
            var rank = ranking.IndexOf(question.Expected) + 1;
            if (rank == 1)
            {
                top1++;
            }
            else
            {
                var got = abstains ? $"abstained (best {(answer.Hits.Count > 0 ? answer.Hits[0].Article.Id : "none")}, coverage {answer.Confidence:F2})" : string.Join(", ", ranking.Take(3));
                misses.Add($"  missed {question.Expected}: \"{question.Q}\" -> {got}");
            }

            if (rank is >= 1 and <= 3)
            {
                at3++;
            }

            reciprocal += rank > 0 ? 1.0 / rank : 0;
        }

        return new EvalScores(
            pipeline,
            inScope,
            outOfScope,
            Ratio(top1, inScope),
            Ratio(at3, inScope),
            inScope == 0 ? 0 : reciprocal / inScope,
            Ratio(abstainedCorrectly, abstained),
            Ratio(abstainedCorrectly, outOfScope),
            misses);
    }

    public static string Table(IReadOnlyList<EvalScores> scores)
    {
        var lines = new List<string>
        {
            $"{"metric",-28}" + string.Concat(scores.Select(s => $"{s.Pipeline,16}")),
            Row("top-1 accuracy", scores, s => s.Top1),
            Row("recall@3", scores, s => s.RecallAt3),
            Row("MRR", scores, s => s.Mrr),
            Row("abstention precision", scores, s => s.AbstainPrecision),
            Row("abstention recall", scores, s => s.AbstainRecall),
            $"{"questions (in / out of scope)",-28}" + string.Concat(scores.Select(s => $"{s.InScope + " / " + s.OutOfScope,16}")),
        };
        return string.Join(Environment.NewLine, lines);
    }

    private static string Row(string name, IReadOnlyList<EvalScores> scores, Func<EvalScores, double> value) =>
        $"{name,-28}" + string.Concat(scores.Select(s => $"{value(s).ToString("F3", CultureInfo.InvariantCulture),16}"));

    private static double Ratio(int numerator, int denominator) => denominator == 0 ? 0 : (double)numerator / denominator;
}
