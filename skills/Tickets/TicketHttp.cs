using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace SupportBot.Skills.Tickets;

/// <summary>
/// What the ServiceNow and Jira connectors share about HTTP: basic auth, a deadline per call, and turning status codes
/// and network failures into <see cref="TicketSystemException"/>. Messages name the system and the setting to check,
/// never a credential or anything from the ticket.
/// </summary>
/// <remarks>Shared by the ServiceNow and Jira connectors; it belongs in skills/Tickets/ next to <see cref="ITicketSystem"/>.</remarks>
internal static class TicketHttp
{
    private const int MaxLoggedBody = 2000;

    public static readonly MediaTypeWithQualityHeaderValue Json = new("application/json");

    public static AuthenticationHeaderValue Basic(string user, string secret) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{secret}")));

    public static StringContent JsonBody(JsonObject body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    /// <summary>
    /// Runs one call (request and response body) within <paramref name="timeout"/>. A deadline, a refused or dropped
    /// connection, or an answer that is not the documented JSON is <see cref="TicketSystemFailure.Unavailable"/>: for a
    /// create, the outcome is then unknown and the caller looks the key up before trying again.
    /// </summary>
    public static async Task<T> CallAsync<T>(string system, TimeSpan timeout, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            return await call(limit.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TicketSystemException(TicketSystemFailure.Unavailable, $"{system} did not answer within {timeout.TotalSeconds:0.#} seconds.", inner: ex);
        }
        catch (HttpRequestException ex)
        {
            throw new TicketSystemException(TicketSystemFailure.Unavailable, $"{system} could not be reached or dropped the connection.", inner: ex);
        }
        catch (IOException ex)
        {
            throw new TicketSystemException(TicketSystemFailure.Unavailable, $"{system} dropped the connection.", inner: ex);
        }
        catch (JsonException)
        {
            // The parser's message can quote the body, which may hold ticket text: it is not kept.
            throw new TicketSystemException(TicketSystemFailure.Unavailable, $"{system} answered with something other than the documented JSON.");
        }
    }

    /// <summary>Reads a success body as JSON; anything else becomes the <see cref="TicketSystemException"/> its status means.</summary>
    public static async Task<JsonNode> ReadAsync(HttpResponseMessage response, string system, string settings, ILogger logger, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return JsonNode.Parse(body) ?? throw new JsonException();
        }

        var failure = Failure(response, system, settings);
        logger.LogWarning("{TicketSystem} answered {StatusCode} to {Method} {Path}: {Failure}",
            system, (int)response.StatusCode, response.RequestMessage?.Method, response.RequestMessage?.RequestUri?.AbsolutePath, failure.Failure);

        // The body can echo the ticket (personal data): only at Trace.
        logger.LogTrace("{TicketSystem} error body: {Body}", system, body.Length > MaxLoggedBody ? body[..MaxLoggedBody] : body);
        throw failure;
    }

    public static TicketSystemException Failure(HttpResponseMessage response, string system, string settings)
    {
        var status = (int)response.StatusCode;
        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => new TicketSystemException(
                TicketSystemFailure.Unauthorized, $"{system} refused the credentials (401): check {settings}."),
            HttpStatusCode.Forbidden => new TicketSystemException(
                TicketSystemFailure.Forbidden, $"{system} denied the integration account this operation (403): it lacks a role or permission."),
            HttpStatusCode.TooManyRequests => new TicketSystemException(
                TicketSystemFailure.Throttled, $"{system} is rate-limiting requests (429).", RetryAfter(response)),
            HttpStatusCode.RequestTimeout => new TicketSystemException(
                TicketSystemFailure.Unavailable, $"{system} timed out the request (408)."),
            _ when status >= 500 => new TicketSystemException(
                TicketSystemFailure.Unavailable, $"{system} failed ({status}).", RetryAfter(response)),
            _ when status >= 400 => new TicketSystemException(
                TicketSystemFailure.Rejected, $"{system} rejected the request ({status}): check {settings} and the fields it requires."),
            _ => new TicketSystemException(TicketSystemFailure.Unavailable, $"{system} answered {status}, which is not a documented answer."),
        };
    }

    /// <summary>Retry-After as seconds or as an HTTP date (measured from the response's own Date when it has one).</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - (response.Headers.Date ?? DateTimeOffset.UtcNow);
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    /// <summary>An absolute URL under <paramref name="root"/> (which may carry a path of its own).</summary>
    public static Uri Url(string root, string relative) => new(new Uri(root.TrimEnd('/') + "/"), relative);
}
