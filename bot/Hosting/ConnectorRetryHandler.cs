using System.Net;

namespace SupportBot.Bot.Hosting;

/// <summary>
/// Retries a send the channel throttled (429, Teams' rate limits) after the Retry-After it asked for, a few times,
/// instead of failing the reply. A wait longer than <see cref="MaxWait"/> is not waited out: the failure surfaces,
/// so a turn is never held for minutes.
/// </summary>
public sealed class ConnectorRetryHandler(TimeProvider time, ILogger<ConnectorRetryHandler> logger) : DelegatingHandler
{
    public const int MaxAttempts = 4;

    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(10);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt == MaxAttempts)
            {
                return response;
            }

            var wait = RetryAfter(response) ?? TimeSpan.FromSeconds(Math.Pow(2, attempt - 1));
            if (wait > MaxWait)
            {
                logger.LogWarning("The channel throttled a send to {Host} and asked to wait {Wait}; not waiting that long", request.RequestUri?.Host, wait);
                return response;
            }

            logger.LogInformation("The channel throttled a send to {Host}; retrying in {Wait} (attempt {Attempt} of {MaxAttempts})", request.RequestUri?.Host, wait, attempt + 1, MaxAttempts);
            response.Dispose();
            await Task.Delay(wait, time, cancellationToken);
        }
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta < TimeSpan.Zero ? TimeSpan.Zero : delta,
        { Date: { } date } => date - time.GetUtcNow() is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero,
        _ => null,
    };
}
