using System.ComponentModel.DataAnnotations;

namespace SupportBot.Bot.Observability;

/// <summary>
/// Settings of the bot's OpenTelemetry export (section <c>Telemetry</c>). With neither an OTLP endpoint nor an
/// Application Insights connection string nothing is exported and the SDK isn't started at all.
/// </summary>
public sealed class TelemetryOptions : IValidatableObject
{
    public const string SectionName = "Telemetry";

    public const string HttpProtobuf = "http/protobuf";
    public const string Grpc = "grpc";

    /// <summary>The <c>service.name</c> every span, metric and log carries.</summary>
    [Required(AllowEmptyStrings = false)]
    [StringLength(100)]
    public string ServiceName { get; set; } = "supportbot";

    /// <summary>The <c>service.version</c>; blank means the bot's assembly version.</summary>
    [StringLength(100)]
    public string? ServiceVersion { get; set; }

    /// <summary>The <c>service.instance.id</c>; blank means the machine (container replica) name.</summary>
    [StringLength(200)]
    public string? ServiceInstanceId { get; set; }

    /// <summary>
    /// Base URL of an OTLP collector (e.g. <c>http://otel-collector:4318</c>); <c>/v1/traces</c>, <c>/v1/metrics</c>
    /// and <c>/v1/logs</c> are added for http/protobuf. Blank falls back to <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary><c>http/protobuf</c> (the default) or <c>grpc</c>; blank falls back to <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>.</summary>
    [RegularExpression("^(|http/protobuf|grpc)$", ErrorMessage = "Telemetry:OtlpProtocol (or OTEL_EXPORTER_OTLP_PROTOCOL) must be http/protobuf or grpc.")]
    public string? OtlpProtocol { get; set; }

    /// <summary>Application Insights connection string; blank falls back to <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c>.</summary>
    public string? AzureMonitorConnectionString { get; set; }

    /// <summary>
    /// Send to Application Insights with a Microsoft Entra token (needed when its local authentication is off, as in
    /// infra/). Blank means yes when <c>AZURE_CLIENT_ID</c> names a managed identity.
    /// </summary>
    public bool? AzureMonitorUseManagedIdentity { get; set; }

    /// <summary>Share of traces kept (parent-based), 0 to 1.</summary>
    [Range(0.0, 1.0)]
    public double SamplingRatio { get; set; } = 1.0;

    /// <summary>Lowest level of log records exported; personal data is only ever logged at Trace.</summary>
    [EnumDataType(typeof(LogLevel))]
    public LogLevel LogLevel { get; set; } = LogLevel.Information;

    /// <summary>How long spans and log records wait to be sent in a batch.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan ExportInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often metrics are sent.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan MetricExportInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The OTLP collector to send to, or null.</summary>
    public Uri? OtlpTarget => Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var uri) ? uri : null;

    public bool UsesGrpc => string.Equals(OtlpProtocol, Grpc, StringComparison.Ordinal);

    /// <summary>True when telemetry goes anywhere at all.</summary>
    public bool ExportsAnything => OtlpTarget is not null || !string.IsNullOrWhiteSpace(AzureMonitorConnectionString);

    /// <summary>Fills blank settings from the standard variables every OpenTelemetry and Azure Monitor SDK reads.</summary>
    internal static void ApplyStandardVariables(TelemetryOptions options, IConfiguration configuration)
    {
        options.OtlpEndpoint = Blank(options.OtlpEndpoint) ?? Blank(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        options.OtlpProtocol = Blank(options.OtlpProtocol) ?? Blank(configuration["OTEL_EXPORTER_OTLP_PROTOCOL"]);
        options.AzureMonitorConnectionString = Blank(options.AzureMonitorConnectionString) ?? Blank(configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]);
        options.AzureMonitorUseManagedIdentity ??= Blank(configuration["AZURE_CLIENT_ID"]) is not null;
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Blank(OtlpEndpoint) is { } endpoint && (OtlpTarget is not { } uri || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            yield return new ValidationResult(
                $"Telemetry:OtlpEndpoint (or OTEL_EXPORTER_OTLP_ENDPOINT) must be an absolute http(s) URL such as http://otel-collector:4318, not \"{endpoint}\".",
                [nameof(OtlpEndpoint)]);
        }

        // The connection string carries the ingestion key: never echo it.
        if (Blank(AzureMonitorConnectionString) is { } connection && !connection.Contains("InstrumentationKey=", StringComparison.OrdinalIgnoreCase))
        {
            yield return new ValidationResult(
                "Telemetry:AzureMonitorConnectionString (or APPLICATIONINSIGHTS_CONNECTION_STRING) must be an Application Insights connection string (InstrumentationKey=…;IngestionEndpoint=…).",
                [nameof(AzureMonitorConnectionString)]);
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
