using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SupportBot.Skills.Tickets;

/// <summary>Retries queued escalations every <see cref="TicketOptions.OutboxInterval"/> (and once at start, for any left by a restart).</summary>
public sealed class OutboxDrainer(
    EscalationService escalations,
    IOptions<TicketOptions> options,
    TimeProvider time,
    ILogger<OutboxDrainer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.OutboxInterval, time);
        try
        {
            do
            {
                await DrainOnceAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: whatever is still queued stays in the outbox for the next start.
        }
    }

    private async Task DrainOnceAsync(CancellationToken stoppingToken)
    {
        try
        {
            var filed = await escalations.DrainAsync(stoppingToken);
            if (filed > 0)
            {
                logger.LogInformation("Filed {Count} queued escalation(s)", filed);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A failed round (the database locked, a bug) must stop neither the retries nor the host.
            logger.LogError(ex, "Retrying queued escalations failed; trying again in {Interval}", options.Value.OutboxInterval);
        }
    }
}
