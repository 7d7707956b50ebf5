using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SupportBot.Tests.Infrastructure;

/// <summary>The real bot host (Program) on Kestrel at a free loopback port, with test settings.</summary>
public sealed class BotHost : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly string _environment;
    private readonly Action<IServiceCollection>? _services;

    private BotHost(IReadOnlyDictionary<string, string?> settings, string environment, Action<IServiceCollection>? services)
    {
        // Each host writes its own audit log, in a folder of its own, unless the test names one.
        AuditLogFile = settings.TryGetValue("SelfHelp:AuditLogFile", out var audit) && audit is not null
            ? audit
            : Path.Combine(Path.GetTempPath(), "supportbot-tests", Guid.NewGuid().ToString("N"), "self-help.jsonl");
        _settings = new Dictionary<string, string?>(settings) { ["SelfHelp:AuditLogFile"] = AuditLogFile };

        // …and its own ticket database.
        if (!settings.ContainsKey("Tickets:DatabaseFile"))
        {
            _settings["Tickets:DatabaseFile"] = Path.Combine(Path.GetDirectoryName(AuditLogFile)!, "tickets.db");
        }

        // …and its own insights database.
        if (!settings.ContainsKey("Insights:DatabaseFile"))
        {
            _settings["Insights:DatabaseFile"] = Path.Combine(Path.GetDirectoryName(AuditLogFile)!, "insights.db");
        }
        _environment = environment;
        _services = services;
    }

    public LogSink Logs { get; } = new();

    /// <summary>The self-help audit log this host appends to.</summary>
    public string AuditLogFile { get; }

    public Uri BaseAddress { get; private set; } = null!;

    public static BotHost Start(
        IReadOnlyDictionary<string, string?>? settings = null,
        string environment = "Development",
        Action<IServiceCollection>? services = null)
    {
        var host = new BotHost(settings ?? new Dictionary<string, string?>(), environment, services);
        host.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        host.StartServer();
        var address = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        host.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return host;
    }

    /// <summary>
    /// Starts a host that is expected not to start, and returns the reason it gave: the options validation message
    /// it threw and the errors it logged ("Hosting failed to start", which the operator reads). The log covers the
    /// case where the failed host's teardown masks the validation exception.
    /// </summary>
    public static string StartExpectingFailure(IReadOnlyDictionary<string, string?>? settings = null, string environment = "Development")
    {
        var host = new BotHost(settings ?? new Dictionary<string, string?>(), environment, null);
        try
        {
            host.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
            host.StartServer();
        }
        catch (Exception ex)
        {
            try
            {
                host.Dispose();
            }
            catch (ObjectDisposedException)
            {
                // The failed host already tore itself down.
            }

            return (Innermost<OptionsValidationException>(ex)?.Message ?? string.Empty) + "\n" +
                   string.Join("\n", host.Logs.Entries.Where(e => e.Level >= LogLevel.Error).Select(e => e.Message));
        }

        host.Dispose();
        throw new InvalidOperationException("The host started, but it should have refused to.");
    }

    private static T? Innermost<T>(Exception exception)
        where T : Exception
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is T match)
            {
                return match;
            }

            if (e is AggregateException aggregate && aggregate.InnerExceptions.Select(Innermost<T>).FirstOrDefault(x => x is not null) is { } inner)
            {
                return inner;
            }
        }

        return null;
    }

    /// <summary>A client that talks to the host over real HTTP.</summary>
    public HttpClient NewClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(_settings));
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        if (_services is not null)
        {
            builder.ConfigureServices(_services);
        }
    }
}

/// <summary>Keeps what the host logged, so tests can check what an operator would read.</summary>
public sealed class LogSink : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Category, string Message)> _entries = new();

    public IReadOnlyList<(LogLevel Level, string Category, string Message)> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink._entries.Enqueue((logLevel, category, formatter(state, exception) + (exception is null ? string.Empty : " | " + exception)));
    }
}
