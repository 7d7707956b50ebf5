using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace SupportBot.Bot.Channels.Slack;

/// <summary>A Slack member as <c>users.info</c> describes them: only what deciding "who is this?" needs.</summary>
/// <param name="Id">The member id (<c>U…</c>, or <c>W…</c> on Enterprise Grid).</param>
/// <param name="TeamId">The workspace the member belongs to.</param>
/// <param name="Deleted">The account was deactivated.</param>
/// <param name="IsBot">A bot user (apps, integrations).</param>
/// <param name="IsRestricted">A multi-channel guest.</param>
/// <param name="IsUltraRestricted">A single-channel guest.</param>
/// <param name="Email">The profile email; absent without the <c>users:read.email</c> scope.</param>
/// <param name="IsEmailConfirmed">Slack has confirmed the member controls <paramref name="Email"/>.</param>
/// <param name="RealName">Display only.</param>
public sealed record SlackMember(
    string Id,
    string? TeamId,
    bool Deleted,
    bool IsBot,
    bool IsRestricted,
    bool IsUltraRestricted,
    string? Email,
    bool IsEmailConfirmed,
    string? RealName);

/// <summary>Why a Slack Web API call failed, in terms of what the bot should do next.</summary>
public enum SlackApiFailure
{
    /// <summary>No such member, or not visible to this app (<c>user_not_found</c>, <c>user_not_visible</c>).</summary>
    NotFound,

    /// <summary>The token or the app's scopes are wrong (<c>invalid_auth</c>, <c>missing_scope</c>…): an operator must act.</summary>
    NotAuthorised,

    /// <summary>Slack asked us to slow down (HTTP 429, <c>ratelimited</c>).</summary>
    RateLimited,

    /// <summary>Slack failed, answered something unreadable, or couldn't be reached.</summary>
    Unavailable,
}

/// <summary>A failed Slack call. The message names Slack's error code, never the token.</summary>
public sealed class SlackApiException(SlackApiFailure failure, string error, string message, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception(message, inner)
{
    public SlackApiFailure Failure { get; } = failure;

    /// <summary>Slack's <c>error</c> code (<c>invalid_auth</c>), or an HTTP/transport description.</summary>
    public string Error { get; } = error;

    /// <summary>How long Slack asked us to wait (its Retry-After header), when it did.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>
/// The few Slack Web API methods the bot calls itself (Azure Bot Service does the messaging). The bot token goes in the
/// Authorization header only — never in a URL, a log line or an exception — and every answer is read as Slack
/// documents it: HTTP 200 with <c>{"ok":false,"error":"…"}</c> for most errors, HTTP 429 with Retry-After when throttled.
/// </summary>
public sealed class SlackWebApi(IHttpClientFactory httpClients, IOptions<SlackOptions> options)
{
    /// <summary>The named HttpClient (base address = Slack:ApiBaseUrl).</summary>
    public const string HttpClientName = "SlackWebApi";

    private static readonly string[] NotFoundErrors = ["user_not_found", "user_not_visible", "users_not_found"];

    private static readonly string[] NotAuthorisedErrors =
    [
        "not_authed", "invalid_auth", "account_inactive", "token_revoked", "token_expired", "no_permission",
        "missing_scope", "not_allowed_token_type", "ekm_access_denied", "team_access_not_granted", "access_denied",
    ];

    /// <summary><c>users.info</c>: who the member is. Throws <see cref="SlackApiException"/> when Slack can't say.</summary>
    public async Task<SlackMember> GetUserAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        var token = options.Value.BotToken?.Trim();
        if (string.IsNullOrEmpty(token))
        {
            throw new SlackApiException(SlackApiFailure.NotAuthorised, "not_authed", "Slack:BotToken is not set.");
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "users.info?user=" + Uri.EscapeDataString(userId));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var body = await SendAsync(request, "users.info", cancellationToken);
        var answer = Read<UsersInfoResponse>(body, "users.info");
        if (!answer.Ok || answer.User is not { Id.Length: > 0 } user)
        {
            throw Failed("users.info", answer.Error ?? "no user in the answer");
        }

        return new SlackMember(
            user.Id,
            user.TeamId,
            user.Deleted,
            user.IsBot,
            user.IsRestricted,
            user.IsUltraRestricted,
            string.IsNullOrWhiteSpace(user.Profile?.Email) ? null : user.Profile.Email.Trim(),
            user.IsEmailConfirmed,
            user.Profile?.RealName ?? user.RealName);
    }

    private static SlackApiException Failed(string method, string error)
    {
        if (NotFoundErrors.Contains(error, StringComparer.Ordinal))
        {
            return new SlackApiException(SlackApiFailure.NotFound, error, $"Slack {method} answered {error}.");
        }

        if (NotAuthorisedErrors.Contains(error, StringComparer.Ordinal))
        {
            return new SlackApiException(SlackApiFailure.NotAuthorised, error,
                $"Slack {method} refused the bot token ({error}): check Slack:BotToken and that the app has the users:read and users:read.email scopes.");
        }

        return error == "ratelimited"
            ? new SlackApiException(SlackApiFailure.RateLimited, error, $"Slack {method} is rate limited.")
            : new SlackApiException(SlackApiFailure.Unavailable, error, $"Slack {method} failed ({error}).");
    }

    private static T Read<T>(string body, string method)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(body) ?? throw new JsonException("null");
        }
        catch (JsonException ex)
        {
            throw new SlackApiException(SlackApiFailure.Unavailable, "unreadable answer", $"Slack {method} answered something other than its JSON.", inner: ex);
        }
    }

    private async Task<string> SendAsync(HttpRequestMessage request, string method, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new SlackApiException(SlackApiFailure.Unavailable, "unreachable", $"Slack {method} could not be reached.", inner: ex);
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                var wait = response.Headers.RetryAfter switch
                {
                    { Delta: { } delta } => delta,
                    { Date: { } date } => date - DateTimeOffset.UtcNow,
                    _ => (TimeSpan?)null,
                };
                throw new SlackApiException(SlackApiFailure.RateLimited, "ratelimited", $"Slack {method} is rate limited (HTTP 429).", wait);
            }

            if (!response.IsSuccessStatusCode)
            {
                var status = (int)response.StatusCode;
                throw new SlackApiException(SlackApiFailure.Unavailable, $"HTTP {status}", $"Slack {method} answered HTTP {status}.");
            }

            return await response.Content.ReadAsStringAsync(cancellationToken);
        }
    }

    private sealed record UsersInfoResponse(
        [property: JsonPropertyName("ok")] bool Ok,
        [property: JsonPropertyName("error")] string? Error,
        [property: JsonPropertyName("user")] UserJson? User);

    private sealed record UserJson(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("team_id")] string? TeamId,
        [property: JsonPropertyName("deleted")] bool Deleted,
        [property: JsonPropertyName("is_bot")] bool IsBot,
        [property: JsonPropertyName("is_restricted")] bool IsRestricted,
        [property: JsonPropertyName("is_ultra_restricted")] bool IsUltraRestricted,
        [property: JsonPropertyName("is_email_confirmed")] bool IsEmailConfirmed,
        [property: JsonPropertyName("real_name")] string? RealName,
        [property: JsonPropertyName("profile")] ProfileJson? Profile);

    private sealed record ProfileJson(
        [property: JsonPropertyName("email")] string? Email,
        [property: JsonPropertyName("real_name")] string? RealName);
}
