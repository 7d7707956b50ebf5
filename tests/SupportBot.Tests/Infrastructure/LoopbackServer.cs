using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace SupportBot.Tests.Infrastructure;

/// <summary>A small web app on a free loopback port: the stand-ins for remote services (channels, models, Azure) run on it.</summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackServer(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>Where it listens, with a trailing slash.</summary>
    public string BaseUrl { get; }

    /// <param name="map">Maps the stand-in's endpoints.</param>
    /// <param name="services">Registers what those endpoints need, before the app is built.</param>
    public static async Task<LoopbackServer> StartAsync(Action<WebApplication> map, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        services?.Invoke(builder.Services);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return new LoopbackServer(app, app.Urls.First().TrimEnd('/') + "/");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
