using SupportBot.Skills.Knowledge;

namespace SupportBot.Eval;

/// <summary>Prints retrieval quality of plain BM25 beside the full pipeline on the evaluation set.</summary>
public static class EvalProgram
{
    public static int Main(string[] args)
    {
        // Usage: dotnet run --project tests/SupportBot.Eval [-- --questions FILE] [--articles DIR] [--organisation FILE] [--misses]
        var root = FindRoot();
        string Arg(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }

        var questions = Evaluation.ReadQuestions(Arg("--questions", Path.Combine(root, "tests/eval/questions.jsonl")));
        var articles = Evaluation.ReadArticles(
            Arg("--articles", Path.Combine(root, "skills/content/articles")),
            Arg("--organisation", Path.Combine(root, "skills/content/organisation.json")));
        var options = new KnowledgeOptions();

        using var plain = KnowledgeIndex.Build(articles, SearchMode.PlainBm25);
        using var full = KnowledgeIndex.Build(articles, SearchMode.Full);

        var scores = new[]
        {
            Evaluation.Score("plain BM25", plain, questions, options),
            Evaluation.Score("full pipeline", full, questions, options),
        };

        Console.WriteLine($"{articles.Count} articles, {questions.Count} questions");
        Console.WriteLine(Evaluation.Table(scores));
        if (args.Contains("--grid"))
        {
            // Tuning aid: the decision thresholds that balance top-1 and abstention best on this set.
            var results = new List<(double Min, EvalScores S, double C, double W, int M)>();
            foreach (var c in new[] { 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5 })
            {
                foreach (var w in new[] { 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 99 })
                {
                    foreach (var m in new[] { 1, 2, 3 })
                    {
                        var o = new KnowledgeOptions { MinCoverage = c, MinMatchedWeight = w, MinMatchedTerms = m };
                        var sc = Evaluation.Score("grid", full, questions, o);
                        results.Add((Math.Min(sc.Top1, Math.Min(sc.AbstainPrecision, sc.AbstainRecall)), sc, c, w, m));
                    }
                }
            }

            foreach (var r in results.OrderByDescending(r => r.Min).ThenByDescending(r => r.S.Top1).Take(8))
            {
                Console.WriteLine($"min {r.Min:F3} top1 {r.S.Top1:F3} r@3 {r.S.RecallAt3:F3} abstain P {r.S.AbstainPrecision:F3} R {r.S.AbstainRecall:F3}  coverage {r.C} weight {r.W} terms {r.M}");
            }

            return 0;
        }

        if (args.Contains("--dump"))
        {
            // One line per question for tuning: expected, best id, coverage, matched weight, matched terms, score, runner-up score.
            foreach (var q in questions)
            {
                var hits = full.Search(q.Q, 5);
                var h0 = hits.Count > 0 ? hits[0] : null;
                var h1 = hits.Count > 1 ? hits[1] : null;
                Console.WriteLine(string.Join('\t', q.Expected ?? "-", h0?.Article.Id ?? "-", h0?.Coverage ?? 0, h0?.MatchedWeight ?? 0, h0?.MatchedTerms.Count ?? 0, h0?.Score ?? 0, h1?.Score ?? 0, full.TermsOf(q.Q).Count, h1?.Article.Id ?? "-", KnowledgeAnswerer.Decide(full, q.Q, new KnowledgeOptions { MinCoverage = 0 }).Kind == AnswerKind.NoMatch ? 1 : 0));
            }

            return 0;
        }

        if (args.Contains("--misses"))
        {
            Console.WriteLine();
            Console.WriteLine("Full pipeline misses:");
            scores[1].Misses.ToList().ForEach(Console.WriteLine);
        }

        return 0;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SupportBot.sln")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
