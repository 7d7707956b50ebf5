using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using SupportBot.Eval;
using SupportBot.Skills.Knowledge;

namespace SupportBot.Benchmarks;

/// <summary>
/// Knowledge base performance: index build time, query latency (p50/p95 of the bot's whole decision over the
/// evaluation questions) and memory after load, for the starter KB and a generated 10,000-article KB.
/// A Stopwatch harness rather than BenchmarkDotNet: it needs the per-query latency distribution, and memory
/// measured in the same process right after one load (see docs/benchmarks.md).
/// </summary>
public static class BenchmarkProgram
{
    private const double BuildTargetMs = 15_000;
    private const double P95TargetMs = 10;
    private const long ProcessTargetBytes = 400L * 1024 * 1024;

    // Keeps the JIT from discarding a result nobody reads.
    private static long _sink;
    private static double _generatedParseMs;
    private static double _worstOtherLoad;

    public static int Main(string[] args)
    {
        var settings = Settings.Parse(args);
        var root = FindRoot();
        var articlesFolder = Path.Combine(root, "skills/content/articles");
        var organisationFile = Path.Combine(root, "skills/content/organisation.json");
        var questions = Evaluation.ReadQuestions(Path.Combine(root, "tests/eval/questions.jsonl"));
        var organisationNames = OrganisationNames(organisationFile);
        var results = new List<(string Metric, string Starter, string Large, string Target)>();

        PrintEnvironment(settings);

        // ---------- (a) starter KB ----------
        Heading($"Starter KB ({articlesFolder.Replace(root, ".", StringComparison.Ordinal)})");
        for (var i = 0; i < 3; i++)
        {
            using var warm = KnowledgeIndex.Build(Evaluation.ReadArticles(articlesFolder, organisationFile), SearchMode.Full, organisationNames);
            WarmQueries(warm, questions);
        }

        var parseAndBuild = new List<double>();
        var parseOnly = new List<double>();
        for (var i = 0; i < settings.StarterBuildRuns; i++)
        {
            Clock.Settle();
            var start = Stopwatch.GetTimestamp();
            var parsed = Evaluation.ReadArticles(articlesFolder, organisationFile);
            parseOnly.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            using var index = KnowledgeIndex.Build(parsed, SearchMode.Full, organisationNames);
            parseAndBuild.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        var starter = Evaluation.ReadArticles(articlesFolder, organisationFile);
        var starterBuild = new List<double>();
        for (var i = 0; i < settings.StarterBuildRuns; i++)
        {
            Clock.Settle();
            var (index, ms) = Clock.Time(() => KnowledgeIndex.Build(starter, SearchMode.Full, organisationNames));
            index.Dispose();
            starterBuild.Add(ms);
        }

        Console.WriteLine($"articles: {starter.Count}");
        Console.WriteLine($"parse only (read + parse {starter.Count} files): {Timings.Of(parseOnly)}");
        Console.WriteLine($"parse + build:  {Timings.Of(parseAndBuild)}");
        Console.WriteLine($"build only:     {Timings.Of(starterBuild)}");

        LatencyResult starterLatency;
        EvalScores starterScores;
        using (var index = KnowledgeIndex.Build(starter, SearchMode.Full, organisationNames))
        {
            starterLatency = MeasureLatency(index, questions, settings.StarterLatencySeconds, settings.Seed);
            PrintLatency(starterLatency);
            PrintBreakdown(index, starter, questions, organisationNames, rounds: 5);
            starterScores = Evaluation.Score($"{starter.Count} articles", index, questions, new KnowledgeOptions());
        }

        // ---------- (b) generated KB ----------
        var generatedCount = settings.Articles - starter.Count;
        Heading($"Generated KB ({settings.Articles:N0} articles: the {starter.Count} starter articles + {generatedCount:N0} generated, seed {settings.Seed})");
        starterLatency.PerQuestion.Clear();
        Clock.Settle();
        var beforeLoad = MemorySnapshot.Take();
        Console.WriteLine($"before load: {beforeLoad}");

        var articles = LoadGenerated(starter, generatedCount, settings);
        if (articles.Select(a => a.Id).Distinct(StringComparer.Ordinal).Count() != articles.Count)
        {
            Console.Error.WriteLine("Generated ids are not unique.");
            return 1;
        }

        Clock.Settle();
        var afterParse = MemorySnapshot.Take();
        Console.WriteLine($"after parse: {afterParse}");

        var largeBuild = new List<double>();
        var (large, firstBuildMs) = TimeBuild(articles, organisationNames, out var firstLoad);
        largeBuild.Add(firstBuildMs);
        Console.WriteLine($"build #1: {Clock.Ms(firstBuildMs)}{firstLoad}");
        var afterBuild = MemorySnapshot.Take();
        Console.WriteLine($"after build (index loaded): {afterBuild}");
        Console.WriteLine($"  of which index: ~{MemorySnapshot.Mb(afterBuild.ManagedHeap - afterParse.ManagedHeap)} managed; articles: ~{MemorySnapshot.Mb(afterParse.ManagedHeap - beforeLoad.ManagedHeap)} managed");

        var largeLatency = MeasureLatency(large, questions, settings.LargeLatencySeconds, settings.Seed);
        PrintLatency(largeLatency);
        Console.WriteLine($"  peak working set so far: {PeakWorkingSet()}");
        PrintBreakdown(large, articles, questions, organisationNames, rounds: 3);
        var largeScores = Evaluation.Score($"{articles.Count} articles", large, questions, new KnowledgeOptions());
        Console.WriteLine();
        Console.WriteLine("Answer quality on the same questions (distractors change rankings; not a target of this benchmark):");
        Console.WriteLine(Evaluation.Table([starterScores, largeScores]));
        Console.WriteLine($"peak working set so far: {PeakWorkingSet()}");

        // A reload (KnowledgeBase.Reload) builds the new index while the previous one keeps answering, and retires it 30 s later.
        Clock.Settle();
        var (reloaded, reloadMs) = TimeBuild(articles, organisationNames, out var reloadLoad);
        largeBuild.Add(reloadMs);
        var duringReload = MemorySnapshot.Take();
        Console.WriteLine($"build #2 (a reload: the previous index still alive): {Clock.Ms(reloadMs)}{reloadLoad}");
        Console.WriteLine($"  with both indexes: {duringReload}");
        reloaded.Dispose();
        large.Dispose();

        for (var i = 2; i < settings.LargeBuildRuns; i++)
        {
            Clock.Settle();
            var (index, ms) = TimeBuild(articles, organisationNames, out var buildLoad);
            index.Dispose();
            largeBuild.Add(ms);
            Console.WriteLine($"build #{i + 1}: {Clock.Ms(ms)}{buildLoad}; peak working set so far: {PeakWorkingSet()}");
        }

        var largeBuildTimings = Timings.Of(largeBuild);
        Console.WriteLine($"build: {largeBuildTimings}");

        // ---------- summary ----------
        var starterBuildTimings = Timings.Of(starterBuild);
        var parseBuildTimings = Timings.Of(parseAndBuild);
        var buildMet = largeBuildTimings.P50 <= BuildTargetMs;
        var p95Met = largeLatency.All.P95 <= P95TargetMs && starterLatency.All.P95 <= P95TargetMs;
        var memoryMet = afterBuild.WorkingSet <= ProcessTargetBytes;
        results.Add(("index build (median of runs)", Clock.Ms(starterBuildTimings.P50), Clock.Ms(largeBuildTimings.P50), $"≤ 15 s (10k, median): {(buildMet ? "met" : "MISSED")}"));
        results.Add(("index build (min–max)", $"{Clock.Ms(starterBuildTimings.Min)} – {Clock.Ms(starterBuildTimings.Max)}", $"{Clock.Ms(largeBuildTimings.Min)} – {Clock.Ms(largeBuildTimings.Max)}", string.Empty));
        results.Add(("parse + build (median)", Clock.Ms(parseBuildTimings.P50), $"{Clock.Ms(_generatedParseMs)} parse (once) + build", string.Empty));
        results.Add(("query p50", Clock.Ms(starterLatency.All.P50), Clock.Ms(largeLatency.All.P50), string.Empty));
        results.Add(("query p95", Clock.Ms(starterLatency.All.P95), Clock.Ms(largeLatency.All.P95), $"≤ 10 ms: {(p95Met ? "met" : "MISSED")}"));
        results.Add(("query p99 / max", $"{Clock.Ms(starterLatency.All.P99)} / {Clock.Ms(starterLatency.All.Max)}", $"{Clock.Ms(largeLatency.All.P99)} / {Clock.Ms(largeLatency.All.Max)}", string.Empty));
        results.Add(("query samples", $"{starterLatency.All.Count:N0} ({starterLatency.Rounds} × {questions.Count})", $"{largeLatency.All.Count:N0} ({largeLatency.Rounds} × {questions.Count})", string.Empty));
        results.Add(("allocated per query", MemorySnapshot.Mb(starterLatency.AllocatedPerQuery), MemorySnapshot.Mb(largeLatency.AllocatedPerQuery), string.Empty));
        results.Add(("managed heap after load", string.Empty, MemorySnapshot.Mb(afterBuild.ManagedHeap), string.Empty));
        results.Add(("process working set after load", string.Empty, MemorySnapshot.Mb(afterBuild.WorkingSet), $"≤ 400 MB: {(memoryMet ? "met" : "MISSED")}"));
        results.Add(("peak working set during first load", string.Empty, MemorySnapshot.Mb(afterBuild.PeakWorkingSet), string.Empty));
        results.Add(("working set during a reload (2 indexes)", string.Empty, MemorySnapshot.Mb(duringReload.WorkingSet), $"(managed heap {MemorySnapshot.Mb(duringReload.ManagedHeap)})"));

        results.Add(("other processes' CPU during measurements (max)", string.Empty, $"{_worstOtherLoad:F0}%", _worstOtherLoad > 10 ? "NOT QUIET: rerun on a quiet machine" : "quiet"));

        Heading("Summary");
        Console.WriteLine($"| metric | starter ({starter.Count}) | generated ({articles.Count:N0}) | target |");
        Console.WriteLine("|---|---:|---:|---|");
        foreach (var (metric, small, big, target) in results)
        {
            Console.WriteLine($"| {metric} | {small} | {big} | {target} |");
        }

        Console.WriteLine();
        Console.WriteLine($"Peak working set over the whole run: {PeakWorkingSet()} (includes the reload and this harness's own spelling-corrector replica).");
        Console.WriteLine($"(checksum {_sink})");
        return 0;
    }

    private sealed record LatencyResult(Timings All, int Rounds, double WallSeconds, long AllocatedPerQuery, int[] Collections, double GcPauseMs, Timings RoundP95s, (double OtherPercent, double StealPercent)? Load, Dictionary<string, List<double>> PerQuestion, IReadOnlyList<EvalQuestion> Questions);

    /// <summary>
    /// Warms up (at least 3 rounds and 2 s, so tiered JIT has settled), then times every question of the set, in a
    /// shuffled order each round, until the time budget is spent (at least 5 rounds).
    /// </summary>
    private static LatencyResult MeasureLatency(KnowledgeIndex index, IReadOnlyList<EvalQuestion> questions, double budgetSeconds, int seed)
    {
        // Time the search itself, not the bot's memory of questions it has already seen.
        index.RemembersQuestions = false;
        var options = new KnowledgeOptions();
        var warm = Stopwatch.StartNew();
        for (var round = 0; round < 3 || warm.Elapsed.TotalSeconds < 2; round++)
        {
            WarmQueries(index, questions);
        }

        Clock.Settle();
        var random = new Random(seed);
        var order = Enumerable.Range(0, questions.Count).ToArray();
        var samples = new List<double>();
        var perQuestion = questions.Select(q => q.Q).Distinct(StringComparer.Ordinal).ToDictionary(q => q, _ => new List<double>(), StringComparer.Ordinal);
        var collectionsBefore = Enumerable.Range(0, 3).Select(GC.CollectionCount).ToArray();
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var pausedBefore = GC.GetTotalPauseDuration();
        var roundP95s = new List<double>();
        var load = MachineLoad.Start();
        var wall = Stopwatch.StartNew();
        var rounds = 0;
        while (rounds < 5 || (wall.Elapsed.TotalSeconds < budgetSeconds && rounds < 500))
        {
            random.Shuffle(order);
            foreach (var i in order)
            {
                var question = questions[i].Q;
                var start = Stopwatch.GetTimestamp();
                var answer = KnowledgeAnswerer.Decide(index, question, options);
                var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                _sink += (int)answer.Kind + answer.Hits.Count;
                samples.Add(ms);
                perQuestion[question].Add(ms);
            }

            rounds++;
            roundP95s.Add(Timings.Percentile(samples.TakeLast(order.Length).Order().ToArray(), 95));
        }

        wall.Stop();
        var machine = load?.Stop();
        Observe(machine);
        var allocated = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / samples.Count;
        var collections = Enumerable.Range(0, 3).Select(g => GC.CollectionCount(g) - collectionsBefore[g]).ToArray();
        var paused = (GC.GetTotalPauseDuration() - pausedBefore).TotalMilliseconds;
        return new LatencyResult(Timings.Of(samples), rounds, wall.Elapsed.TotalSeconds, allocated, collections, paused, Timings.Of(roundP95s), machine, perQuestion, questions);
    }

    /// <summary>Generates the articles as Markdown and parses them like files (the Markdown is garbage afterwards).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static List<KnowledgeArticle> LoadGenerated(IReadOnlyList<KnowledgeArticle> starter, int count, Settings settings)
    {
        var (markdown, generateMs) = Clock.Time(() => new KnowledgeBaseGenerator(starter, settings.Seed).Generate(count));
        var words = markdown.Select(m => KnowledgeBaseGenerator.BodyWords(m.Markdown)).ToList();
        Console.WriteLine($"generated {markdown.Count:N0} Markdown articles in {Clock.Ms(generateMs)}; body words min {words.Min()}, mean {words.Average():F0}, max {words.Max()}; " +
                          $"{words.Count(w => w is >= 200 and <= 400) * 100.0 / words.Count:F1}% within 200–400");
        if (settings.WriteArticlesTo is { } folder)
        {
            Directory.CreateDirectory(folder);
            foreach (var (id, text) in markdown)
            {
                File.WriteAllText(Path.Combine(folder, id + ".md"), text);
            }

            Console.WriteLine($"wrote them to {folder}");
        }

        var (generated, parseMs) = Clock.Time(() => markdown.Select(m => ArticleParser.Parse(m.Markdown, $"generated/{m.Id}.md", _ => null)).ToList());
        Console.WriteLine($"parsed {count:N0} generated articles (ArticleParser.Parse) in {Clock.Ms(parseMs)}; " +
                          $"{generated.Sum(a => a.Sections.Sum(s => s.Steps.Count)):N0} steps in {generated.Sum(a => a.Sections.Count):N0} sections, " +
                          $"{generated.Sum(a => a.Questions.Count):N0} listed questions, {generated.SelectMany(a => a.Tags).Distinct(StringComparer.Ordinal).Count():N0} distinct tags");
        _generatedParseMs = parseMs;
        return [.. starter, .. generated];
    }

    private static (KnowledgeIndex Index, double Milliseconds) TimeBuild(IReadOnlyList<KnowledgeArticle> articles, IReadOnlyList<(Regex Pattern, string Canonical)> organisationNames, out string load)
    {
        var monitor = MachineLoad.Start();
        var result = Clock.Time(() => KnowledgeIndex.Build(articles, SearchMode.Full, organisationNames));
        var machine = monitor?.Stop();
        Observe(machine);
        load = machine is { } m ? $" ({MachineLoad.Describe(m)})" : string.Empty;
        return result;
    }

    // The busiest the rest of the machine was during any measurement.
    private static void Observe((double OtherPercent, double StealPercent)? load)
    {
        if (load is { } l)
        {
            _worstOtherLoad = Math.Max(_worstOtherLoad, l.OtherPercent);
        }
    }

    private static string PeakWorkingSet()
    {
        using var process = Process.GetCurrentProcess();
        return MemorySnapshot.Mb(process.PeakWorkingSet64);
    }

    private static void WarmQueries(KnowledgeIndex index, IReadOnlyList<EvalQuestion> questions)
    {
        // Time the search itself, not the bot's memory of questions it has already seen.
        index.RemembersQuestions = false;
        var options = new KnowledgeOptions();
        foreach (var question in questions)
        {
            _sink += (int)KnowledgeAnswerer.Decide(index, question.Q, options).Kind;
        }
    }

    private static void PrintLatency(LatencyResult result)
    {
        Console.WriteLine($"query latency, KnowledgeAnswerer.Decide: {result.All}");
        Console.WriteLine($"  {result.Rounds} rounds of {result.Questions.Count} questions in {result.WallSeconds:F1} s " +
                          $"({result.All.Count / result.WallSeconds:F0} queries/s on one thread); {MemorySnapshot.Mb(result.AllocatedPerQuery)} allocated per query; " +
                          $"GCs gen0/1/2: {string.Join('/', result.Collections)}, GC pauses {Clock.Ms(result.GcPauseMs)} in all ({result.GcPauseMs / 10 / result.WallSeconds:F1}% of the time)");
        Console.WriteLine($"  p95 of each round: min {Clock.Ms(result.RoundP95s.Min)}, median {Clock.Ms(result.RoundP95s.P50)}, max {Clock.Ms(result.RoundP95s.Max)}");
        if (result.Load is { } load)
        {
            Console.WriteLine($"  while measuring, {MachineLoad.Describe(load)}");
        }

        foreach (var kind in result.Questions.GroupBy(q => q.Kind ?? "?").OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var times = kind.Select(q => q.Q).Distinct(StringComparer.Ordinal).SelectMany(q => result.PerQuestion[q]).ToList();
            Console.WriteLine($"  {kind.Key,-13} ({kind.Count(),3} questions): {Timings.Of(times)}");
        }

        Console.WriteLine("  slowest questions (median of their runs):");
        foreach (var (question, median) in result.PerQuestion
                     .Select(p => (Question: p.Key, Median: Timings.Of(p.Value).P50))
                     .OrderByDescending(p => p.Median)
                     .Take(5))
        {
            Console.WriteLine($"    {Clock.Ms(median),10}  {Shorten(question, 90)}");
        }
    }

    /// <summary>
    /// Where a query's time goes, through public seams only: the index's term pipeline (TermsOf: spelling
    /// correction, vocabulary rewriting, stemming), Search (TermsOf + Lucene BM25 + coverage of each hit), and
    /// Decide (Search + the answerer's own checks and section ranking). Spelling correction alone is timed on a
    /// replica built from the same words the index feeds its own corrector.
    /// </summary>
    private static void PrintBreakdown(KnowledgeIndex index, IReadOnlyList<KnowledgeArticle> articles, IReadOnlyList<EvalQuestion> questions, IReadOnlyList<(Regex Pattern, string Canonical)> organisationNames, int rounds)
    {
        // Time the search itself, not the bot's memory of questions it has already seen.
        index.RemembersQuestions = false;
        // Streamed, not collected: at 10k articles the corrector's input is millions of words.
        IEnumerable<string> Vocabulary() => articles
            .SelectMany(a => new[] { a.Title, string.Join("\n", a.Questions), string.Join(" ", a.Tags), a.Summary, a.BodyText })
            .SelectMany(ItVocabulary.Words)
            .Concat(ItVocabulary.KnownWords())
            .Concat(organisationNames.SelectMany(n => ItVocabulary.Words(n.Pattern.ToString())))
            .Concat(ItVocabulary.Filler.SelectMany(w => Enumerable.Repeat(w, 1000)));
        var (speller, spellerBuildMs) = Clock.Time(() => new SpellingCorrector(Vocabulary()));
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        var tokens = 0L;
        foreach (var word in Vocabulary())
        {
            distinct.Add(word);
            tokens++;
        }

        var options = new KnowledgeOptions();
        var stages = new (string Name, Func<string, int> Run)[]
        {
            ("spelling correction (replica)", q => ItVocabulary.Words(q).Where(w => !ItVocabulary.Filler.Contains(w)).Sum(w => speller.Correct(w).Length)),
            ("vocabulary rewriting (Canonicalize)", q => ItVocabulary.Canonicalize(q, organisationNames).Length),
            ("index.TermsOf", q => index.TermsOf(q).Count),
            ("index.Search (top 5)", q => index.Search(q, 5).Count),
            ("KnowledgeAnswerer.Decide", q => KnowledgeAnswerer.Decide(index, q, options).Hits.Count),
        };

        Console.WriteLine($"  breakdown ({rounds} rounds; vocabulary {distinct.Count:N0} distinct words, {tokens:N0} tokens; corrector built in {Clock.Ms(spellerBuildMs)}):");
        foreach (var (name, run) in stages)
        {
            foreach (var question in questions)
            {
                _sink += run(question.Q);
            }

            var times = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                foreach (var question in questions)
                {
                    var start = Stopwatch.GetTimestamp();
                    _sink += run(question.Q);
                    times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
            }

            var t = Timings.Of(times);
            Console.WriteLine($"    {name,-38} mean {Clock.Ms(t.Mean),10}  p50 {Clock.Ms(t.P50),10}  p95 {Clock.Ms(t.P95),10}");
        }

        var unknown = questions.SelectMany(q => ItVocabulary.Words(q.Q))
            .Count(w => !ItVocabulary.Filler.Contains(w) && w.Length >= 4 && !speller.IsKnown(w) && !w.All(char.IsDigit));
        Console.WriteLine($"    ({unknown} words across the {questions.Count} questions are unknown to the corrector and trigger its scan)");
    }

    private static List<(Regex Pattern, string Canonical)> OrganisationNames(string organisationFile)
    {
        // The same names KnowledgeBase passes to the index in the bot.
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.GetFullPath(organisationFile), optional: true).Build();
        var names = new List<(Regex, string)>();
        foreach (var (key, canonical) in new[] { ("Organisation:VpnClientName", "vpn"), ("Organisation:GuestWifiName", "wifi guest"), ("Organisation:CorporateWifiName", "wifi") })
        {
            if (configuration[key] is { Length: > 2 } name)
            {
                names.Add((ItVocabulary.PhrasePattern(name), canonical));
            }
        }

        return names;
    }

    private static void PrintEnvironment(Settings settings)
    {
        Heading("Environment");
#if DEBUG
        Console.WriteLine("WARNING: Debug build; run with -c Release for figures worth reporting.");
#endif
        Console.WriteLine($".NET {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture}");
        Console.WriteLine($"processors: {Environment.ProcessorCount}; memory available to .NET: {MemorySnapshot.Mb(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes)}");
        Console.WriteLine($"GC: {(GCSettings.IsServerGC ? "server" : "workstation")}, latency mode {GCSettings.LatencyMode}; tiered PGO as configured by the runtime");
        Console.WriteLine($"settings: {settings}");
    }

    private static void Heading(string text)
    {
        Console.WriteLine();
        Console.WriteLine($"== {text} ==");
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SupportBot.sln")))
            {
                return directory.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }

    /// <summary>Command line: --articles N, --seed N, --starter-builds N, --large-builds N, --starter-seconds S, --large-seconds S, --write-articles DIR.</summary>
    private sealed record Settings(int Articles, int Seed, int StarterBuildRuns, int LargeBuildRuns, double StarterLatencySeconds, double LargeLatencySeconds, string? WriteArticlesTo)
    {
        public static Settings Parse(string[] args)
        {
            string? Arg(string name)
            {
                var i = Array.IndexOf(args, name);
                return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
            }

            int Int(string name, int fallback) => Arg(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
            double Double(string name, double fallback) => Arg(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
            return new Settings(
                Int("--articles", 10_000),
                Int("--seed", 20_250),
                Int("--starter-builds", 20),
                Int("--large-builds", 3),
                Double("--starter-seconds", 8),
                Double("--large-seconds", 30),
                Arg("--write-articles"));
        }
    }
}
