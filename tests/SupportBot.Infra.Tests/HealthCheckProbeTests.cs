using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace SupportBot.Infra.Tests;

/// <summary>
/// The image's HEALTHCHECK command (infra/healthcheck), run as Docker runs it — <c>dotnet SupportBot.HealthCheck.dll
/// URL</c> — against a real HTTP server on the loopback interface.
/// </summary>
public sealed class HealthCheckProbeTests : IAsyncLifetime
{
    private WebApplication _server = null!;
    private string _baseUrl = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _server = builder.Build();
        _server.MapGet("/healthz", () => Results.Text("{\"status\":\"Healthy\"}", "application/json"));
        _server.MapGet("/healthz/ready", () => Results.StatusCode(StatusCodes.Status503ServiceUnavailable));
        _server.MapGet("/slow", async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(10));
            return Results.Ok();
        });
        await _server.StartAsync();
        _baseUrl = _server.Urls.Single();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Healthy_WhenTheEndpointAnswers200()
    {
        var (exitCode, stderr) = await ProbeAsync($"{_baseUrl}/healthz");

        Assert.True(exitCode == 0, stderr);
    }

    [Fact]
    public async Task Unhealthy_WhenTheEndpointAnswers503_AndSaysSo()
    {
        var (exitCode, stderr) = await ProbeAsync($"{_baseUrl}/healthz/ready");

        Assert.Equal(1, exitCode);
        Assert.Contains("answered 503", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unhealthy_WhenNothingListens()
    {
        var port = new Uri(_baseUrl).Port;
        await _server.StopAsync();

        var (exitCode, stderr) = await ProbeAsync($"http://127.0.0.1:{port}/healthz");

        Assert.Equal(1, exitCode);
        Assert.Contains("could not be reached", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unhealthy_WithinItsTimeout_WhenTheEndpointHangs()
    {
        var clock = Stopwatch.StartNew();

        var (exitCode, stderr) = await ProbeAsync($"{_baseUrl}/slow");

        Assert.Equal(1, exitCode);
        Assert.Contains("did not answer within 3 s", stderr, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"took {clock.Elapsed}");
    }

    private static async Task<(int ExitCode, string StandardError)> ProbeAsync(string url)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SupportBot.HealthCheck.dll"));
        start.ArgumentList.Add(url);

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, await stderr);
    }
}
