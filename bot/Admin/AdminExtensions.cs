using Microsoft.Extensions.DependencyInjection.Extensions;
using SupportBot.Skills.Insights;

namespace SupportBot.Bot.Admin;

public static class AdminExtensions
{
    /// <summary>
    /// Insights for the IT lead: the insights store the conversation feeds (<see cref="InsightsExtensions.AddInsights"/>),
    /// <see cref="TurnInsights"/> for the handler, and the "Admin" policy over the technician sign-in.
    /// Needs <c>AddTechnicianConsole()</c> (the sign-in and the accounts).
    /// </summary>
    public static IHostApplicationBuilder AddAdmin(this IHostApplicationBuilder builder)
    {
        builder.AddInsights();
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<TurnInsights>();
        services.AddProblemDetails();
        services.AddAdminPolicy();
        return builder;
    }

    /// <summary><c>/admin</c>: the insight page and its CSV export.</summary>
    public static IEndpointRouteBuilder MapAdmin(this IEndpointRouteBuilder app) => app.MapAdminEndpoints();
}
