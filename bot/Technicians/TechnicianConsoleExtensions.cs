using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SupportBot.Skills.Tickets;

namespace SupportBot.Bot.Technicians;

public static class TechnicianConsoleExtensions
{
    /// <summary>
    /// The technician console of the embedded help desk: cookie sign-in for the accounts in <c>Tickets:Technicians</c>
    /// and, when <c>Tickets:EntraId</c> is set, with Microsoft Entra ID (<see cref="EntraIdSignIn"/>); the "Technician"
    /// policy, antiforgery. The tickets themselves (<see cref="ITicketDesk"/>, the bound
    /// <see cref="TicketOptions"/>) come from <c>AddTickets()</c>; the employee's side from the bot's
    /// <see cref="ITicketNotifier"/>.
    /// </summary>
    public static IHostApplicationBuilder AddTechnicianConsole(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;

        // Binding is AddTickets' job (binding twice would list every technician twice); this only checks the accounts.
        services.AddOptions<TicketOptions>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<TicketOptions>, TechnicianAccountsValidator>();

        services.TryAddSingleton(TimeProvider.System);
        services.AddProblemDetails();
        services.AddSingleton<TechnicianAccounts>();
        services.AddSingleton<LoginThrottle>();
        services.AddHostedService<TechnicianConsoleReport>();

        services.AddAntiforgery();
        services.AddAuthentication()
            .AddCookie(TechnicianAuthentication.Scheme, TechnicianAuthentication.ConfigureCookie);
        services.AddEntraIdSignIn();
        services.AddAuthorizationBuilder()
            .AddPolicy(TechnicianAuthentication.Policy, policy => policy
                .AddAuthenticationSchemes(TechnicianAuthentication.Scheme)
                .RequireAuthenticatedUser()
                .RequireClaim(TechnicianAuthentication.UserNameClaim));
        return builder;
    }

    /// <summary><c>/technician</c> (the page and the sign-in) and <c>/api/technician</c> (what the page calls).</summary>
    public static IEndpointRouteBuilder MapTechnicianConsole(this IEndpointRouteBuilder app)
    {
        app.MapSignIn();
        app.MapConsolePages();
        app.MapTechnicianApi();
        return app;
    }
}
