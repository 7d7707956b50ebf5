using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SupportBot.Skills.Knowledge.Generative;
using SupportBot.Skills.Tickets.Embedded;
using SupportBot.Skills.Tickets.Jira;
using SupportBot.Skills.Tickets.ServiceNow;

namespace SupportBot.Skills.Tickets;

public static class TicketExtensions
{
    /// <summary>
    /// Escalation to technicians: the ticket database (the embedded help desk and, in every mode, the escalation
    /// outbox), the ticket system chosen by <c>Tickets:System</c>, the escalation service and the outbox's retry loop.
    /// The bot host registers the <see cref="ITicketNotifier"/>.
    /// </summary>
    public static IHostApplicationBuilder AddTickets(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<TicketOptions>()
            .BindConfiguration(TicketOptions.SectionName)
            .PostConfigure<IHostEnvironment>((o, env) =>
            {
                // Data, not content: always under the content root, never next to the app's files.
                if (!string.IsNullOrWhiteSpace(o.DatabaseFile))
                {
                    o.DatabaseFile = Path.GetFullPath(Path.Combine(env.ContentRootPath, o.DatabaseFile));
                }
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<TicketOptions>, TicketOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton(sp => new TicketDatabase(sp.GetRequiredService<IOptions<TicketOptions>>().Value.DatabaseFile));
        services.AddSingleton<EmbeddedTicketDesk>();
        services.AddSingleton<ITicketDesk>(sp => sp.GetRequiredService<EmbeddedTicketDesk>());
        services.AddSingleton<SqliteEscalationOutbox>();
        // TryAdd: a scaled-out host keeps the outbox somewhere all its instances share (the bot's Redis).
        services.TryAddSingleton<IEscalationOutbox>(sp => sp.GetRequiredService<SqliteEscalationOutbox>());

        // Chosen when first needed, from the bound options, so every configuration source (tests included) counts.
        services.AddHttpClient(ServiceNowTicketSystem.HttpClientName);
        services.AddHttpClient(JiraTicketSystem.HttpClientName);
        services.TryAddSingleton<ITicketSystem>(sp => sp.GetRequiredService<IOptions<TicketOptions>>().Value.System switch
        {
            TicketSystemKind.ServiceNow => ActivatorUtilities.CreateInstance<ServiceNowTicketSystem>(
                sp, sp.GetRequiredService<IHttpClientFactory>().CreateClient(ServiceNowTicketSystem.HttpClientName)),
            TicketSystemKind.Jira => ActivatorUtilities.CreateInstance<JiraTicketSystem>(
                sp, sp.GetRequiredService<IHttpClientFactory>().CreateClient(JiraTicketSystem.HttpClientName)),
            _ => sp.GetRequiredService<EmbeddedTicketDesk>(),
        });

        services.AddSingleton(sp =>
        {
            var llm = sp.GetRequiredService<IOptions<GenerativeOptions>>();
            var kernel = llm.Value.IsConfigured
                ? GenerativeExtensions.CreateKernel(llm.Value, sp.GetRequiredService<IHttpClientFactory>().CreateClient(GenerativeExtensions.HttpClientName), sp.GetService<TokenCredential>())
                : null;
            return new TicketSummaryWriter(kernel, llm, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<TicketSummaryWriter>>());
        });
        services.AddSingleton<EscalationService>();
        services.AddHostedService<OutboxDrainer>();
        return builder;
    }

    /// <summary>The settings the chosen ticket system needs, each missing one named.</summary>
    private sealed class TicketOptionsValidator : IValidateOptions<TicketOptions>
    {
        public ValidateOptionsResult Validate(string? name, TicketOptions options)
        {
            var missing = options.System switch
            {
                TicketSystemKind.ServiceNow => Missing(
                    ("ServiceNow:InstanceUrl", options.ServiceNow.InstanceUrl),
                    ("ServiceNow:UserName", options.ServiceNow.UserName),
                    ("ServiceNow:Password", options.ServiceNow.Password)),
                TicketSystemKind.Jira => Missing(
                    ("Jira:BaseUrl", options.Jira.BaseUrl),
                    ("Jira:Email", options.Jira.Email),
                    ("Jira:ApiToken", options.Jira.ApiToken),
                    ("Jira:ServiceDeskId", options.Jira.ServiceDeskId),
                    ("Jira:RequestTypeId", options.Jira.RequestTypeId)),
                _ => [],
            };
            return missing.Count == 0
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(
                    $"{TicketOptions.SectionName}:System is {options.System} but these settings are missing: {string.Join(", ", missing)}.");
        }

        private static List<string> Missing(params (string Setting, string? Value)[] settings) =>
            settings.Where(s => string.IsNullOrWhiteSpace(s.Value)).Select(s => $"{TicketOptions.SectionName}:{s.Setting}").ToList();
    }
}
