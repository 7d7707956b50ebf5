using System.Collections.Concurrent;
using SupportBot.Skills.Conversation;

namespace SupportBot.Bot.Observability;

/// <summary>
/// The bot's logging provider for OpenTelemetry. It is always registered but stays disabled (every logger says
/// <c>IsEnabled == false</c>) until <see cref="TelemetryPipeline"/> attaches the exporting logger factory, so an
/// embedded bot pays nothing for it. The app's own filters (Logging:LogLevel) apply before it; the attached factory
/// adds the Telemetry:LogLevel floor.
/// </summary>
internal sealed class TelemetryLogForwarder : ILoggerProvider
{
    private readonly ConcurrentDictionary<string, ForwardingLogger> _loggers = new(StringComparer.Ordinal);
    private volatile ILoggerFactory? _target;

    public ILogger CreateLogger(string categoryName) => _loggers.GetOrAdd(categoryName, c => new ForwardingLogger(this, c));

    public void Attach(ILoggerFactory target) => _target = target;

    public void Detach() => _target = null;

    public void Dispose() => _target = null;

    private sealed class ForwardingLogger(TelemetryLogForwarder owner, string category) : ILogger
    {
        private (ILoggerFactory Factory, ILogger Logger)? _inner;

        public bool IsEnabled(LogLevel logLevel) => Inner?.IsEnabled(logLevel) ?? false;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            if (Inner is not { } inner)
            {
                return null;
            }

            // Scopes are exported as attributes too (ASP.NET Core's carries the request path): scrub them here.
            return state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? inner.BeginScope(pairs.Select(p => new KeyValuePair<string, object?>(
                    p.Key, TelemetryScrubber.IdentifiesPerson(p.Key) && p.Value is not null ? Redactor.Mask : TelemetryScrubber.Value(p.Value))).ToList())
                : inner.BeginScope(TelemetryScrubber.Value(state) ?? string.Empty);
        }

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Inner?.Log(logLevel, eventId, state, exception, formatter);

        private ILogger? Inner
        {
            get
            {
                var target = owner._target;
                if (target is null)
                {
                    return null;
                }

                if (_inner is { } cached && ReferenceEquals(cached.Factory, target))
                {
                    return cached.Logger;
                }

                var logger = target.CreateLogger(category);
                _inner = (target, logger);
                return logger;
            }
        }
    }
}
