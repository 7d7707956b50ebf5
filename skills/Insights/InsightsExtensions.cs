using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace SupportBot.Skills.Insights;

public static class InsightsExtensions
{
    /// <summary>
    /// Insights for the IT lead: the recorder the conversation feeds (<see cref="IInsightsRecorder"/>, a bounded queue),
    /// the background writer into the SQLite file <c>Insights:DatabaseFile</c>, the retention job and the
    /// <see cref="InsightsReader"/> the admin page reads.
    /// </summary>
    public static IHostApplicationBuilder AddInsights(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<InsightsOptions>()
            .BindConfiguration(InsightsOptions.SectionName)
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
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton(sp => new InsightsBuffer(sp.GetRequiredService<IOptions<InsightsOptions>>().Value.QueueCapacity));
        services.AddSingleton<IInsightsRecorder>(sp => sp.GetRequiredService<InsightsBuffer>());
        services.AddSingleton(sp => new InsightsStore(sp.GetRequiredService<IOptions<InsightsOptions>>().Value.DatabaseFile));
        services.AddSingleton<InsightsReader>();
        services.AddHostedService<InsightsWriter>();
        services.AddSingleton<InsightsRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<InsightsRetention>());
        return builder;
    }
}
