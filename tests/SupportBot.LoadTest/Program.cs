using System.Globalization;
using System.Reflection;
using SupportBot.LoadTest;

if (args.Length >= 2 && args[0] == EchoBotHost.Command)
{
    await EchoBotHost.RunAsync(args[1]);
    return 0;
}

var options = DriverOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(DriverOptions.Usage);
    return 2;
}

var repo = RepositoryRoot();
var configuration = typeof(Program).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
var botDirectory = Path.Combine(repo, "bot", "bin", configuration, "net10.0");
var botDll = Path.Combine(botDirectory, "SupportBot.Bot.dll");
if (!File.Exists(botDll))
{
    Console.Error.WriteLine($"The bot is not built: {botDll} is missing. Run the driver with `dotnet run -c {configuration} --project tests/SupportBot.LoadTest`, which builds it.");
    return 2;
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SupportBot load driver: {options.Conversations} concurrent conversations, {options.Warmup.TotalSeconds:F0} s warm-up + {options.Duration.TotalSeconds:F0} s measured per run, {Environment.ProcessorCount} cores, {configuration} build"));

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Conversations * 2, PooledConnectionLifetime = Timeout.InfiniteTimeSpan, UseProxy = false })
{
    Timeout = TimeSpan.FromSeconds(30),
};
await using var connector = await CapturingConnector.StartAsync();
// Content root = bot/, as with `dotnet run --project bot` (the README's embedded default).
var scenarios = new Scenarios(options, http, connector, botDll, Path.Combine(repo, "bot"), Path.Combine(repo, "tests", "eval", "questions.jsonl"));
var results = await scenarios.RunAsync();

Console.WriteLine();
Console.WriteLine(Report.Markdown(results, options));
return results.Failed ? 1 : 0;

static string RepositoryRoot()
{
    for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "SupportBot.sln")))
        {
            return directory.FullName;
        }
    }

    throw new InvalidOperationException("Run the driver from inside the repository (SupportBot.sln not found above " + AppContext.BaseDirectory + ").");
}
