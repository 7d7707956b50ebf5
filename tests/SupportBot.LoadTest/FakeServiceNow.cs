using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace SupportBot.LoadTest;

/// <summary>
/// The ServiceNow Table API as the bot uses it (GET incidents by correlation_id, POST an incident), on 127.0.0.1,
/// that can be switched off (503) for a while. Every POST is kept, so a ticket filed twice shows as a duplicate.
/// </summary>
public sealed class FakeServiceNow : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _incidents = new(StringComparer.Ordinal);
    private int _created;
    private int _refused;

    private FakeServiceNow(WebApplication app) => _app = app;

    public Uri InstanceUrl { get; private set; } = null!;

    public bool Down { get; set; }

    /// <summary>Incidents created per idempotency key (correlation_id); more than 1 is a duplicate.</summary>
    public IReadOnlyDictionary<string, int> Incidents => _incidents;

    public int Refused => Volatile.Read(ref _refused);

    public static async Task<FakeServiceNow> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeServiceNow(app);
        app.MapGet("/api/now/table/incident", (HttpContext http) => fake.FindAsync(http));
        app.MapPost("/api/now/table/incident", (HttpContext http) => fake.CreateAsync(http));
        await app.StartAsync();
        fake.InstanceUrl = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return fake;
    }

    private async Task FindAsync(HttpContext http)
    {
        if (Refuse(http))
        {
            return;
        }

        var query = http.Request.Query["sysparm_query"].ToString();
        var key = query.StartsWith("correlation_id=", StringComparison.Ordinal) ? query["correlation_id=".Length..].Replace("^^", "^", StringComparison.Ordinal) : string.Empty;
        var results = new JsonArray();
        if (_incidents.ContainsKey(key))
        {
            results.Add(Record(key));
        }

        await http.Response.WriteAsJsonAsync(new JsonObject { ["result"] = results });
    }

    private async Task CreateAsync(HttpContext http)
    {
        if (Refuse(http))
        {
            return;
        }

        var body = await JsonNode.ParseAsync(http.Request.Body);
        var key = (string?)body?["correlation_id"] ?? string.Empty;
        _incidents.AddOrUpdate(key, 1, (_, n) => n + 1);
        Interlocked.Increment(ref _created);
        http.Response.StatusCode = StatusCodes.Status201Created;
        await http.Response.WriteAsJsonAsync(new JsonObject { ["result"] = Record(key) });
    }

    private bool Refuse(HttpContext http)
    {
        if (!Down)
        {
            return false;
        }

        Interlocked.Increment(ref _refused);
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        return true;
    }

    private static JsonObject Record(string key) => new()
    {
        ["sys_id"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)))[..32],
        ["number"] = "INC" + (Math.Abs(key.GetHashCode(StringComparison.Ordinal)) % 10_000_000).ToString("D7", CultureInfo.InvariantCulture),
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
