using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Options;
using SupportBot.Skills.SelfHelp;

namespace SupportBot.Bot.Hosting;

/// <summary>Says how the bot is running once it listens: warnings for anonymous mode and the demo tenant, and the URL to open.</summary>
internal sealed class StartupReport(
    IHostApplicationLifetime lifetime,
    IServer server,
    IOptions<BotCredentialsOptions> credentials,
    IOptions<SelfHelpOptions> selfHelp,
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

        if (selfHelp.Value.Mode == GraphMode.Sandbox)
        {
            var level = environment.IsDevelopment() ? LogLevel.Information : LogLevel.Warning;
            logger.Log(level,
                "Self-help actions run against the built-in demo tenant (SelfHelp:Mode=Sandbox), not your organisation's. " +
                "Set SelfHelp:Mode=Graph with SelfHelp:Graph credentials to act on your tenant.");
        }

        if (ServerAddress.BaseUrl(server) is { } url)
        {
            logger.LogInformation("SupportBot is ready: open {Url}/", url);
        }
    }
}
