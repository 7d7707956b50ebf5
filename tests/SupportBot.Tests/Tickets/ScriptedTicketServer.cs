using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.Tickets;

/// <summary>A request as a stand-in ticket system received it.</summary>
public sealed record TicketServerRequest(string Method, string Path, IReadOnlyDictionary<string, string> Query, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>The body as a JSON object; null when it is empty or not one.</summary>
    public JsonObject? JsonBody()
    {
        try
        {
            return Body.Length > 0 ? JsonNode.Parse(Body) as JsonObject : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// What the ticket-system stand-ins (<see cref="JiraServer"/>, <see cref="ServiceNowServer"/>) share: a real loopback
/// port with a create and a search endpoint, every request recorded, basic auth checked on each, the records filed so
/// far, and the failures tests script for the next requests (a status, a delay, or a connection aborted after the
/// create is stored). Each stand-in answers create and search, and errors, in its own system's shapes.
/// </summary>
public abstract class ScriptedTicketServer : IAsyncDisposable
{
    private readonly string _user;
    private readonly string _secret;
    private readonly Lock _gate = new();
    private readonly List<JsonObject> _records = [];
    private readonly ConcurrentQueue<TicketServerRequest> _requests = new();
    private readonly ConcurrentQueue<Fault> _faults = new();
    private LoopbackServer? _server;

    /// <param name="user">The basic-auth user name every request must carry.</param>
    /// <param name="secret">The basic-auth password (or API token) every request must carry.</param>
    protected ScriptedTicketServer(string user, string secret)
    {
        _user = user;
        _secret = secret;
    }

    private abstract record Fault;

    private sealed record Status(int Code, string? RetryAfter) : Fault;

    private sealed record Slow(TimeSpan Delay) : Fault;

    private sealed record Crash : Fault;

    public IReadOnlyList<TicketServerRequest> Requests => [.. _requests];

    /// <summary>The records filed (issues, incidents), oldest first (copies).</summary>
    public IReadOnlyList<JsonObject> Records
    {
        get
        {
            lock (_gate)
            {
                return [.. _records.Select(r => r.DeepClone().AsObject())];
            }
        }
    }

    /// <summary>e.g. http://127.0.0.1:5123 (no trailing slash).</summary>
    protected string Url { get; private set; } = string.Empty;

    /// <summary>The next <paramref name="times"/> requests answer <paramref name="status"/> (with Retry-After when given).</summary>
    public void Fail(int status, int times = 1, string? retryAfter = null) => Script(new Status(status, retryAfter), times);

    /// <summary>The next requests wait <paramref name="delay"/> before answering (unless the client gives up first).</summary>
    public void Delay(TimeSpan delay, int times = 1) => Script(new Slow(delay), times);

    /// <summary>
    /// The next create is stored but its answer is lost: the connection is aborted after the record is stored, as when
    /// the system or the network fails between the commit and the response.
    /// </summary>
    public void CrashAfterRecording(int times = 1) => Script(new Crash(), times);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Starts <paramref name="server"/>: it files tickets at <c>POST</c> <paramref name="createPath"/> and finds them at <c>GET</c> <paramref name="searchPath"/>.</summary>
    protected static async Task<TServer> StartAsync<TServer>(TServer server, string createPath, string searchPath)
        where TServer : ScriptedTicketServer
    {
        server._server = await LoopbackServer.StartAsync(app =>
        {
            app.MapPost(createPath, async context =>
            {
                if (await server.AdmitAsync(context) is { } request)
                {
                    await server.CreateAsync(context, request);
                }
            });
            app.MapGet(searchPath, async context =>
            {
                if (await server.AdmitAsync(context) is { } request && !server.CrashIfScripted(context))
                {
                    await server.SearchAsync(context, request);
                }
            });
        });
        server.Url = server._server.BaseUrl.TrimEnd('/');
        return server;
    }

    /// <summary>When a crash is scripted next, aborts the connection (after whatever was stored) and says so.</summary>
    protected bool CrashIfScripted(HttpContext context)
    {
        if (_faults.TryPeek(out var next) && next is Crash && _faults.TryDequeue(out _))
        {
            context.Abort();
            return true;
        }

        return false;
    }

    /// <summary>Stores the record <paramref name="create"/> makes (given how many are stored already); returns a copy.</summary>
    protected JsonObject Store(Func<int, JsonObject> create)
    {
        lock (_gate)
        {
            var record = create(_records.Count);
            _records.Add(record);
            return record.DeepClone().AsObject();
        }
    }

    /// <summary>Runs <paramref name="query"/> over the records stored (oldest first) while no create can change them.</summary>
    protected List<JsonObject> Query(Func<IEnumerable<JsonObject>, IEnumerable<JsonObject>> query)
    {
        lock (_gate)
        {
            return [.. query(_records)];
        }
    }

    /// <summary>Files a ticket; a crash scripted for the request is up to it (<see cref="CrashIfScripted"/>, once the ticket is stored).</summary>
    protected abstract Task CreateAsync(HttpContext context, TicketServerRequest request);

    /// <summary>Finds tickets.</summary>
    protected abstract Task SearchAsync(HttpContext context, TicketServerRequest request);

    /// <summary>Answers a request whose basic auth is missing or wrong.</summary>
    protected abstract Task UnauthorizedAsync(HttpContext context, TicketServerRequest request);

    /// <summary>Answers a request with a scripted failure <paramref name="status"/>.</summary>
    protected abstract Task FailAsync(HttpContext context, TicketServerRequest request, int status);

    protected static Task WriteAsync(HttpContext context, JsonNode body)
    {
        context.Response.ContentType = "application/json;charset=UTF-8";
        return context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    /// <summary>
    /// Records the request, then answers it as the system would when its credentials are wrong or a failure is
    /// scripted for it. The request when the endpoint should go on to answer it; null when it is answered already (or the
    /// client gave up waiting).
    /// </summary>
    private async Task<TicketServerRequest?> AdmitAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var request = new TicketServerRequest(
            context.Request.Method,
            context.Request.Path.Value ?? string.Empty,
            context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal),
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            await reader.ReadToEndAsync(context.RequestAborted));
        _requests.Enqueue(request);

        // Authentication first (as the systems do), then whatever the test scripted for this request.
        if (!Authenticated(request))
        {
            await UnauthorizedAsync(context, request);
            return null;
        }

        if (!_faults.TryPeek(out var fault) || fault is Crash || !_faults.TryDequeue(out fault))
        {
            return request;
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
                    return null;
                }

                return request;
            case Status status:
                if (status.RetryAfter is not null)
                {
                    context.Response.Headers.RetryAfter = status.RetryAfter;
                }

                await FailAsync(context, request, status.Code);
                return null;
            default:
                return request;
        }
    }

    private void Script(Fault fault, int times)
    {
        for (var i = 0; i < times; i++)
        {
            _faults.Enqueue(fault);
        }
    }

    private bool Authenticated(TicketServerRequest request)
    {
        if (!request.Headers.TryGetValue("Authorization", out var header) ||
            !AuthenticationHeaderValue.TryParse(header, out var auth) ||
            auth.Scheme != "Basic" || auth.Parameter is null)
        {
            return false;
        }

        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(auth.Parameter)) == $"{_user}:{_secret}";
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
