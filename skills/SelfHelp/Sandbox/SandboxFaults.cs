namespace SupportBot.Skills.SelfHelp.Sandbox;

/// <summary>A request the sandbox received. <see cref="Path"/> is relative to /v1.0 and decoded; <see cref="Query"/> is decoded, without the '?'.</summary>
public sealed record SandboxRequest(string Method, string Path, string Query, DateTimeOffset At);

/// <summary>
/// Something to go wrong on matching requests: a Graph error with <see cref="StatusCode"/>, and/or a
/// <see cref="Delay"/> before the response. Inject it with <see cref="GraphSandbox.Inject"/>; the first injected
/// fault that matches a request and still has <see cref="Times"/> left applies to it.
/// </summary>
public sealed class SandboxFault
{
    private int _fired;

    /// <summary>"GET", "POST", …; null matches any method.</summary>
    public string? Method { get; init; }

    /// <summary>Matches paths (relative to /v1.0, decoded, case-insensitive) containing this, e.g. "/rebootNow"; empty matches every request.</summary>
    public string PathContains { get; init; } = string.Empty;

    /// <summary>400, 401, 403, 404, 429, 500, 502, 503 or 504, answered with Graph's error body; null answers normally (after any delay).</summary>
    public int? StatusCode { get; init; }

    /// <summary>Sent as a Retry-After header in whole seconds (rounded up).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Held before answering; cut short when the client gives up (its timeout or cancellation).</summary>
    public TimeSpan? Delay { get; init; }

    /// <summary>How many matching requests it applies to; null for all of them.</summary>
    public int? Times { get; init; }

    /// <summary>How many requests it has applied to so far.</summary>
    public int Fired => Volatile.Read(ref _fired);

    /// <summary>A 429 with Retry-After for the next <paramref name="times"/> matching requests.</summary>
    public static SandboxFault Throttled(string pathContains, TimeSpan retryAfter, int? times = 1, string? method = null) =>
        new() { PathContains = pathContains, Method = method, StatusCode = 429, RetryAfter = retryAfter, Times = times };

    /// <summary>A Graph error for matching requests (all of them unless <paramref name="times"/> is given).</summary>
    public static SandboxFault Failing(string pathContains, int statusCode, int? times = null, string? method = null) =>
        new() { PathContains = pathContains, Method = method, StatusCode = statusCode, Times = times };

    /// <summary>Matching requests answer normally, but only after <paramref name="delay"/>.</summary>
    public static SandboxFault Slow(string pathContains, TimeSpan delay, int? times = null, string? method = null) =>
        new() { PathContains = pathContains, Method = method, Delay = delay, Times = times };

    public override string ToString() =>
        $"{Method ?? "*"} *{PathContains}* → {(StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "ok")}"
        + (Delay is { } d ? $" after {d}" : string.Empty)
        + $" (fired {Fired}{(Times is { } t ? $" of {t}" : string.Empty)})";

    internal void Validate()
    {
        if (StatusCode is null && Delay is null)
        {
            throw new ArgumentException("A fault needs a StatusCode, a Delay, or both.");
        }

        if (StatusCode is { } status && !GraphErrors.IsSupported(status))
        {
            throw new ArgumentOutOfRangeException(nameof(StatusCode), status, "Supported: 400, 401, 403, 404, 429, 500, 502, 503, 504.");
        }

        if (Times is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Times), Times, "At least 1, or null for every matching request.");
        }

        if (Delay < TimeSpan.Zero || RetryAfter < TimeSpan.Zero)
        {
            throw new ArgumentException("Delay and RetryAfter cannot be negative.");
        }
    }

    /// <summary>Called under the sandbox's lock, so matching and counting are one step.</summary>
    internal bool TryFire(string method, string path)
    {
        if ((Method is not null && !string.Equals(Method, method, StringComparison.OrdinalIgnoreCase))
            || !path.Contains(PathContains, StringComparison.OrdinalIgnoreCase)
            || (Times is { } times && _fired >= times))
        {
            return false;
        }

        Interlocked.Increment(ref _fired);
        return true;
    }
}
