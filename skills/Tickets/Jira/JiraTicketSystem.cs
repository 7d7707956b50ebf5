using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SupportBot.Skills.Tickets.Jira;

/// <summary>
/// Files escalations as Jira Service Management customer requests (<c>POST /rest/servicedeskapi/request</c>) with
/// basic auth (account email and API token). The idempotency key goes in <c>Jira:IdempotencyField</c> when one is
/// configured and always in a closing <c>SupportBot-Key: {key}</c> line of the description; <see cref="FindAsync"/>
/// searches for it with JQL (<c>GET /rest/api/3/search/jql</c>) so a create whose answer was lost is not filed twice.
/// </summary>
public sealed partial class JiraTicketSystem : ITicketSystem
{
    /// <summary>The named HttpClient this connector is given.</summary>
    public const string HttpClientName = "Tickets.Jira";

    private const string SystemName = "Jira";
    private const string Settings = "Tickets:Jira:Email and Tickets:Jira:ApiToken";

    // summary holds 255 characters, description 32,767; room is left for the {noformat} wrapping and the key line.
    private const int MaxTitle = 255;
    private const int MaxDescription = 30_000;

    // Text search matches words, so a few candidates are read back and the key is compared exactly.
    private const int Candidates = 10;

    private readonly HttpClient _http;
    private readonly JiraOptions _settings;
    private readonly string _site;
    private readonly TimeSpan _timeout;
    private readonly ILogger<JiraTicketSystem> _logger;

    public JiraTicketSystem(HttpClient http, IOptions<TicketOptions> options, ILogger<JiraTicketSystem> logger)
    {
        _http = http;
        _settings = options.Value.Jira;
        _timeout = options.Value.Timeout;
        _logger = logger;
        _site = Require(_settings.BaseUrl, "BaseUrl").TrimEnd('/');
        Require(_settings.Email, "Email");
        Require(_settings.ApiToken, "ApiToken");
        Require(_settings.ServiceDeskId, "ServiceDeskId");
        Require(_settings.RequestTypeId, "RequestTypeId");
        if (!Uri.TryCreate(_site, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            throw new InvalidOperationException("Tickets:Jira:BaseUrl must be an absolute http(s) URL, e.g. https://contoso.atlassian.net.");
        }
    }

    public string Name => SystemName;

    /// <summary>The description line that carries the key: <c>SupportBot-Key: {key}</c>.</summary>
    public static string KeyLine(string idempotencyKey) => $"SupportBot-Key: {idempotencyKey}";

    public Task<TicketReceipt?> FindAsync(string idempotencyKey, CancellationToken cancellationToken) =>
        TicketHttp.CallAsync(SystemName, _timeout, async ct =>
        {
            var field = _settings.IdempotencyField ?? "description";
            using var request = Request(HttpMethod.Get,
                $"rest/api/3/search/jql?jql={Uri.EscapeDataString(Jql(idempotencyKey))}&fields={Uri.EscapeDataString("key," + field)}&maxResults={Candidates}");
            using var response = await _http.SendAsync(request, ct);
            var body = await TicketHttp.ReadAsync(response, SystemName, Settings, _logger, ct);
            if (body["issues"] is not JsonArray issues)
            {
                throw new JsonException();
            }

            var match = issues.FirstOrDefault(issue => Carries(issue?["fields"]?[field], idempotencyKey));
            return (string?)match?["key"] is { Length: > 0 } key
                ? new TicketReceipt(key, SystemName, $"{_site}/browse/{Uri.EscapeDataString(key)}")
                : null;
        }, cancellationToken);

    public Task<TicketReceipt> CreateAsync(TicketDraft draft, CancellationToken cancellationToken) =>
        TicketHttp.CallAsync(SystemName, _timeout, async ct =>
        {
            using var request = Request(HttpMethod.Post, "rest/servicedeskapi/request");
            request.Content = TicketHttp.JsonBody(CustomerRequest(draft));
            using var response = await _http.SendAsync(request, ct);
            var body = await TicketHttp.ReadAsync(response, SystemName, Settings, _logger, ct);
            if ((string?)body["issueKey"] is not { Length: > 0 } key)
            {
                // Filed or not, we can't tell: Unavailable makes the caller look the key up before trying again.
                throw new TicketSystemException(TicketSystemFailure.Unavailable, "Jira answered the create without an issue key.");
            }

            var web = (string?)body["_links"]?["web"];
            _logger.LogInformation("Filed {TicketNumber} in {TicketSystem}", key, SystemName);
            return new TicketReceipt(key, SystemName, string.IsNullOrEmpty(web) ? $"{_site}/browse/{Uri.EscapeDataString(key)}" : web);
        }, cancellationToken);

    private JsonObject CustomerRequest(TicketDraft draft)
    {
        var fields = new JsonObject
        {
            ["summary"] = TicketNarrative.OneLine(draft.Title, MaxTitle),
            ["description"] = Description(draft),
        };
        if (!string.IsNullOrWhiteSpace(_settings.IdempotencyField))
        {
            fields[_settings.IdempotencyField] = draft.IdempotencyKey;
        }

        var request = new JsonObject
        {
            ["serviceDeskId"] = _settings.ServiceDeskId,
            ["requestTypeId"] = _settings.RequestTypeId,
            ["requestFieldValues"] = fields,
        };
        if (!string.IsNullOrWhiteSpace(draft.Requester.Email))
        {
            request["raiseOnBehalfOf"] = draft.Requester.Email;
        }

        return request;
    }

    // The description is Jira wiki markup: the story goes in a {noformat} block so the employee's words (and the
    // [time] stamps) show as written, and the key line stays outside it, on its own line, for the text search.
    private static string Description(TicketDraft draft)
    {
        var story = TicketNarrative.Write(draft, MaxDescription).Replace("{noformat}", "{ noformat }", StringComparison.OrdinalIgnoreCase);
        return $"{{noformat}}\n{story}\n{{noformat}}\n\n{KeyLine(draft.IdempotencyKey)}";
    }

    /// <summary>
    /// Text fields are searched with <c>~</c> (CONTAINS), the only operator JQL has for them; the key is quoted as a
    /// phrase so its words must appear together and in order. Without an idempotency field, the key line is searched
    /// for in all text (<c>text ~</c>).
    /// </summary>
    private string Jql(string idempotencyKey) =>
        string.IsNullOrWhiteSpace(_settings.IdempotencyField)
            ? $"text ~ {Quote(Quote(KeyLine(idempotencyKey)))}"
            : $"{JqlField(_settings.IdempotencyField)} ~ {Quote(Quote(idempotencyKey))}";

    private static string JqlField(string field) =>
        CustomFieldId().Match(field) is { Success: true } custom ? $"cf[{custom.Groups[1].Value}]" : Quote(field);

    // A JQL string literal (and, applied twice, a phrase inside one): backslash and double quote are escaped.
    private static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private bool Carries(JsonNode? value, string idempotencyKey)
    {
        var text = TextOf(value);
        return string.IsNullOrWhiteSpace(_settings.IdempotencyField)
            ? text.Split('\n').Any(line => line.Trim() == KeyLine(idempotencyKey))
            : text.Trim() == idempotencyKey;
    }

    // API v3 returns rich-text fields (description) as Atlassian Document Format; plain text fields as strings.
    private static string TextOf(JsonNode? node)
    {
        var text = new StringBuilder();
        Collect(node, text);
        return text.ToString();

        static void Collect(JsonNode? node, StringBuilder text)
        {
            switch (node)
            {
                case JsonValue value when value.TryGetValue<string>(out var s):
                    text.Append(s);
                    break;
                case JsonObject adf when adf["text"] is JsonValue leaf && leaf.TryGetValue<string>(out var s):
                    text.Append(s);
                    break;
                case JsonObject adf:
                    Collect(adf["content"], text);
                    break;
                case JsonArray blocks:
                    foreach (var block in blocks)
                    {
                        Collect(block, text);

                        // Blocks (paragraphs, code blocks) end a line; runs of text inside one do not.
                        if (block is not JsonObject { } inline || (string?)inline["type"] != "text")
                        {
                            text.Append('\n');
                        }
                    }

                    break;
            }
        }
    }

    private HttpRequestMessage Request(HttpMethod method, string relative)
    {
        var request = new HttpRequestMessage(method, TicketHttp.Url(_site, relative));
        request.Headers.Authorization = TicketHttp.Basic(_settings.Email!, _settings.ApiToken!);
        request.Headers.Accept.Add(TicketHttp.Json);
        return request;
    }

    private static string Require(string? value, string setting) =>
        string.IsNullOrWhiteSpace(value)
            ? throw new InvalidOperationException($"Tickets:Jira:{setting} is not set; it is needed when Tickets:System is Jira.")
            : value;

    [GeneratedRegex(@"^customfield_(\d+)$")]
    private static partial Regex CustomFieldId();
}
