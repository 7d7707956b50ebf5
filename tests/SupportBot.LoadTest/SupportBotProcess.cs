namespace SupportBot.LoadTest;

/// <summary>
/// SupportBot as its own process on a free loopback port: the README's embedded default (Development, content root
/// bot/), its data files in a temporary folder, the per-user limit raised for the load, plus the run's own settings.
/// Stopped by its PID and its folder deleted on dispose.
/// </summary>
public sealed class SupportBotProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly DirectoryInfo _data;

    private SupportBotProcess(ChildProcess process, DirectoryInfo data, Uri url)
    {
        _process = process;
        _data = data;
        Url = url;
    }

    public Uri Url { get; }

    public Uri Messages => new(Url, "api/messages");

    public ChildProcess Process => _process;

    public static async Task<SupportBotProcess> StartAsync(string name, string botDll, string botDirectory, HttpClient http, IReadOnlyDictionary<string, string> settings)
    {
        var data = Directory.CreateTempSubdirectory("supportbot-load-");
        var url = new Uri($"http://127.0.0.1:{ChildProcess.FreePort()}/");
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["URLS"] = url.ToString().TrimEnd('/'),
            ["Limits__MessagesPerUserPerMinute"] = "100000",
            ["Tickets__DatabaseFile"] = Path.Combine(data.FullName, "tickets.db"),
            ["SelfHelp__AuditLogFile"] = Path.Combine(data.FullName, "self-help.jsonl"),
            ["Insights__DatabaseFile"] = Path.Combine(data.FullName, "insights.db"),
        };
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }

        // Runtime knobs to experiment with (BOT_DOTNET_gcServer=0 …), passed on to the bot only.
        foreach (var knob in new[] { "DOTNET_gcServer", "DOTNET_GCgen0size", "DOTNET_TieredPGO" })
        {
            if (Environment.GetEnvironmentVariable("BOT_" + knob) is { } value)
            {
                environment[knob] = value;
            }
        }

        var process = ChildProcess.Start(name, "dotnet", [botDll], environment, botDirectory);
        var bot = new SupportBotProcess(process, data, url);
        try
        {
            await process.WaitUntilHealthyAsync(http, new Uri(url, "healthz"), TimeSpan.FromSeconds(90));
        }
        catch
        {
            await bot.DisposeAsync();
            throw;
        }

        Console.WriteLine($"{name} started, PID {process.Id}");
        return bot;
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        _data.Delete(recursive: true);
    }
}
