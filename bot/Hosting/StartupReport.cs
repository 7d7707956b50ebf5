using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace SupportBot.Bot.Hosting;

/// <summary>Says how the bot is running once it listens: the warning for anonymous mode, and the URL to open.</summary>
internal sealed class StartupReport(
    IHostApplicationLifetime lifetime,
    IServer server,
    IOptions<BotCredentialsOptions> credentials,
    IHostEnvironment environment,
    ILogger<StartupReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(Report);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Report()
    {
        if (credentials.Value.IsAnonymous)
        {
            logger.LogWarning(
                "MicrosoftAppId is not set: the bot accepts unauthenticated requests on /api/messages. " +
                "This is for local development only ({Environment} environment); set MicrosoftAppId before exposing it.",
                environment.EnvironmentName);
        }

        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (address is null)
        {
            return;
        }

        var url = address.Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal)
            .Replace("://[::]", "://localhost", StringComparison.Ordinal)
            .Replace("://+", "://localhost", StringComparison.Ordinal)
            .Replace("://*", "://localhost", StringComparison.Ordinal)
            .TrimEnd('/');
        logger.LogInformation("SupportBot is ready: open {Url}/", url);
    }
}
