using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SupportBot.Skills.Knowledge;
using SupportBot.Skills.Knowledge.Generative;
using SupportBot.Skills.SelfHelp.Sandbox;

namespace SupportBot.Skills.SelfHelp;

public static class SelfHelpExtensions
{
    /// <summary>
    /// Self-help actions through Microsoft Graph (or the built-in sandbox with the demo tenant), the software catalog,
    /// confirmations, the audit log, and — with an LLM configured — the actions as guarded kernel functions.
    /// </summary>
    /// <param name="builder">The host.</param>
    /// <param name="sandboxBaseUrl">Where this app serves the Graph sandbox, resolved once the server listens.</param>
    public static IHostApplicationBuilder AddSelfHelp(this IHostApplicationBuilder builder, Func<IServiceProvider, string> sandboxBaseUrl)
    {
        var services = builder.Services;
        services.AddOptions<SelfHelpOptions>()
            .BindConfiguration(SelfHelpOptions.SectionName)
            .PostConfigure<IHostEnvironment>((o, env) =>
            {
                o.CatalogFile = KnowledgeExtensions.Resolve(o.CatalogFile, env.ContentRootPath);
                o.AuditLogFile = Path.GetFullPath(Path.Combine(env.ContentRootPath, o.AuditLogFile));
            })
            .ValidateDataAnnotations()
            .Validate(o => o.Mode != GraphMode.Graph || GraphClients.Problem(o.Graph) is null,
                "SelfHelp:Mode is Graph but SelfHelp:Graph has no usable credentials: set TenantId and ClientId with ClientSecret or CertificatePath, or UseManagedIdentity=true.")
            .Validate(o => File.Exists(o.CatalogFile), "SelfHelp:CatalogFile does not point to a file (the approved-software catalog).")
            .ValidateOnStart();
        services.AddOptions<OrganisationLinks>().BindConfiguration(OrganisationLinks.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.AddGraphSandbox();

        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<SelfHelpOptions>>().Value;
            var client = o.Mode == GraphMode.Graph
                ? GraphClients.ForTenant(o.Graph, o.MaxRetryAfter)
                : GraphClients.ForSandbox(sandboxBaseUrl(sp), o.MaxRetryAfter);
            return new GraphConnector(client, o.GraphTimeout);
        });
        services.TryAddSingleton<IDirectory>(sp => sp.GetRequiredService<GraphConnector>());
        services.TryAddSingleton<IDeviceManager>(sp => sp.GetRequiredService<GraphConnector>());
        services.TryAddSingleton<IServiceHealth>(sp => sp.GetRequiredService<GraphConnector>());
        services.AddSingleton(sp => SoftwareCatalog.Load(sp.GetRequiredService<IOptions<SelfHelpOptions>>().Value.CatalogFile));
        services.TryAddSingleton<IConfirmationStore, InMemoryConfirmationStore>();
        services.TryAddSingleton<IAuditLog>(sp => new FileAuditLog(
            sp.GetRequiredService<IOptions<SelfHelpOptions>>().Value.AuditLogFile,
            sp.GetRequiredService<ILogger<FileAuditLog>>()));
        services.AddSingleton<SelfHelpService>();
        services.AddSingleton<SelfHelpPlugin>();
        services.AddSingleton<SelfHelpGuard>();
        services.AddSingleton(sp =>
        {
            var llm = sp.GetRequiredService<IOptions<GenerativeOptions>>().Value;
            var kernel = llm.IsConfigured
                ? GenerativeExtensions.CreateKernel(llm, sp.GetRequiredService<IHttpClientFactory>().CreateClient(GenerativeExtensions.HttpClientName), sp.GetService<TokenCredential>())
                : null;
            return new SelfHelpPlanner(kernel, sp.GetRequiredService<SelfHelpPlugin>(), sp.GetRequiredService<SelfHelpGuard>(), sp.GetRequiredService<ILogger<SelfHelpPlanner>>());
        });
        return builder;
    }
}
