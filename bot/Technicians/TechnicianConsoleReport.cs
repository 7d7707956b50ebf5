using Microsoft.AspNetCore.Hosting.Server;
using SupportBot.Bot.Hosting;

namespace SupportBot.Bot.Technicians;

/// <summary>
/// In Development with no technicians configured, says once how to sign in to the console with the generated
/// account. The password is logged only there: it exists only in this process and dies with it.
/// </summary>
internal sealed class TechnicianConsoleReport(
    IHostApplicationLifetime lifetime,
    IServer server,
    TechnicianAccounts accounts,
    ILogger<TechnicianConsoleReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(Report);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Report()
    {
        if (accounts.DevelopmentPassword is { } password)
        {
            logger.LogInformation(
                "Technician console: sign in at {Url}/technician as '{UserName}' with password {Password}  (Development only; set Tickets:Technicians for real accounts)",
                ServerAddress.BaseUrl(server) ?? string.Empty,
                TechnicianAccounts.DevelopmentUserName,
                password);
        }
        else if (accounts.Count == 0)
        {
            logger.LogInformation("Technician console: no technicians are configured (Tickets:Technicians), so nobody can sign in at /technician");
        }
    }
}
