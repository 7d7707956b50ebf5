using System.Globalization;

namespace SupportBot.LoadTest;

/// <summary>The runs of one driver invocation and what they found.</summary>
public sealed class RunResults
{
    public LoadResult? Echo { get; set; }

    public LoadResult? Memory { get; set; }

    public LoadResult? Redis { get; set; }

    public List<string> Notes { get; } = [];

    public int QuestionCount { get; set; }

    public IReadOnlyList<FaultReport> Faults { get; set; } = [];

    public bool Failed { get; set; }
}

/// <summary>Starts each bot as its own process on 127.0.0.1, drives it, stops it by its PID.</summary>
public sealed class Scenarios(DriverOptions options, HttpClient http, CapturingConnector connector, string botDll, string botDirectory, string questionsFile)
{
    private readonly RunResults _results = new();

    public async Task<RunResults> RunAsync()
    {
        if (options.Echo)
        {
            _results.Echo = await MeasureEchoAsync();
        }

        if (options.Memory)
        {
            _results.Memory = await MeasureSupportBotAsync("SupportBot, in-memory state", redisConnection: null);
        }

        if (options.Redis)
        {
            await using var redis = await RedisProcess.StartAsync(http);
            if (redis is null)
            {
                _results.Notes.Add("redis-server is not installed; the Redis run was skipped (tests/run.sh installs it).");
            }
            else
            {
                _results.Redis = await MeasureSupportBotAsync("SupportBot, Redis state", redis.ConnectionString);
            }
        }

        if (options.Faults)
        {
            var faults = new FaultScenarios(options, http, connector, botDll, botDirectory, LoadRun.QuestionsFrom(questionsFile, "paraphrase", 60));
            _results.Faults = await faults.RunAsync();
            if (_results.Faults.Count == 0)
            {
                _results.Notes.Add("redis-server is not installed; the fault runs were skipped (tests/run.sh installs it).");
            }
        }

        return _results;
    }

    private async Task<LoadResult> MeasureEchoAsync()
    {
        var port = ChildProcess.FreePort();
        var url = $"http://127.0.0.1:{port}";
        await using var echo = ChildProcess.Start("echo bot", "dotnet", [typeof(Scenarios).Assembly.Location, EchoBotHost.Command, url]);
        await echo.WaitUntilHealthyAsync(http, new Uri(url + "/healthz"), TimeSpan.FromSeconds(60));
        Console.WriteLine($"Echo bot (stock CloudAdapter) started, PID {echo.Id}");
        var run = new LoadRun(http, new Uri(url + "/api/messages"), connector, ["hello there"], Expectation.Echo);
        var result = await run.RunAsync("Bot Framework echo bot (stock)", options.Conversations, options.Warmup, options.Duration, () => echo.CpuTime, Console.WriteLine);
        Console.WriteLine(result);
        return result;
    }

    private async Task<LoadResult> MeasureSupportBotAsync(string name, string? redisConnection)
    {
        await using var bot = await SupportBotProcess.StartAsync(name, botDll, botDirectory, http, new Dictionary<string, string>
        {
            ["ConnectionStrings__Redis"] = redisConnection ?? string.Empty,
        });
        var questions = await AnsweredQuestionsAsync(bot.Messages);
        var run = new LoadRun(http, bot.Messages, connector, questions, Expectation.KnowledgeAnswerCard);
        var result = await run.RunAsync(name, options.Conversations, options.Warmup, options.Duration, () => bot.Process.CpuTime, Console.WriteLine);
        Console.WriteLine(result);
        if (bot.Process.HasExited)
        {
            _results.Failed = true;
            _results.Notes.Add($"{name} exited during the run:\n{bot.Process.Output}");
        }

        return result;
    }

    // The questions the starter knowledge base answers outright (not "did you mean…?"), each asked once in a
    // conversation of its own: the load is made of real knowledge answers with their cards.
    private async Task<IReadOnlyList<string>> AnsweredQuestionsAsync(Uri messages)
    {
        var candidates = LoadRun.QuestionsFrom(questionsFile, "paraphrase", 60);
        var probe = new LoadRun(http, messages, connector, candidates, Expectation.KnowledgeAnswerCard);
        var answered = await probe.FilterAnsweredAsync(candidates);
        if (answered.Count < 10)
        {
            throw new InvalidOperationException($"Only {answered.Count} of {candidates.Count} starter questions were answered with an article; the load would not be knowledge answers.");
        }

        _results.QuestionCount = answered.Count;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{answered.Count} of {candidates.Count} evaluation questions are answered outright; the load cycles through them"));
        return answered;
    }
}
