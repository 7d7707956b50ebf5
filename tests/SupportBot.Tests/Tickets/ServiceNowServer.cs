using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.Tickets;

/// <summary>A Table API request as the instance received it.</summary>
public sealed record ServiceNowRequest(string Method, string Path, IReadOnlyDictionary<string, string> Query, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>
/// A ServiceNow instance's Table API for the incident table on a real loopback port, in the documented shapes:
/// <c>POST /api/now/table/incident</c> answers 201 with <c>{"result":{…}}</c>; <c>GET</c> with <c>sysparm_query</c>
/// (encoded query, <c>field=value</c> joined by <c>^</c>), <c>sysparm_fields</c> and <c>sysparm_limit</c> answers
/// <c>{"result":[…]}</c>; errors are <c>{"error":{"message","detail"},"status":"failure"}</c>. Basic auth is checked.
/// Tests script the next requests' failures and read back what was sent and what was stored.
/// </summary>
public sealed class ServiceNowServer : IAsyncDisposable
{
    public const string UserName = "svc.supportbot";
    public const string Password = "Tr0ub4dor&3-sn-integration";

    private readonly Lock _gate = new();
    private readonly List<JsonObject> _incidents = [];
    private readonly ConcurrentQueue<ServiceNowRequest> _requests = new();
    private readonly ConcurrentQueue<Fault> _faults = new();
    private LoopbackServer _server = null!;

    private ServiceNowServer()
    {
    }

    private abstract record Fault;

    private sealed record Status(int Code, string? RetryAfter) : Fault;

    private sealed record Slow(TimeSpan Delay) : Fault;

    private sealed record Crash : Fault;

    /// <summary>e.g. http://127.0.0.1:5123 (no trailing slash), as <c>ServiceNow:InstanceUrl</c> is written.</summary>
    public string InstanceUrl { get; private set; } = string.Empty;

    public IReadOnlyList<ServiceNowRequest> Requests => [.. _requests];

    /// <summary>The incidents stored, oldest first (copies).</summary>
    public IReadOnlyList<JsonObject> Incidents
    {
        get
        {
            lock (_gate)
            {
                return [.. _incidents.Select(i => i.DeepClone().AsObject())];
            }
        }
    }

    public static async Task<ServiceNowServer> StartAsync()
    {
        var server = new ServiceNowServer();
        server._server = await LoopbackServer.StartAsync(app =>
        {
            app.MapPost("/api/now/table/incident", server.CreateAsync);
            app.MapGet("/api/now/table/incident", server.QueryAsync);
        });
        server.InstanceUrl = server._server.BaseUrl.TrimEnd('/');
        return server;
    }

    /// <summary>The next <paramref name="times"/> requests answer <paramref name="status"/> (with Retry-After when given).</summary>
    public void Fail(int status, int times = 1, string? retryAfter = null) => Script(new Status(status, retryAfter), times);

    /// <summary>The next requests wait <paramref name="delay"/> before answering (unless the client gives up first).</summary>
    public void Delay(TimeSpan delay, int times = 1) => Script(new Slow(delay), times);

    /// <summary>
    /// The next create is stored but its answer is lost: the connection is aborted after the incident is recorded,
    /// as when the instance or the network fails between the commit and the response.
    /// </summary>
    public void CrashAfterRecording(int times = 1) => Script(new Crash(), times);

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private void Script(Fault fault, int times)
    {
        for (var i = 0; i < times; i++)
        {
            _faults.Enqueue(fault);
        }
    }

    private async Task CreateAsync(HttpContext context)
    {
        var request = await RecordAsync(context);
        if (!await AdmitAsync(context, request))
        {
            return;
        }

        JsonObject body;
        try
        {
            body = JsonNode.Parse(request.Body)?.AsObject() ?? throw new InvalidOperationException();
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException)
        {
            await ErrorAsync(context, 400, "Exception while reading request", "The payload is not valid JSON.");
            return;
        }

        var incident = Store(body);
        if (_faults.TryPeek(out var next) && next is Crash && _faults.TryDequeue(out _))
        {
            context.Abort();
            return;
        }

        context.Response.StatusCode = StatusCodes.Status201Created;
        context.Response.Headers.Location = $"{InstanceUrl}/api/now/table/incident/{incident["sys_id"]}";
        await WriteAsync(context, new JsonObject { ["result"] = Select(incident, request.Query) });
    }

    private async Task QueryAsync(HttpContext context)
    {
        var request = await RecordAsync(context);
        if (!await AdmitAsync(context, request))
        {
            return;
        }

        if (_faults.TryPeek(out var next) && next is Crash && _faults.TryDequeue(out _))
        {
            context.Abort();
            return;
        }

        var conditions = Conditions(request.Query.GetValueOrDefault("sysparm_query"));
        var limit = int.TryParse(request.Query.GetValueOrDefault("sysparm_limit"), CultureInfo.InvariantCulture, out var l) ? l : 10_000;
        List<JsonObject> found;
        lock (_gate)
        {
            found = [.. _incidents
                .Where(i => conditions.All(c => (string?)i[c.Field] == c.Value))
                .Take(limit)
                .Select(i => Select(i, request.Query))];
        }

        await WriteAsync(context, new JsonObject { ["result"] = new JsonArray([.. found]) });
    }

    // Authentication first (as the instance does), then whatever the test scripted for this request.
    private async Task<bool> AdmitAsync(HttpContext context, ServiceNowRequest request)
    {
        if (!Authenticated(request))
        {
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"Service-now\"";
            await ErrorAsync(context, 401, "User Not Authenticated", "Required to provide Auth information");
            return false;
        }

        if (!_faults.TryPeek(out var fault) || fault is Crash || !_faults.TryDequeue(out fault))
        {
            return true;
        }

        switch (fault)
        {
            case Slow slow:
                try
                {
                    await Task.Delay(slow.Delay, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    // The client gave up, as it should.
                    return false;
                }

                return true;
            case Status { Code: 400 }:
                // ServiceNow quotes the offending value back; the client must not pass it on.
                var echoed = (string?)JsonNode.Parse(request.Body.Length > 0 ? request.Body : "{}")?["short_description"];
                await ErrorAsync(context, 400, "Invalid value", $"Field value '{echoed}' is not valid for short_description");
                return false;
            case Status status:
                if (status.RetryAfter is not null)
                {
                    context.Response.Headers.RetryAfter = status.RetryAfter;
                }

                await ErrorAsync(context, status.Code, status.Code switch
                {
                    403 => "User Not Authorized",
                    429 => "Rate limit exceeded",
                    _ => "Server error",
                }, "Scripted failure");
                return false;
            default:
                return true;
        }
    }

    private static bool Authenticated(ServiceNowRequest request)
    {
        if (!request.Headers.TryGetValue("Authorization", out var header) ||
            !AuthenticationHeaderValue.TryParse(header, out var auth) ||
            auth.Scheme != "Basic" || auth.Parameter is null)
        {
            return false;
        }

        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(auth.Parameter)) == $"{UserName}:{Password}";
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private JsonObject Store(JsonObject body)
    {
        lock (_gate)
        {
            var incident = body.DeepClone().AsObject();
            incident["sys_id"] = Guid.NewGuid().ToString("N");
            incident["number"] = string.Create(CultureInfo.InvariantCulture, $"INC{10001 + _incidents.Count:D7}");
            incident["sys_class_name"] = "incident";
            incident["state"] = "1";
            incident["sys_created_on"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            _incidents.Add(incident);
            return incident.DeepClone().AsObject();
        }
    }

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

    private async Task<ServiceNowRequest> RecordAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var request = new ServiceNowRequest(
            context.Request.Method,
            context.Request.Path.Value ?? string.Empty,
            context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal),
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            await reader.ReadToEndAsync(context.RequestAborted));
        _requests.Enqueue(request);
        return request;
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

    private static Task WriteAsync(HttpContext context, JsonNode body)
    {
        context.Response.ContentType = "application/json;charset=UTF-8";
        return context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }
}
