using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace SupportBot.Tests.Tickets;

/// <summary>
/// A Jira Service Management Cloud site on a real loopback port, in the documented shapes: create customer request
/// (<c>POST /rest/servicedeskapi/request</c>: serviceDeskId, requestTypeId, requestFieldValues, raiseOnBehalfOf →
/// 201 with issueId, issueKey, _links.web) and enhanced JQL search (<c>GET /rest/api/3/search/jql</c>: jql, fields,
/// maxResults → issues[].key and fields, rich text as Atlassian Document Format). The JQL understood is the text
/// search the connector sends: <c>cf[N] ~ "…"</c> or <c>text ~ "…"</c> with a quoted phrase, matched word by word as
/// Jira's index does. Basic auth (email:API token) is checked. Tests script the next requests' failures
/// (<see cref="ScriptedTicketServer"/>).
/// </summary>
public sealed partial class JiraServer : ScriptedTicketServer
{
    public const string Email = "supportbot@contoso.example";
    public const string ApiToken = "ATATT3xFfGF0-jira-api-token";
    public const string ServiceDeskId = "4";
    public const string RequestTypeId = "27";
    public const string IdempotencyField = "customfield_10050";
    public const string ProjectKey = "HELP";

    private const string ServiceDeskApi = "/rest/servicedeskapi/";

    private JiraServer()
        : base(Email, ApiToken)
    {
    }

    /// <summary>e.g. http://127.0.0.1:5123 (no trailing slash), as <c>Jira:BaseUrl</c> is written.</summary>
    public string BaseUrl => Url;

    /// <summary>The issues stored, oldest first: id, key, summary, description (as sent), the idempotency field, raiseOnBehalfOf.</summary>
    public IReadOnlyList<JsonObject> Issues => Records;

    public static Task<JiraServer> StartAsync() => StartAsync(new JiraServer(), ServiceDeskApi + "request", "/rest/api/3/search/jql");

    protected override Task UnauthorizedAsync(HttpContext context, TicketServerRequest request) =>
        ErrorAsync(context, request, 401, "Client must be authenticated to access this resource.");

    protected override Task FailAsync(HttpContext context, TicketServerRequest request, int status)
    {
        var summary = (string?)request.JsonBody()?["requestFieldValues"]?["summary"];
        return ErrorAsync(context, request, status, status switch
        {
            400 => $"Your request could not be created: '{summary}' is not valid.",
            403 => "You do not have permission to create requests in this service desk.",
            429 => "Rate limit exceeded.",
            _ => "Internal server error.",
        });
    }

    protected override async Task CreateAsync(HttpContext context, TicketServerRequest request)
    {
        if (request.JsonBody() is not { } body)
        {
            await ServiceDeskErrorAsync(context, 400, "The request body is not valid JSON.");
            return;
        }

        if ((string?)body["serviceDeskId"] != ServiceDeskId)
        {
            await ServiceDeskErrorAsync(context, 404, "The service desk does not exist or you do not have permission to access it.");
            return;
        }

        if ((string?)body["requestTypeId"] != RequestTypeId)
        {
            await ServiceDeskErrorAsync(context, 400, "The request type does not exist or is not part of this service desk.");
            return;
        }

        var fields = body["requestFieldValues"] as JsonObject ?? [];
        var unknown = fields.Select(f => f.Key).FirstOrDefault(f => f is not ("summary" or "description" or IdempotencyField));
        if (unknown is not null)
        {
            await ServiceDeskErrorAsync(context, 400, $"Field '{unknown}' cannot be set. It is not on the appropriate screen, or unknown.");
            return;
        }

        if (string.IsNullOrWhiteSpace((string?)fields["summary"]))
        {
            await ServiceDeskErrorAsync(context, 400, "Your request could not be created. Please check the fields have been correctly filled in. Summary is required.");
            return;
        }

        var issue = Store(fields, (string?)body["raiseOnBehalfOf"]);
        if (CrashIfScripted(context))
        {
            return;
        }

        context.Response.StatusCode = StatusCodes.Status201Created;
        await WriteAsync(context, CustomerRequest(issue));
    }

    protected override async Task SearchAsync(HttpContext context, TicketServerRequest request)
    {
        var clause = TextSearch().Match(request.Query.GetValueOrDefault("jql") ?? string.Empty);
        if (!clause.Success)
        {
            await PlatformErrorAsync(context, 400, "Error in the JQL Query: the query could not be parsed.");
            return;
        }

        string field;
        if (clause.Groups["cf"].Success)
        {
            field = "customfield_" + clause.Groups["cf"].Value;
            if (field != IdempotencyField)
            {
                await PlatformErrorAsync(context, 400, $"Field 'cf[{clause.Groups["cf"].Value}]' does not exist or you do not have permission to view it.");
                return;
            }
        }
        else
        {
            field = "text";
        }

        var phrase = Unquote(Unquote("\"" + clause.Groups["value"].Value + "\""));
        var wanted = (request.Query.GetValueOrDefault("fields") ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var max = int.TryParse(request.Query.GetValueOrDefault("maxResults"), CultureInfo.InvariantCulture, out var m) ? m : 50;

        // Newest first: a search without ORDER BY promises no order, so the client must not rely on one.
        var found = Query(issues => issues.Reverse()
            .Where(issue => Words(SearchedText(issue, field)).Contains(Words(phrase), StringComparison.Ordinal))
            .Take(max)
            .Select(issue => Issue(issue, wanted)));
        await WriteAsync(context, new JsonObject { ["issues"] = new JsonArray([.. found]), ["isLast"] = true });
    }

    private JsonObject Store(JsonObject fields, string? raiseOnBehalfOf) => Store(stored => new JsonObject
    {
        ["id"] = (10_001 + stored).ToString(CultureInfo.InvariantCulture),
        ["key"] = string.Create(CultureInfo.InvariantCulture, $"{ProjectKey}-{stored + 1}"),
        ["summary"] = (string?)fields["summary"],
        ["description"] = (string?)fields["description"],
        [IdempotencyField] = (string?)fields[IdempotencyField],
        ["raiseOnBehalfOf"] = raiseOnBehalfOf,
    });

    private JsonObject CustomerRequest(JsonObject issue)
    {
        var id = (string)issue["id"]!;
        var key = (string)issue["key"]!;
        var now = DateTimeOffset.UtcNow;
        return new JsonObject
        {
            ["_expands"] = new JsonArray("participant", "status", "sla", "requestType", "serviceDesk", "attachment", "action", "comment"),
            ["issueId"] = id,
            ["issueKey"] = key,
            ["requestTypeId"] = RequestTypeId,
            ["serviceDeskId"] = ServiceDeskId,
            ["createdDate"] = new JsonObject
            {
                ["iso8601"] = now.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture),
                ["epochMillis"] = now.ToUnixTimeMilliseconds(),
            },
            ["reporter"] = new JsonObject { ["accountId"] = "qm:reporter", ["emailAddress"] = (string?)issue["raiseOnBehalfOf"] ?? Email },
            ["requestFieldValues"] = new JsonArray(
                new JsonObject { ["fieldId"] = "summary", ["label"] = "Summary", ["value"] = (string?)issue["summary"] },
                new JsonObject { ["fieldId"] = "description", ["label"] = "Description", ["value"] = (string?)issue["description"] }),
            ["currentStatus"] = new JsonObject { ["status"] = "Waiting for support", ["statusCategory"] = "NEW" },
            ["_links"] = new JsonObject
            {
                ["jiraRest"] = $"{BaseUrl}/rest/api/2/issue/{id}",
                ["web"] = $"{BaseUrl}/servicedesk/customer/portal/{ServiceDeskId}/{key}",
                ["self"] = $"{BaseUrl}/rest/servicedeskapi/request/{id}",
                ["agent"] = $"{BaseUrl}/browse/{key}",
            },
        };
    }

    // An issue as the v3 search returns it: key and id always, then only the fields asked for.
    private JsonObject Issue(JsonObject issue, string[] wanted)
    {
        var fields = new JsonObject();
        foreach (var field in wanted.Where(f => f != "key"))
        {
            fields[field] = field switch
            {
                "summary" => (string?)issue["summary"],
                "description" => Adf((string?)issue["description"]),
                IdempotencyField => (string?)issue[IdempotencyField],
                _ => null,
            };
        }

        return new JsonObject
        {
            ["expand"] = "operations,versionedRepresentations,editmeta,changelog,renderedFields",
            ["id"] = (string?)issue["id"],
            ["self"] = $"{BaseUrl}/rest/api/3/issue/{issue["id"]}",
            ["key"] = (string?)issue["key"],
            ["fields"] = fields,
        };
    }

    private static string SearchedText(JsonObject issue, string field) => field == "text"
        ? string.Join('\n', (string?)issue["summary"], (string?)issue["description"], (string?)issue[IdempotencyField])
        : (string?)issue[field] ?? string.Empty;

    // Jira's index splits text into lower-case words; a quoted phrase matches those words together and in order.
    private static string Words(string text) =>
        " " + string.Join(' ', NonWord().Split(text.ToLowerInvariant()).Where(w => w.Length > 0)) + " ";

    // A JQL string literal's content: \" and \\ stand for " and \.
    private static string Unquote(string literal)
    {
        var inner = literal.Length >= 2 && literal[0] == '"' && literal[^1] == '"' ? literal[1..^1] : literal;
        return Escaped().Replace(inner, e => e.Groups[1].Value);
    }

    // Wiki markup → Atlassian Document Format, as API v3 returns rich text: {noformat} blocks become code blocks,
    // other blank-line separated text becomes paragraphs.
    private static JsonObject? Adf(string? wiki)
    {
        if (wiki is null)
        {
            return null;
        }

        var content = new JsonArray();
        var parts = wiki.Split("{noformat}");
        for (var i = 0; i < parts.Length; i++)
        {
            if (i % 2 == 1)
            {
                content.Add(new JsonObject
                {
                    ["type"] = "codeBlock",
                    ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = parts[i].Trim('\n') }),
                });
                continue;
            }

            foreach (var paragraph in parts[i].Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var inline = new JsonArray();
                foreach (var line in paragraph.Split('\n'))
                {
                    if (inline.Count > 0)
                    {
                        inline.Add(new JsonObject { ["type"] = "hardBreak" });
                    }

                    inline.Add(new JsonObject { ["type"] = "text", ["text"] = line });
                }

                content.Add(new JsonObject { ["type"] = "paragraph", ["content"] = inline });
            }
        }

        return new JsonObject { ["type"] = "doc", ["version"] = 1, ["content"] = content };
    }

    // The service desk API and the platform API answer errors in different shapes.
    private static Task ErrorAsync(HttpContext context, TicketServerRequest request, int status, string message) =>
        request.Path.StartsWith(ServiceDeskApi, StringComparison.Ordinal)
            ? ServiceDeskErrorAsync(context, status, message)
            : PlatformErrorAsync(context, status, message);

    // The service desk API's error shape.
    private static Task ServiceDeskErrorAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return WriteAsync(context, new JsonObject
        {
            ["errorMessage"] = message,
            ["i18nErrorMessage"] = new JsonObject { ["i18nKey"] = "sd.request.create.error", ["parameters"] = new JsonArray() },
        });
    }

    // The platform API's error shape.
    private static Task PlatformErrorAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return WriteAsync(context, new JsonObject { ["errorMessages"] = new JsonArray(message), ["errors"] = new JsonObject() });
    }

    // cf[N] ~ "…" or text ~ "…", the literal with \" and \\ escapes.
    [GeneratedRegex("""^\s*(?:cf\[(?<cf>\d+)\]|text)\s*~\s*"(?<value>(?:[^"\\]|\\.)*)"\s*$""")]
    private static partial Regex TextSearch();

    [GeneratedRegex(@"[^\p{L}\p{N}]+")]
    private static partial Regex NonWord();

    [GeneratedRegex(@"\\(.)")]
    private static partial Regex Escaped();
}
