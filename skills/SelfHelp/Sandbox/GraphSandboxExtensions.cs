using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace SupportBot.Skills.SelfHelp.Sandbox;

public static partial class GraphSandboxExtensions
{
    /// <summary>Graph rejects checkMemberGroups with more ids than this.</summary>
    private const int MaxCheckedGroups = 20;

    public static IServiceCollection AddGraphSandbox(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GraphSandbox>();
        return services;
    }

    /// <summary>
    /// Serves the sandbox's Graph v1.0 under <c>{prefix}/v1.0</c>; point a <c>GraphServiceClient</c> at
    /// <c>http://host:port{prefix}/v1.0</c> with an anonymous authentication provider. For development and tests only:
    /// it answers anyone.
    /// </summary>
    public static IEndpointRouteBuilder MapGraphSandbox(this IEndpointRouteBuilder app, string prefix = "/_sandbox/graph")
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!prefix.StartsWith('/'))
        {
            throw new ArgumentException("The prefix is a path and starts with '/'.", nameof(prefix));
        }

        var sandbox = app.ServiceProvider.GetRequiredService<GraphSandbox>();
        var root = prefix.TrimEnd('/') + "/v1.0";
        var graph = app.MapGroup(root)
            .DisableAntiforgery()
            .ExcludeFromDescription();
        var latency = app.ServiceProvider.GetService<IOptions<SelfHelpOptions>>()?.Value.SandboxLatency ?? TimeSpan.Zero;
        graph.AddEndpointFilter((context, next) => ReceiveAsync(context, next, sandbox, root, latency));

        graph.MapGet("/users", (HttpContext http) => ListUsers(http, sandbox));
        graph.MapGet("/users/{user}", (HttpContext http, string user) => GetUser(http, sandbox, user));
        graph.MapPost("/users/{user}/revokeSignInSessions", (HttpContext http, string user) => RevokeSignInSessions(http, sandbox, user));
        graph.MapGet("/users/{user}/authentication/methods", (HttpContext http, string user) => ListAuthenticationMethods(http, sandbox, user));
        graph.MapGet("/users/{user}/managedDevices", (HttpContext http, string user) => ListManagedDevices(http, sandbox, user));
        graph.MapGet("/users/{user}/licenseDetails", (HttpContext http, string user) => ListLicenseDetails(http, sandbox, user));
        graph.MapPost("/users/{user}/checkMemberGroups", (HttpContext http, string user) => CheckMemberGroupsAsync(http, sandbox, user));
        graph.MapGet("/domains/{domain}", (HttpContext http, string domain) => GetDomain(http, sandbox, domain));
        graph.MapGet("/reports/authenticationMethods/userRegistrationDetails/{userId}", (HttpContext http, string userId) => GetRegistrationDetails(http, sandbox, userId));
        graph.MapPost("/deviceManagement/managedDevices/{id}/syncDevice", (HttpContext http, string id) => DeviceAction(http, sandbox.Tenant.SyncDevice(id, Now(sandbox)), id));
        graph.MapPost("/deviceManagement/managedDevices/{id}/rebootNow", (HttpContext http, string id) => DeviceAction(http, sandbox.Tenant.RequestReboot(id, Now(sandbox)), id));
        graph.MapPost("/groups/{groupId}/members/$ref", (HttpContext http, string groupId) => AddMemberAsync(http, sandbox, groupId));
        graph.MapGet("/admin/serviceAnnouncement/issues", (HttpContext http) => ListServiceIssues(http, sandbox));
        graph.Map("/{**rest}", (HttpContext http) => GraphErrors.Write(
            http,
            StatusCodes.Status404NotFound,
            "Sandbox_UnknownRoute",
            $"The Graph sandbox does not serve {http.Request.Method} {RelativePath(http.Request.Path, root)}; it answers the Graph v1.0 endpoints the support bot uses."));
        return app;
    }

    /// <summary>Every request: correlation ids as Graph sends them, recorded, then any injected fault.</summary>
    private static async ValueTask<object?> ReceiveAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, GraphSandbox sandbox, string root, TimeSpan latency)
    {
        var http = context.HttpContext;
        var clientRequestId = http.Request.Headers["client-request-id"].ToString();
        var call = new GraphErrors.Call(
            Guid.NewGuid().ToString(),
            string.IsNullOrWhiteSpace(clientRequestId) ? Guid.NewGuid().ToString() : clientRequestId,
            sandbox.Time.GetUtcNow());
        http.Items[typeof(GraphErrors.Call)] = call;
        http.Response.Headers["request-id"] = call.RequestId;
        http.Response.Headers["client-request-id"] = call.ClientRequestId;

        var query = http.Request.QueryString.HasValue ? Uri.UnescapeDataString(http.Request.QueryString.Value![1..]) : string.Empty;
        var fault = sandbox.Receive(http.Request.Method, RelativePath(http.Request.Path, root), query);
        if ((fault?.Delay ?? (latency > TimeSpan.Zero ? latency : (TimeSpan?)null)) is { } delay)
        {
            try
            {
                // Real time, not the sandbox's clock: a test's fake clock would otherwise hold the request forever.
                await Task.Delay(delay, http.RequestAborted);
            }
            catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
            {
                return Results.Empty;
            }
        }

        return fault?.StatusCode is { } status
            ? GraphErrors.ForStatus(http, status, fault.RetryAfter)
            : await next(context);
    }

    private static IResult ListUsers(HttpContext http, GraphSandbox sandbox)
    {
        var users = sandbox.Tenant.Users;
        var filter = http.Request.Query["$filter"].ToString();
        if (filter.Length > 0)
        {
            var match = UserFilter().Match(filter);
            if (!match.Success)
            {
                // Loudly, not by returning everyone: code that sends a filter Graph can't run should fail here too.
                return GraphErrors.BadRequest(http, $"The sandbox supports $filter=mail eq '…' or userPrincipalName eq '…' on users, not: {filter}", "Request_UnsupportedQuery");
            }

            var value = match.Groups["value"].Value.Replace("''", "'", StringComparison.Ordinal);
            users = match.Groups["property"].Value.Equals("mail", StringComparison.OrdinalIgnoreCase)
                ? [.. users.Where(u => string.Equals(u.Mail, value, StringComparison.OrdinalIgnoreCase))]
                : [.. users.Where(u => string.Equals(u.UserPrincipalName, value, StringComparison.OrdinalIgnoreCase))];
        }

        var select = Select(http);
        return Page(http, sandbox, "users", users, u => GraphJson.User(u, select));
    }

    private static IResult GetUser(HttpContext http, GraphSandbox sandbox, string user) =>
        sandbox.Tenant.FindUser(user) is { } found
            ? GraphJson.Ok(GraphJson.Entity("users/$entity", GraphJson.User(found, Select(http))))
            : GraphErrors.NotFound(http, user);

    private static IResult RevokeSignInSessions(HttpContext http, GraphSandbox sandbox, string user) =>
        sandbox.Tenant.RevokeSignInSessions(user, Now(sandbox)) is null
            ? GraphErrors.NotFound(http, user)
            : GraphJson.Ok(new JsonObject { ["@odata.context"] = $"{GraphJson.Metadata}#Edm.Boolean", ["value"] = true });

    private static IResult ListAuthenticationMethods(HttpContext http, GraphSandbox sandbox, string user) =>
        sandbox.Tenant.FindUser(user) is { } found
            ? GraphJson.Ok(GraphJson.Collection($"users('{found.Id}')/authentication/methods", found.AuthenticationMethods.Select(GraphJson.AuthenticationMethod)))
            : GraphErrors.NotFound(http, user);

    private static IResult ListManagedDevices(HttpContext http, GraphSandbox sandbox, string user) =>
        sandbox.Tenant.FindUser(user) is { } found
            ? Page(http, sandbox, $"users('{found.Id}')/managedDevices", sandbox.Tenant.DevicesOf(found.Id), GraphJson.ManagedDevice)
            : GraphErrors.NotFound(http, user);

    private static IResult ListLicenseDetails(HttpContext http, GraphSandbox sandbox, string user)
    {
        if (sandbox.Tenant.FindUser(user) is not { } found)
        {
            return GraphErrors.NotFound(http, user);
        }

        var skus = found.LicenseSkus.Select(sandbox.Tenant.FindSku).OfType<SandboxSku>();
        return GraphJson.Ok(GraphJson.Collection($"users('{found.Id}')/licenseDetails", skus.Select(s => GraphJson.LicenseDetails(found.Id, s))));
    }

    private static async Task<IResult> CheckMemberGroupsAsync(HttpContext http, GraphSandbox sandbox, string user)
    {
        if (sandbox.Tenant.FindUser(user) is not { } found)
        {
            return GraphErrors.NotFound(http, user);
        }

        using var body = await ReadJsonAsync(http);
        if (body is null
            || body.RootElement.ValueKind != JsonValueKind.Object
            || !body.RootElement.TryGetProperty("groupIds", out var ids)
            || ids.ValueKind != JsonValueKind.Array
            || ids.EnumerateArray().Any(id => id.ValueKind != JsonValueKind.String))
        {
            return GraphErrors.BadRequest(http, "The request body must be {\"groupIds\":[\"…\"]}.");
        }

        var groupIds = ids.EnumerateArray().Select(id => id.GetString()!).ToList();
        if (groupIds.Count > MaxCheckedGroups)
        {
            return GraphErrors.BadRequest(http, $"The number of group ids ({groupIds.Count}) exceeds the limit of {MaxCheckedGroups}.");
        }

        if (groupIds.FirstOrDefault(id => !Guid.TryParse(id, out _)) is { } notAnId)
        {
            return GraphErrors.BadRequest(http, $"Invalid object identifier '{notAnId}'.");
        }

        var memberOf = sandbox.Tenant.MemberGroupsOf(found.Id, groupIds);
        return GraphJson.Ok(GraphJson.Collection("Collection(Edm.String)", memberOf.Select(id => (JsonNode?)JsonValue.Create(id))));
    }

    private static async Task<IResult> AddMemberAsync(HttpContext http, GraphSandbox sandbox, string groupId)
    {
        if (sandbox.Tenant.FindGroup(groupId) is null)
        {
            return GraphErrors.NotFound(http, groupId);
        }

        using var body = await ReadJsonAsync(http);
        if (body is null
            || body.RootElement.ValueKind != JsonValueKind.Object
            || !body.RootElement.TryGetProperty("@odata.id", out var reference)
            || reference.ValueKind != JsonValueKind.String
            || !Uri.TryCreate(reference.GetString(), UriKind.Absolute, out var uri))
        {
            return GraphErrors.BadRequest(http, "The request body must be {\"@odata.id\":\"https://graph.microsoft.com/v1.0/directoryObjects/{id}\"}.");
        }

        var userId = Uri.UnescapeDataString(uri.Segments[^1].TrimEnd('/'));
        if (!Guid.TryParse(userId, out _))
        {
            return GraphErrors.BadRequest(http, $"Invalid object identifier '{userId}'.");
        }

        return sandbox.Tenant.AddMember(groupId, userId) switch
        {
            AddMemberOutcome.Added => Results.NoContent(),
            AddMemberOutcome.AlreadyMember => GraphErrors.BadRequest(http, "One or more added object references already exist for the following modified properties: 'members'."),
            AddMemberOutcome.NoSuchGroup => GraphErrors.NotFound(http, groupId),
            _ => GraphErrors.NotFound(http, userId),
        };
    }

    private static IResult GetDomain(HttpContext http, GraphSandbox sandbox, string domain) =>
        sandbox.Tenant.FindDomain(domain) is { } found
            ? GraphJson.Ok(GraphJson.Entity("domains/$entity", GraphJson.Domain(found)))
            : GraphErrors.NotFound(http, domain);

    // Keyed by the user's object id only, as in Graph: a UPN here is a 404.
    private static IResult GetRegistrationDetails(HttpContext http, GraphSandbox sandbox, string userId) =>
        sandbox.Tenant.FindUser(userId) is { } found && string.Equals(found.Id, userId, StringComparison.OrdinalIgnoreCase)
            ? GraphJson.Ok(GraphJson.Entity("reports/authenticationMethods/userRegistrationDetails/$entity", GraphJson.RegistrationDetails(found)))
            : GraphErrors.NotFound(http, userId);

    private static IResult DeviceAction(HttpContext http, SandboxDevice? changed, string id) =>
        changed is null ? GraphErrors.NotFound(http, id) : Results.NoContent();

    private static IResult ListServiceIssues(HttpContext http, GraphSandbox sandbox)
    {
        IReadOnlyList<SandboxServiceIssue> issues = sandbox.Tenant.ServiceIssues;
        var match = IsResolvedFilter().Match(http.Request.Query["$filter"].ToString());
        if (match.Success)
        {
            var resolved = match.Groups["value"].Value.Equals("true", StringComparison.OrdinalIgnoreCase);
            issues = [.. issues.Where(i => i.IsResolved == resolved)];
        }

        return Page(http, sandbox, "admin/serviceAnnouncement/issues", issues, GraphJson.ServiceIssue);
    }

    /// <summary>A page of a collection, with an absolute @odata.nextLink (same host and prefix) while more remain.</summary>
    private static IResult Page<T>(HttpContext http, GraphSandbox sandbox, string context, IReadOnlyList<T> items, Func<T, JsonObject> toJson)
    {
        var size = sandbox.PageSize;
        var topValue = http.Request.Query["$top"].ToString();
        if (topValue.Length > 0)
        {
            if (!int.TryParse(topValue, NumberStyles.None, CultureInfo.InvariantCulture, out var top) || top is < 1 or > 999)
            {
                return GraphErrors.BadRequest(http, $"Invalid page size specified: '{topValue}'. Must be between 1 and 999 inclusive.", "Request_UnsupportedQuery");
            }

            size = Math.Min(size, top);
        }

        var offset = 0;
        var token = http.Request.Query["$skiptoken"].ToString();
        if (token.Length > 0 && !TryReadSkipToken(token, out offset))
        {
            return GraphErrors.BadRequest(http, "The specified page token value has expired and can no longer be included in your request.", "Directory_ExpiredPageToken");
        }

        var page = items.Skip(offset).Take(size).Select(toJson);
        var nextLink = offset + size < items.Count ? NextLink(http.Request, offset + size) : null;
        return GraphJson.Ok(GraphJson.Collection(context, page, nextLink));
    }

    private static string NextLink(HttpRequest request, int offset)
    {
        // Query names keep their '$' as Graph writes them; values are escaped.
        var query = request.Query
            .Where(q => !q.Key.Equals("$skiptoken", StringComparison.OrdinalIgnoreCase))
            .SelectMany(q => q.Value.Select(v => $"{Uri.EscapeDataString(q.Key).Replace("%24", "$", StringComparison.Ordinal)}={Uri.EscapeDataString(v ?? string.Empty)}"))
            .Append($"$skiptoken={SkipToken(offset)}");
        return $"{request.Scheme}://{request.Host.ToUriComponent()}{request.PathBase.ToUriComponent()}{request.Path.ToUriComponent()}?{string.Join('&', query)}";
    }

    // Opaque to clients, as Graph's are; here it only carries where the next page starts.
    private static string SkipToken(int offset) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"sandbox-offset:{offset.ToString(CultureInfo.InvariantCulture)}"));

    private static bool TryReadSkipToken(string token, out int offset)
    {
        offset = 0;
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            return text.StartsWith("sandbox-offset:", StringComparison.Ordinal)
                && int.TryParse(text.AsSpan("sandbox-offset:".Length), NumberStyles.None, CultureInfo.InvariantCulture, out offset);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static IReadOnlyCollection<string>? Select(HttpContext http)
    {
        var select = http.Request.Query["$select"].ToString();
        return select.Length == 0 ? null : select.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    private static async Task<JsonDocument?> ReadJsonAsync(HttpContext http)
    {
        try
        {
            return await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static DateTimeOffset Now(GraphSandbox sandbox) => DemoTenant.Seconds(sandbox.Time.GetUtcNow());

    private static string RelativePath(PathString path, string root)
    {
        var value = path.Value ?? string.Empty;
        return value.StartsWith(root, StringComparison.OrdinalIgnoreCase) ? value[root.Length..] : value;
    }

    [GeneratedRegex(@"^\s*(?<property>mail|userPrincipalName)\s+eq\s+'(?<value>(?:[^']|'')*)'\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UserFilter();

    [GeneratedRegex(@"^\s*isResolved\s+eq\s+(?<value>true|false)\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex IsResolvedFilter();
}
