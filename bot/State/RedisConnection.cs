using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace SupportBot.Bot.State;

/// <summary>
/// The Redis connection when <c>ConnectionStrings:Redis</c> is set (null <see cref="Multiplexer"/> means in-memory
/// state), and whether Redis is usable right now. While it isn't (an outage), callers use their in-process stand-ins
/// instead of waiting for it (see <see cref="RunAsync{T}"/>); one warning is logged per outage.
/// </summary>
public sealed class RedisConnection : IDisposable
{
    // After a failed call, the next one that tries Redis again waits this long, so an outage costs each turn nothing.
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(1);

    private readonly Lazy<ConnectionMultiplexer?> _multiplexer;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisConnection> _logger;
    private readonly Lock _gate = new();
    private bool _down;
    private long _downSince;
    private DateTimeOffset _probeAt;
    private int _outage;

    public RedisConnection(IConfiguration configuration, IOptions<StateOptions> options, TimeProvider time, ILogger<RedisConnection> logger)
    {
        _time = time;
        _logger = logger;
        var connectionString = configuration.GetConnectionString("Redis");
        _multiplexer = new(() => string.IsNullOrWhiteSpace(connectionString) ? null : Connect(connectionString, options.Value.RedisTimeout));
    }

    public IConnectionMultiplexer? Multiplexer => _multiplexer.Value;

    /// <summary>Counts outages; a stand-in keeps what it learnt during one outage only (the next starts afresh).</summary>
    public int Outage => Volatile.Read(ref _outage);

    /// <summary>True when Redis is configured but out of reach (or was a moment ago): turns run on the stand-ins.</summary>
    public bool IsDown
    {
        get
        {
            if (Multiplexer is not { } redis)
            {
                return false;
            }

            lock (_gate)
            {
                return _down || !redis.IsConnected;
            }
        }
    }

    /// <summary>True when Redis is configured and may be called now (connected, and not failing a moment ago).</summary>
    public bool IsAvailable
    {
        get
        {
            if (Multiplexer is not { } redis)
            {
                return false;
            }

            if (!redis.IsConnected)
            {
                MarkDown(null);
                return false;
            }

            lock (_gate)
            {
                // Connected again but not yet proven: one caller a second gets to try.
                if (_down && _time.GetUtcNow() >= _probeAt)
                {
                    _probeAt = _time.GetUtcNow() + ProbeInterval;
                    return true;
                }

                return !_down;
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="call"/> against Redis, or <paramref name="fallback"/> when Redis is unavailable or the call
    /// fails for want of Redis (no connection, a timeout, a server still loading). Other failures propagate.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<IConnectionMultiplexer, Task<T>> call, Func<Task<T>> fallback)
    {
        if (!IsAvailable)
        {
            return await fallback().ConfigureAwait(false);
        }

        T result;
        try
        {
            result = await call(Multiplexer!).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            MarkDown(ex);
            return await fallback().ConfigureAwait(false);
        }

        MarkUp();
        return result;
    }

    /// <summary>The synchronous <see cref="RunAsync{T}"/>, for callers that can't await (a short call, rarely made).</summary>
    public T Run<T>(Func<IConnectionMultiplexer, T> call, Func<T> fallback)
    {
        if (!IsAvailable)
        {
            return fallback();
        }

        T result;
        try
        {
            result = call(Multiplexer!);
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            MarkDown(ex);
            return fallback();
        }

        MarkUp();
        return result;
    }

    public Task RunAsync(Func<IConnectionMultiplexer, Task> call, Func<Task> fallback) =>
        RunAsync(
            async redis =>
            {
                await call(redis).ConfigureAwait(false);
                return true;
            },
            async () =>
            {
                await fallback().ConfigureAwait(false);
                return true;
            });

    /// <summary>The failure means Redis is unreachable (as opposed to a bug or a bad command).</summary>
    public static bool IsOutage(Exception exception) => exception switch
    {
        RedisConnectionException or RedisTimeoutException or TimeoutException => true,
        RedisServerException server => server.Message.StartsWith("LOADING", StringComparison.Ordinal) ||
                                       server.Message.StartsWith("MASTERDOWN", StringComparison.Ordinal),
        AggregateException aggregate => aggregate.InnerExceptions.All(IsOutage),
        _ => false,
    };

    public void Dispose()
    {
        if (_multiplexer.IsValueCreated)
        {
            _multiplexer.Value?.Dispose();
        }
    }

    private void MarkDown(Exception? cause)
    {
        lock (_gate)
        {
            _probeAt = _time.GetUtcNow() + ProbeInterval;
            if (_down)
            {
                return;
            }

            _down = true;
            _downSince = _time.GetTimestamp();
            Interlocked.Increment(ref _outage);
        }

        _logger.LogWarning(
            cause,
            "Redis is unreachable: answering without shared conversation state (in-process stand-ins) until it is back");
    }

    private void MarkUp()
    {
        TimeSpan lasted;
        lock (_gate)
        {
            if (!_down)
            {
                return;
            }

            _down = false;
            lasted = _time.GetElapsedTime(_downSince);
        }

        _logger.LogInformation("Redis is reachable again after {Outage}; shared conversation state is back", lasted);
    }

    private ConnectionMultiplexer Connect(string connectionString, TimeSpan timeout)
    {
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException($"ConnectionStrings:Redis is not a valid StackExchange.Redis connection string: {ex.Message}", ex);
        }

        // Start even while Redis is down: readiness reports it and turns run on the in-process stand-ins.
        options.AbortOnConnectFail = false;
        options.ClientName ??= "supportbot";

        // A turn must not wait on Redis: commands fail at once while disconnected (rather than queueing), and a call
        // that gets no answer gives up after State:RedisTimeout unless the connection string says otherwise.
        options.BacklogPolicy = BacklogPolicy.FailFast;
        var milliseconds = (int)timeout.TotalMilliseconds;
        if (!Names(connectionString, "connectTimeout"))
        {
            options.ConnectTimeout = milliseconds;
        }

        if (!Names(connectionString, "syncTimeout"))
        {
            options.SyncTimeout = milliseconds;
        }

        if (!Names(connectionString, "asyncTimeout"))
        {
            options.AsyncTimeout = milliseconds;
        }

        options.ReconnectRetryPolicy = new LinearRetry(milliseconds);

        var multiplexer = ConnectionMultiplexer.Connect(options);
        multiplexer.ConnectionFailed += (_, e) =>
        {
            _logger.LogDebug(e.Exception, "Redis connection to {Endpoint} failed: {FailureType}", e.EndPoint, e.FailureType);
            MarkDown(e.Exception);
        };
        multiplexer.ConnectionRestored += (_, e) =>
        {
            _logger.LogDebug("Redis connection to {Endpoint} restored", e.EndPoint);
            MarkUp();
        };
        return multiplexer;
    }

    private static bool Names(string connectionString, string setting) =>
        connectionString.Contains(setting + "=", StringComparison.OrdinalIgnoreCase);
}
