using Microsoft.AspNetCore.Hosting.Server;
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

        if (ServerAddress.BaseUrl(server) is { } url)
        {
            logger.LogInformation("SupportBot is ready: open {Url}/", url);
        }
    }
}
