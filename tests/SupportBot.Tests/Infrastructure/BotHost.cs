using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SupportBot.Tests.Infrastructure;

/// <summary>The real bot host (Program) on Kestrel at a free loopback port, with test settings.</summary>
public sealed class BotHost : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly string _environment;
    private readonly Action<IServiceCollection>? _services;

    private BotHost(IReadOnlyDictionary<string, string?> settings, string environment, Action<IServiceCollection>? services)
    {
        _settings = settings;
        _environment = environment;
        _services = services;
    }

    public LogSink Logs { get; } = new();

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
    /// Starts a host that is expected not to start; returns what it threw and what it logged (the operator sees
    /// the log line, "Hosting failed to start", with the reason).
    /// </summary>
    public static (Exception Failure, LogSink Logs) StartExpectingFailure(IReadOnlyDictionary<string, string?>? settings = null, string environment = "Development")
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

            return (ex, host.Logs);
        }

        host.Dispose();
        throw new InvalidOperationException("The host started, but it should have refused to.");
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
