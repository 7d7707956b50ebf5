using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Options;
using SupportBot.Bot.Hosting;
using SupportBot.Skills.Tickets;

namespace SupportBot.Bot.Technicians;

/// <summary>
/// In Development with no technicians configured, says once how to sign in to the console with the generated
/// account. The password goes to a file next to the ticket database (readable by whoever runs the bot), never into
/// the log; it lives only as long as this process.
/// </summary>
internal sealed class TechnicianConsoleReport(
    IHostApplicationLifetime lifetime,
    IServer server,
    TechnicianAccounts accounts,
    IOptions<TicketOptions> tickets,
    IOptions<EntraIdSignInOptions> entraId,
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
            var file = PasswordFile(tickets.Value.DatabaseFile);
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                File.WriteAllText(file, password + Environment.NewLine);
                logger.LogInformation(
                    "Technician console: sign in at {Url}/technician as '{UserName}' with the one-time password in {PasswordFile}  (Development only; set Tickets:Technicians for real accounts)",
                    ServerAddress.BaseUrl(server) ?? string.Empty,
                    TechnicianAccounts.DevelopmentUserName,
                    file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning(ex, "Technician console: could not write the Development password file {PasswordFile}", file);
            }
        }
        else if (accounts.Count == 0 && !entraId.Value.IsConfigured)
        {
            logger.LogInformation("Technician console: no technicians are configured (Tickets:Technicians or Tickets:EntraId), so nobody can sign in at /technician");
        }
    }

    /// <summary>Where the Development account's password is written: next to the ticket database.</summary>
    public static string PasswordFile(string databaseFile) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(databaseFile))!, "technician-password.txt");
}
