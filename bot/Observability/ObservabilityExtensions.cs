namespace SupportBot.Bot.Observability;

public static class ObservabilityExtensions
{
    /// <summary>
    /// OpenTelemetry traces, metrics and logs (ASP.NET Core, HttpClient, Redis and SupportBot's own turn spans and
    /// counters), exported over OTLP and/or to Azure Monitor when configured (section <c>Telemetry</c>), scrubbed of
    /// personal data and secrets. Unconfigured, nothing is exported and nothing listens.
    /// </summary>
    public static IHostApplicationBuilder AddObservability(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<TelemetryOptions>()
            .BindConfiguration(TelemetryOptions.SectionName)
            .PostConfigure<IConfiguration>(TelemetryOptions.ApplyStandardVariables)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<TurnTelemetryMiddleware>();
        services.AddSingleton<TelemetryLogForwarder>();
        services.AddSingleton<ILoggerProvider>(sp => sp.GetRequiredService<TelemetryLogForwarder>());
        services.AddHostedService<TelemetryPipeline>();
        return builder;
    }
}
