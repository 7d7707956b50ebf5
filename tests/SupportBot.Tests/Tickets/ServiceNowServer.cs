using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace SupportBot.Tests.Tickets;

/// <summary>
/// A ServiceNow instance's Table API for the incident table on a real loopback port, in the documented shapes:
/// <c>POST /api/now/table/incident</c> answers 201 with <c>{"result":{…}}</c>; <c>GET</c> with <c>sysparm_query</c>
/// (encoded query, <c>field=value</c> joined by <c>^</c>), <c>sysparm_fields</c> and <c>sysparm_limit</c> answers
/// <c>{"result":[…]}</c>; errors are <c>{"error":{"message","detail"},"status":"failure"}</c>. Basic auth is checked.
/// Tests script the next requests' failures (<see cref="ScriptedTicketServer"/>) and read back what was sent and what
/// was stored.
/// </summary>
public sealed class ServiceNowServer : ScriptedTicketServer
{
    public const string UserName = "svc.supportbot";
    public const string Password = "Tr0ub4dor&3-sn-integration";

    private ServiceNowServer()
        : base(UserName, Password)
    {
    }

    /// <summary>e.g. http://127.0.0.1:5123 (no trailing slash), as <c>ServiceNow:InstanceUrl</c> is written.</summary>
    public string InstanceUrl => Url;

    /// <summary>The incidents stored, oldest first (copies).</summary>
    public IReadOnlyList<JsonObject> Incidents => Records;

    public static Task<ServiceNowServer> StartAsync() => StartAsync(new ServiceNowServer(), "/api/now/table/incident", "/api/now/table/incident");

    protected override Task UnauthorizedAsync(HttpContext context, TicketServerRequest request)
    {
        context.Response.Headers.WWWAuthenticate = "Basic realm=\"Service-now\"";
        return ErrorAsync(context, 401, "User Not Authenticated", "Required to provide Auth information");
    }

    protected override Task FailAsync(HttpContext context, TicketServerRequest request, int status)
    {
        if (status == 400)
        {
            // ServiceNow quotes the offending value back; the client must not pass it on.
            var echoed = (string?)request.JsonBody()?["short_description"];
            return ErrorAsync(context, 400, "Invalid value", $"Field value '{echoed}' is not valid for short_description");
        }

        return ErrorAsync(context, status, status switch
        {
            403 => "User Not Authorized",
            429 => "Rate limit exceeded",
            _ => "Server error",
        }, "Scripted failure");
    }

    protected override async Task CreateAsync(HttpContext context, TicketServerRequest request)
    {
        if (request.JsonBody() is not { } body)
        {
            await ErrorAsync(context, 400, "Exception while reading request", "The payload is not valid JSON.");
            return;
        }

        var incident = Store(body);
        if (CrashIfScripted(context))
        {
            return;
        }

        context.Response.StatusCode = StatusCodes.Status201Created;
        context.Response.Headers.Location = $"{InstanceUrl}/api/now/table/incident/{incident["sys_id"]}";
        await WriteAsync(context, new JsonObject { ["result"] = Select(incident, request.Query) });
    }

    protected override async Task SearchAsync(HttpContext context, TicketServerRequest request)
    {
        var conditions = Conditions(request.Query.GetValueOrDefault("sysparm_query"));
        var limit = int.TryParse(request.Query.GetValueOrDefault("sysparm_limit"), CultureInfo.InvariantCulture, out var l) ? l : 10_000;
        var found = Query(incidents => incidents
            .Where(i => conditions.All(c => (string?)i[c.Field] == c.Value))
            .Take(limit)
            .Select(i => Select(i, request.Query)));
        await WriteAsync(context, new JsonObject { ["result"] = new JsonArray([.. found]) });
    }

    private JsonObject Store(JsonObject body) => Store(stored =>
    {
        var incident = body.DeepClone().AsObject();
        incident["sys_id"] = Guid.NewGuid().ToString("N");
        incident["number"] = string.Create(CultureInfo.InvariantCulture, $"INC{10001 + stored:D7}");
        incident["sys_class_name"] = "incident";
        incident["state"] = "1";
        incident["sys_created_on"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        return incident;
    });

    // sysparm_fields: only the listed fields (unknown ones ignored); all fields without it.
    private static JsonObject Select(JsonObject record, IReadOnlyDictionary<string, string> query)
    {
        if (!query.TryGetValue("sysparm_fields", out var fields) || string.IsNullOrEmpty(fields))
        {
            return record.DeepClone().AsObject();
        }

        var selected = new JsonObject();
        foreach (var field in fields.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (record.TryGetPropertyValue(field, out var value))
            {
                selected[field] = value?.DeepClone();
            }
        }

        return selected;
    }

    // An encoded query: conditions joined by ^ (a literal ^ is ^^). Parts that are not field=value are ignored, as an
    // instance ignores the invalid part of a query by default.
    private static List<(string Field, string Value)> Conditions(string? query)
    {
        if (string.IsNullOrEmpty(query))
        {
            return [];
        }

        return [.. query.Replace("^^", "\u0001", StringComparison.Ordinal)
            .Split('^')
            .Select(part => part.Replace("\u0001", "^", StringComparison.Ordinal))
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2 && pair[0].Length > 0)
            .Select(pair => (pair[0], pair[1]))];
    }

    private static Task ErrorAsync(HttpContext context, int status, string message, string detail)
    {
        context.Response.StatusCode = status;
        return WriteAsync(context, new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = message, ["detail"] = detail },
            ["status"] = "failure",
        });
    }
}
