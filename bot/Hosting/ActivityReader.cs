using Microsoft.Bot.Schema;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace SupportBot.Bot.Hosting;

/// <summary>Reads an activity from a request body and says precisely what is wrong with a bad one.</summary>
public static class ActivityReader
{
    private static readonly JsonSerializer Serializer = JsonSerializer.Create(new JsonSerializerSettings
    {
        NullValueHandling = NullValueHandling.Ignore,
        MaxDepth = 64,
        DateParseHandling = DateParseHandling.DateTimeOffset,
    });

    public sealed record Result(Activity? Activity, int StatusCode, string? Error)
    {
        public bool IsValid => Activity is not null;
    }

    /// <summary>Reads an activity a Bot Framework channel posted: it must carry type, channel, conversation, sender and (optionally) serviceUrl.</summary>
    public static async Task<Result> ReadAsync(HttpRequest request, int maxBytes, bool requireServiceUrl, CancellationToken cancellationToken)
    {
        var parsed = await ParseAsync(request, maxBytes, cancellationToken);
        if (!parsed.IsValid)
        {
            return parsed;
        }

        var problem = Validate(parsed.Activity!, requireServiceUrl);
        return problem is null ? parsed : Bad(problem);
    }

    /// <summary>
    /// Reads at most <paramref name="maxBytes"/> (larger bodies are refused with 413 without being buffered) as an
    /// activity with a type; a client channel fills in the rest.
    /// </summary>
    public static async Task<Result> ParseAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (await RequestBody.ReadAtMostAsync(request, maxBytes, cancellationToken) is not { } body)
        {
            return TooLarge(maxBytes);
        }

        if (body.Length == 0)
        {
            return Bad("The request body is empty; it must be a Bot Framework activity as JSON.");
        }

        // Straight from the bytes into an Activity (no JSON tree first): this runs for every turn. Only a body that
        // fails is read again as a tree, to say what is wrong with it.
        Activity? activity;
        try
        {
            using var reader = new JsonTextReader(new StreamReader(new MemoryStream(body))) { MaxDepth = 64 };
            activity = reader.Read() && reader.TokenType == JsonToken.StartObject ? Serializer.Deserialize<Activity>(reader) : null;
            if (activity is null || reader.Read())
            {
                return Explain(body);
            }
        }
        catch (JsonException)
        {
            return Explain(body);
        }

        return string.IsNullOrWhiteSpace(activity.Type)
            ? Bad("The activity has no 'type'.")
            : new Result(activity, StatusCodes.Status200OK, null);
    }

    // Why a body that isn't an activity was refused, in words a developer can act on.
    private static Result Explain(byte[] body)
    {
        JToken token;
        try
        {
            using var reader = new JsonTextReader(new StreamReader(new MemoryStream(body))) { MaxDepth = 64 };
            token = JToken.ReadFrom(reader);
            if (reader.Read())
            {
                return Bad("The request body has extra content after the activity's JSON object.");
            }
        }
        catch (JsonReaderException ex)
        {
            return Bad($"The request body is not valid JSON: {ex.Message}");
        }

        if (token is not JObject json)
        {
            return Bad("The request body must be a JSON object (a Bot Framework activity).");
        }

        try
        {
            json.ToObject<Activity>(Serializer);
        }
        catch (JsonException ex)
        {
            return Bad($"The activity has a field of the wrong type: {ex.Message}");
        }

        return Bad("The request body is not a Bot Framework activity.");
    }

    /// <summary>The fields every turn needs; null when the activity has them.</summary>
    public static string? Validate(Activity activity, bool requireServiceUrl)
    {
        if (string.IsNullOrWhiteSpace(activity.Type))
        {
            return "The activity has no 'type'.";
        }

        if (string.IsNullOrWhiteSpace(activity.Conversation?.Id))
        {
            return "The activity has no 'conversation.id'.";
        }

        if (string.IsNullOrWhiteSpace(activity.From?.Id))
        {
            return "The activity has no 'from.id'.";
        }

        if (string.IsNullOrWhiteSpace(activity.ChannelId))
        {
            return "The activity has no 'channelId'.";
        }

        if (requireServiceUrl &&
            (!Uri.TryCreate(activity.ServiceUrl, UriKind.Absolute, out var serviceUrl) ||
             serviceUrl.Scheme is not ("http" or "https")))
        {
            return "The activity's 'serviceUrl' must be an absolute http(s) URL: replies are sent there.";
        }

        return null;
    }

    private static Result Bad(string error) => new(null, StatusCodes.Status400BadRequest, error);

    private static Result TooLarge(int maxBytes) =>
        new(null, StatusCodes.Status413PayloadTooLarge, $"The activity is larger than the {maxBytes / 1024} KB this bot accepts.");
}
