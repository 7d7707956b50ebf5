using SupportBot.Skills.Tickets;

namespace SupportBot.Bot.Tickets;

public static class TicketHosting
{
    /// <summary>Handoff to technicians: the ticket system and outbox, and the employee's side of it in the bot.</summary>
    public static IHostApplicationBuilder AddHandoff(this IHostApplicationBuilder builder)
    {
        builder.AddTickets();
        builder.Services.AddSingleton<ITicketNotifier, ProactiveTicketNotifier>();
        builder.Services.AddSingleton<EscalationConversation>();
        builder.Services.AddOptions<TechnicianChannelOptions>().BindConfiguration(TechnicianChannelOptions.SectionName);
        builder.Services.AddSingleton<TechnicianChannel>();
        return builder;
    }
}
