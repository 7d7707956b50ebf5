using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using SupportBot.Bot.Hosting;

namespace SupportBot.Bot.Channels.DirectLine;

/// <summary>
/// Azure's answer to tokens/generate, tokens/refresh and starting or reconnecting a conversation:
/// <c>{"conversationId","token","expires_in"}</c>, plus <c>streamUrl</c> (the WebSocket) for a conversation.
/// </summary>
public sealed record TokenResponse(
    [property: JsonPropertyName("conversationId")] string ConversationId,
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("expires_in")] int ExpiresIn,
    [property: JsonPropertyName("streamUrl"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? StreamUrl = null)
{
    public static TokenResponse For(DirectLineTokens tokens, DirectLineGrant grant) =>
        new(grant.ConversationId, tokens.Issue(grant), tokens.LifetimeSeconds);

    /// <summary>A fresh token for the conversation and the WebSocket URL that streams its activities after <paramref name="watermark"/>.</summary>
    public static TokenResponse WithStream(DirectLineTokens tokens, DirectLineGrant grant, HttpRequest request, string? watermark)
    {
        var token = tokens.Issue(grant);
        var scheme = request.IsHttps ? "wss" : "ws";
        var streamUrl = $"{scheme}://{request.Host}{request.PathBase}/v3/directline/conversations/{Uri.EscapeDataString(grant.ConversationId)}/stream" +
                        $"?watermark={Uri.EscapeDataString(string.IsNullOrEmpty(watermark) ? "-" : watermark)}&t={Uri.EscapeDataString(token)}";
        return new(grant.ConversationId, token, tokens.LifetimeSeconds, streamUrl);
    }
}

/// <summary>The optional body of a token request: <c>{"user":{"id":"…","name":"…"}}</c> (names case-insensitive, as Azure).</summary>
public sealed partial record TokenRequest(string UserId, string? UserName, int Status, string? Error)
{
    public const int MaxBodyBytes = 4096;

    public static async Task<TokenRequest> ReadAsync(HttpContext http)
    {
        if (await RequestBody.ReadAtMostAsync(http.Request, MaxBodyBytes, http.RequestAborted) is not { } body)
        {
            return Fail(StatusCodes.Status413PayloadTooLarge, $"A token request body is at most {MaxBodyBytes} bytes.");
        }

        string? id = null;
        string? name = null;
        if (!string.IsNullOrWhiteSpace(Encoding.UTF8.GetString(body)))
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return Fail(StatusCodes.Status400BadRequest, "The body must be a JSON object like {\"user\":{\"id\":\"dl_123\",\"name\":\"Ana\"}}.");
                }

                if (Property(document.RootElement, "user") is { ValueKind: JsonValueKind.Object } user)
                {
                    id = StringOf(Property(user, "id"));
                    name = StringOf(Property(user, "name"));
                }
            }
            catch (JsonException ex)
            {
                return Fail(StatusCodes.Status400BadRequest, $"The body is not valid JSON: {ex.Message}");
            }
            catch (InvalidOperationException ex)
            {
                return Fail(StatusCodes.Status400BadRequest, $"user.id and user.name must be strings: {ex.Message}");
            }
        }

        if (id is not null && !UserIdPattern().IsMatch(id))
        {
            return Fail(StatusCodes.Status400BadRequest, "user.id must be 1–64 characters of letters, digits and _ - . : @");
        }

        if (id is not null && id.StartsWith(IntranetUser.UserIdPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return Fail(StatusCodes.Status400BadRequest, $"user.id must not start with '{IntranetUser.UserIdPrefix}': those users are signed in by the intranet's assertion, never by a request body.");
        }

        if (name is { Length: > 100 })
        {
            return Fail(StatusCodes.Status400BadRequest, "user.name must be at most 100 characters.");
        }

        return new TokenRequest(id ?? "dl_" + DirectLineTokens.NewId(12), string.IsNullOrWhiteSpace(name) ? null : name.Trim(), StatusCodes.Status200OK, null);
    }

    private static TokenRequest Fail(int status, string error) => new(string.Empty, null, status, error);

    private static JsonElement? Property(JsonElement element, string name)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }

    private static string? StringOf(JsonElement? element) =>
        element is null or { ValueKind: JsonValueKind.Null } ? null : element.Value.GetString();

    [GeneratedRegex(@"^[A-Za-z0-9_\-.:@]{1,64}$")]
    private static partial Regex UserIdPattern();
}

internal static class Secrets
{
    /// <summary>Compares a presented secret in constant time.</summary>
    public static bool Matches(string? presented, string? expected) =>
        !string.IsNullOrEmpty(presented) && !string.IsNullOrEmpty(expected) &&
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));
}

/// <summary>Direct Line's answer to GET activities.</summary>
public sealed class ActivitySet
{
    [Newtonsoft.Json.JsonProperty("activities")]
    public IList<Microsoft.Bot.Schema.Activity> Activities { get; init; } = [];

    [Newtonsoft.Json.JsonProperty("watermark")]
    public string? Watermark { get; init; }
}
