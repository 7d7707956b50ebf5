using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.Channels;

/// <summary>A request as the Slack stand-in received it.</summary>
public sealed record SlackApiRequest(string Method, string Path, string? User, string? Authorization);

/// <summary>
/// A local stand-in for the Slack Web API on a real loopback port, answering <c>users.info</c> in Slack's documented
/// shapes: <c>{"ok":true,"user":{id, team_id, name, deleted, real_name, is_bot, is_restricted, is_ultra_restricted,
/// is_email_confirmed, profile:{email, real_name, display_name, team}}}</c>; errors as HTTP 200
/// <c>{"ok":false,"error":"user_not_found"|"not_authed"|"invalid_auth"}</c>; throttling as HTTP 429 with Retry-After and
/// <c>{"ok":false,"error":"ratelimited"}</c>. Every request is recorded; tests script failures for the next ones.
/// </summary>
public sealed class SlackWebApiServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, JsonObject> _users = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<SlackApiRequest> _requests = new();
    private readonly ConcurrentQueue<Func<HttpContext, Task<bool>>> _faults = new();
    private LoopbackServer _server = null!;

    private SlackWebApiServer(string botToken) => BotToken = botToken;

    /// <summary>The only token this workspace accepts (a fresh fake one per server).</summary>
    public string BotToken { get; }

    /// <summary>Slack:ApiBaseUrl for the bot: <c>http://127.0.0.1:port/api/</c>.</summary>
    public string ApiBaseUrl => _server.BaseUrl + "api/";

    public IReadOnlyList<SlackApiRequest> Requests => [.. _requests];

    /// <summary>The users.info calls received so far.</summary>
    public int UsersInfoCalls => Requests.Count(r => r.Path.EndsWith("/users.info", StringComparison.Ordinal));

    public static async Task<SlackWebApiServer> StartAsync()
    {
        var server = new SlackWebApiServer("xoxb-" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999) + "-" + Guid.NewGuid().ToString("N"));
        server._server = await LoopbackServer.StartAsync(app =>
        {
            app.MapMethods("/api/users.info", ["GET", "POST"], server.UsersInfoAsync);
            app.MapMethods("/api/{method}", ["GET", "POST"], (HttpContext http) =>
                Results.Json(new JsonObject { ["ok"] = false, ["error"] = "unknown_method" }));
        });
        return server;
    }

    /// <summary>
    /// Adds (or replaces) a member. By default an active, human, full member of the workspace with a confirmed email.
    /// </summary>
    public void AddUser(
        string id,
        string teamId,
        string? email,
        string realName,
        bool emailConfirmed = true,
        bool deleted = false,
        bool isBot = false,
        bool restricted = false,
        bool ultraRestricted = false)
    {
        var profile = new JsonObject
        {
            ["avatar_hash"] = "ge3b51ca72de",
            ["real_name"] = realName,
            ["display_name"] = realName.Split(' ')[0].ToLowerInvariant(),
            ["real_name_normalized"] = realName,
            ["display_name_normalized"] = realName.Split(' ')[0].ToLowerInvariant(),
            ["team"] = teamId,
        };
        if (email is not null)
        {
            profile["email"] = email;
        }

        _users[id] = new JsonObject
        {
            ["id"] = id,
            ["team_id"] = teamId,
            ["name"] = realName.Split(' ')[0].ToLowerInvariant(),
            ["deleted"] = deleted,
            ["color"] = "9f69e7",
            ["real_name"] = realName,
            ["tz"] = "America/Los_Angeles",
            ["tz_label"] = "Pacific Daylight Time",
            ["tz_offset"] = -25200,
            ["profile"] = profile,
            ["is_admin"] = false,
            ["is_owner"] = false,
            ["is_primary_owner"] = false,
            ["is_restricted"] = restricted,
            ["is_ultra_restricted"] = ultraRestricted,
            ["is_bot"] = isBot,
            ["is_app_user"] = false,
            ["updated"] = 1502138686,
            ["is_email_confirmed"] = emailConfirmed,
            ["has_2fa"] = false,
        };
    }

    /// <summary>The next <paramref name="times"/> calls are throttled: HTTP 429, Retry-After in seconds.</summary>
    public void RateLimit(int retryAfterSeconds, int times = 1) => Script(times, async http =>
    {
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await http.Response.WriteAsJsonAsync(new JsonObject { ["ok"] = false, ["error"] = "ratelimited" });
        return true;
    });

    /// <summary>The next calls answer HTTP <paramref name="status"/> with an HTML page, as a failing proxy does.</summary>
    public void Fail(int status, int times = 1) => Script(times, async http =>
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/html";
        await http.Response.WriteAsync("<html><body>Service Unavailable</body></html>");
        return true;
    });

    /// <summary>The next calls answer HTTP 200 <c>{"ok":false,"error":…}</c>.</summary>
    public void Error(string error, int times = 1) => Script(times, async http =>
    {
        await http.Response.WriteAsJsonAsync(new JsonObject { ["ok"] = false, ["error"] = error });
        return true;
    });

    /// <summary>The next calls wait <paramref name="delay"/> before answering normally (unless the client gives up).</summary>
    public void Delay(TimeSpan delay, int times = 1) => Script(times, async http =>
    {
        try
        {
            await Task.Delay(delay, http.RequestAborted);
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    });

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private void Script(int times, Func<HttpContext, Task<bool>> fault)
    {
        for (var i = 0; i < times; i++)
        {
            _faults.Enqueue(fault);
        }
    }

    private async Task UsersInfoAsync(HttpContext http)
    {
        var user = http.Request.Query["user"].ToString();
        if (http.Request.HasFormContentType)
        {
            var form = await http.Request.ReadFormAsync();
            user = string.IsNullOrEmpty(user) ? form["user"].ToString() : user;
        }

        var authorization = http.Request.Headers.Authorization.ToString();
        _requests.Enqueue(new SlackApiRequest(http.Request.Method, http.Request.Path.Value ?? string.Empty, user, authorization));

        // Slack checks the token first, then rate limits, then the arguments.
        if (string.IsNullOrEmpty(authorization))
        {
            await http.Response.WriteAsJsonAsync(new JsonObject { ["ok"] = false, ["error"] = "not_authed" });
            return;
        }

        if (authorization != "Bearer " + BotToken)
        {
            await http.Response.WriteAsJsonAsync(new JsonObject { ["ok"] = false, ["error"] = "invalid_auth" });
            return;
        }

        if (_faults.TryDequeue(out var fault) && await fault(http))
        {
            return;
        }

        if (string.IsNullOrEmpty(user))
        {
            await http.Response.WriteAsJsonAsync(new JsonObject { ["ok"] = false, ["error"] = "invalid_arguments" });
            return;
        }

        await http.Response.WriteAsJsonAsync(_users.TryGetValue(user, out var found)
            ? new JsonObject { ["ok"] = true, ["user"] = found.DeepClone() }
            : new JsonObject { ["ok"] = false, ["error"] = "user_not_found" });
    }
}
