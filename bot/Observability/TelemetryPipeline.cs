using System.Reflection;
using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using SupportBot.Bot.State;
using SupportBot.Skills.Conversation;

namespace SupportBot.Bot.Observability;

/// <summary>
/// Starts the OpenTelemetry SDK when (and only when) something is configured to receive it: traces, metrics and logs
/// to an OTLP collector and/or Azure Monitor. It is decided from the bound options when the host starts, not when
/// services are registered, so every configuration source counts (test hosts included). With nothing configured no
/// listener is attached anywhere: ASP.NET Core, HttpClient and SupportBot's own source create no activities.
/// </summary>
internal sealed class TelemetryPipeline(
    IOptions<TelemetryOptions> options,
    IHostEnvironment environment,
    RedisConnection redis,
    TelemetryLogForwarder logs,
    ILogger<TelemetryPipeline> logger) : IHostedLifecycleService, IDisposable
{
    private TracerProvider? _tracing;
    private MeterProvider? _metrics;
    private ILoggerFactory? _logging;

    /// <summary>True while the SDK runs and exports.</summary>
    public bool IsExporting => _tracing is not null;

    // Before any other hosted service (Kestrel included) starts, so the first request is already traced.
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.ExportsAnything)
        {
            return Task.CompletedTask;
        }

        var resource = ResourceBuilder.CreateEmpty()
            .AddService(settings.ServiceName, serviceVersion: Blank(settings.ServiceVersion) ?? AppVersion(), serviceInstanceId: Blank(settings.ServiceInstanceId) ?? Environment.MachineName)
            .AddAttributes([new("deployment.environment.name", environment.EnvironmentName)]);
        var otlp = settings.OtlpTarget;
        var azure = Blank(settings.AzureMonitorConnectionString);
        TokenCredential? credential = azure is not null && settings.AzureMonitorUseManagedIdentity == true ? new DefaultAzureCredential() : null;
        var batchDelay = (int)settings.ExportInterval.TotalMilliseconds;

        var tracing = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(settings.SamplingRatio)))
            .AddSource(SupportTelemetry.Name)
            .AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments("/healthz", StringComparison.OrdinalIgnoreCase))
            .AddHttpClientInstrumentation()

            // First, so every exporter after it gets the scrubbed span.
            .AddProcessor(new ScrubbingSpanProcessor());
        if (redis.Multiplexer is { } multiplexer)
        {
            // Command names only: a key (state:{conversation id}, a confirmation token) is never recorded.
            tracing.AddRedisInstrumentation(multiplexer, o => o.SetVerboseDatabaseStatements = false);
        }

        var metrics = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter(SupportTelemetry.Name)
            .AddAspNetCoreInstrumentation()
            .AddHttpClientInstrumentation()
            .AddMeter("System.Runtime");

        var logOptions = new List<Action<OpenTelemetryLoggerOptions>>();
        if (otlp is not null)
        {
            tracing.AddOtlpExporter(o =>
            {
                Configure(o, otlp, settings, "v1/traces");
                o.BatchExportProcessorOptions.ScheduledDelayMilliseconds = batchDelay;
            });
            metrics.AddOtlpExporter((o, reader) =>
            {
                Configure(o, otlp, settings, "v1/metrics");
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)settings.MetricExportInterval.TotalMilliseconds;
            });
            logOptions.Add(l => l.AddOtlpExporter((o, processor) =>
            {
                Configure(o, otlp, settings, "v1/logs");
                processor.BatchExportProcessorOptions.ScheduledDelayMilliseconds = batchDelay;
            }));
        }

        if (azure is not null)
        {
            tracing.AddAzureMonitorTraceExporter(o => o.ConnectionString = azure, credential);
            metrics.AddAzureMonitorMetricExporter(o => o.ConnectionString = azure, credential);
            logOptions.Add(l => l.AddAzureMonitorLogExporter(o => o.ConnectionString = azure, credential));
        }

        _tracing = tracing.Build();
        _metrics = metrics.Build();
        _logging = LoggerFactory.Create(builder => builder
            .SetMinimumLevel(settings.LogLevel)
            .AddOpenTelemetry(l =>
            {
                l.SetResourceBuilder(resource);
                l.IncludeFormattedMessage = true;
                l.IncludeScopes = true;
                l.AddProcessor(new ScrubbingLogProcessor());
                foreach (var add in logOptions)
                {
                    add(l);
                }
            }));
        logs.Attach(_logging);

        logger.LogInformation(
            "Telemetry is exported to {Destinations} as {ServiceName}",
            string.Join(" and ", new[] { otlp is null ? null : $"OTLP {otlp.Scheme}://{otlp.Authority} ({(settings.UsesGrpc ? TelemetryOptions.Grpc : TelemetryOptions.HttpProtobuf)})", azure is null ? null : "Azure Monitor" + (credential is null ? string.Empty : " (managed identity)") }.OfType<string>()),
            settings.ServiceName);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // After everything else has stopped: the last requests' spans and logs are flushed, then the SDK shuts down.
    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        logs.Detach();
        ShutDown(ref _tracing);
        ShutDown(ref _metrics);
        ShutDown(ref _logging);
    }

    // Shutting down flushes to the exporters; an exporter that fails doing so must not fail the host's shutdown.
    private void ShutDown<T>(ref T? provider)
        where T : class, IDisposable
    {
        var disposing = Interlocked.Exchange(ref provider, null);
        try
        {
            disposing?.Dispose();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogWarning(ex, "Telemetry {Provider} did not shut down cleanly", typeof(T).Name);
        }
    }

    private static void Configure(OtlpExporterOptions exporter, Uri endpoint, TelemetryOptions settings, string signalPath)
    {
        // Set in code, the endpoint is used as given: http/protobuf needs the signal's path added (the SDK only does
        // that for the environment variable).
        exporter.Protocol = settings.UsesGrpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
        exporter.Endpoint = settings.UsesGrpc ? endpoint : new Uri(endpoint.ToString().TrimEnd('/') + "/" + signalPath);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string AppVersion() =>
        typeof(TelemetryPipeline).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
}
