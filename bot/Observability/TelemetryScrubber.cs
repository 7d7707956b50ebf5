using System.Diagnostics;
using System.Text.RegularExpressions;
using OpenTelemetry;
using OpenTelemetry.Logs;
using SupportBot.Skills.Conversation;

namespace SupportBot.Bot.Observability;

/// <summary>
/// Takes personal data and secrets out of telemetry before it leaves the process: query string values, e-mail
/// addresses (UPNs), bearer/basic credentials, and anything the shared <see cref="Redactor"/> recognises as a secret.
/// It only runs when something is exported.
/// </summary>
internal static partial class TelemetryScrubber
{
    // Span attributes holding a URL or a query: their query values go, whatever the parameter's name.
    private static readonly HashSet<string> UrlKeys = new(StringComparer.Ordinal) { "url.full", "http.url", "url.query", "http.target", "url.path" };

    // Database statements: only the command's name stays (a Redis key names a conversation or a user).
    private static readonly HashSet<string> StatementKeys = new(StringComparer.Ordinal) { "db.statement", "db.query.text", "db.query.summary" };

    /// <summary>
    /// Log attributes that name or identify a person (the self-help audit line's actor, a technician, a conversation,
    /// a caller's IP address): masked, and their values taken out of the formatted message too.
    /// </summary>
    public static bool IdentifiesPerson(string key) => PersonKeys().IsMatch(key);

    public static string Text(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        var scrubbed = Redactor.Redact(text);
        scrubbed = Credentials().Replace(scrubbed, m => m.Groups["scheme"].Value + Redactor.Mask);
        scrubbed = QueryValues().Replace(scrubbed, m => m.Groups["name"].Value + "*");
        return Emails().Replace(scrubbed, Redactor.Mask);
    }

    public static object? Value(object? value) => value switch
    {
        null => null,
        string s => Text(s),
        bool or byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal or Enum or DateTime or DateTimeOffset or TimeSpan or Guid => value,
        _ => Text(value.ToString() ?? string.Empty),
    };

    /// <summary>What a span may keep of an attribute; null drops it.</summary>
    public static object? SpanTag(string key, object? value)
    {
        if (key.Contains("authorization", StringComparison.OrdinalIgnoreCase) || key.Contains("cookie", StringComparison.OrdinalIgnoreCase) ||
            key.StartsWith("enduser.", StringComparison.Ordinal))
        {
            return null;
        }

        if (value is not string text)
        {
            return value;
        }

        if (StatementKeys.Contains(key))
        {
            var space = text.IndexOf(' ', StringComparison.Ordinal);
            return space < 0 ? text : text[..space];
        }

        return UrlKeys.Contains(key) ? Url(text) : Text(text);
    }

    /// <summary>A URL without credentials, query values or e-mail addresses in its path.</summary>
    public static string Url(string url)
    {
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.UserInfo))
        {
            url = url.Replace(uri.UserInfo + "@", string.Empty, StringComparison.Ordinal);
        }

        url = PersonalPathSegments().Replace(url, m => m.Groups["lead"].Value + Redactor.Mask);
        return Emails().Replace(QueryValues().Replace(url, m => m.Groups["name"].Value + "*"), Redactor.Mask);
    }

    // A conversation id (Bot Connector, Direct Line) or a user id/UPN (Graph) in a path names a person.
    [GeneratedRegex(@"(?<lead>/(?:conversations|users)/)[^/?#]+", RegexOptions.IgnoreCase)]
    private static partial Regex PersonalPathSegments();

    [GeneratedRegex(@"^(?:actor|caller|technician|requester|user|username|userid|slackuserid|objectid|aadobjectid|upn|email|name|displayname|from|target|conversationid|conversation|remoteip|clientip|client\.address)$", RegexOptions.IgnoreCase)]
    private static partial Regex PersonKeys();

    [GeneratedRegex(@"(?<name>[?&;][^=&#\s?]+=)[^&#\s""']*")]
    private static partial Regex QueryValues();

    [GeneratedRegex(@"[A-Za-z0-9._%+'-]+(@|%40)[A-Za-z0-9.-]+\.[A-Za-z]{2,}")]
    private static partial Regex Emails();

    [GeneratedRegex(@"(?<scheme>\b(?:Bearer|Basic|SharedAccessSignature)\s+)[^\s,;""']+", RegexOptions.IgnoreCase)]
    private static partial Regex Credentials();
}

/// <summary>Scrubs every span's attributes and status text before the exporters see it (it is added first).</summary>
internal sealed class ScrubbingSpanProcessor : BaseProcessor<Activity>
{
    public override void OnEnd(Activity data)
    {
        List<(string Key, object? Value)>? changes = null;
        foreach (var (key, value) in data.TagObjects)
        {
            var kept = TelemetryScrubber.SpanTag(key, value);
            if (!Equals(kept, value))
            {
                (changes ??= []).Add((key, kept));
            }
        }

        if (changes is not null)
        {
            foreach (var (key, value) in changes)
            {
                // SetTag with null removes the attribute.
                data.SetTag(key, value);
            }
        }

        if (!string.IsNullOrEmpty(data.StatusDescription))
        {
            data.SetStatus(data.Status, TelemetryScrubber.Text(data.StatusDescription));
        }
    }
}

/// <summary>
/// Scrubs log records before the exporters see them: the formatted message, the template, every attribute, and the
/// exception — replaced by its type, scrubbed message and scrubbed stack trace (an exception message can quote what
/// the user typed or a URL with a key).
/// </summary>
internal sealed class ScrubbingLogProcessor : BaseProcessor<LogRecord>
{
    public override void OnEnd(LogRecord data)
    {
        if (data.FormattedMessage is { } message)
        {
            foreach (var (key, value) in data.Attributes ?? [])
            {
                if (TelemetryScrubber.IdentifiesPerson(key) && value?.ToString() is { Length: >= 3 } person)
                {
                    message = message.Replace(person, Redactor.Mask, StringComparison.Ordinal);
                }
            }

            data.FormattedMessage = TelemetryScrubber.Text(message);
        }

        if (data.Body is { } body)
        {
            data.Body = TelemetryScrubber.Text(body);
        }

        var attributes = new List<KeyValuePair<string, object?>>((data.Attributes?.Count ?? 0) + 3);
        if (data.Attributes is { } existing)
        {
            foreach (var (key, value) in existing)
            {
                attributes.Add(new(key, TelemetryScrubber.IdentifiesPerson(key) && value is not null ? Redactor.Mask : TelemetryScrubber.Value(value)));
            }
        }

        if (data.Exception is { } exception)
        {
            attributes.Add(new("exception.type", exception.GetType().FullName));
            attributes.Add(new("exception.message", TelemetryScrubber.Text(exception.Message)));
            attributes.Add(new("exception.stacktrace", TelemetryScrubber.Text(exception.ToString())));
            data.Exception = null;
        }

        data.Attributes = attributes;
    }
}
