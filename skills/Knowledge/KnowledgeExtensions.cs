using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SupportBot.Skills.Knowledge.Generative;
using SupportBot.Skills.Knowledge.Vectors;

namespace SupportBot.Skills.Knowledge;

public static class KnowledgeExtensions
{
    /// <summary>
    /// The knowledge base: the organisation's settings file as configuration (so articles' placeholders and the
    /// help desk contacts come from one file the admin edits), the article folder with live reload, the answerer,
    /// and generative answers when an LLM is configured.
    /// </summary>
    public static IHostApplicationBuilder AddKnowledge(this IHostApplicationBuilder builder)
    {
        var organisationFile = Resolve(builder.Configuration[$"{KnowledgeOptions.SectionName}:OrganisationFile"] ?? new KnowledgeOptions().OrganisationFile, builder.Environment.ContentRootPath);

        // Right after appsettings: environment variables and the command line still override it.
        var source = new JsonConfigurationSource { Path = organisationFile, Optional = true, ReloadOnChange = true };
        source.ResolveFileProvider();
        builder.Configuration.Sources.Insert(IndexAfterAppSettings(builder.Configuration), source);

        builder.Services.AddOptions<KnowledgeOptions>()
            .BindConfiguration(KnowledgeOptions.SectionName)
            .PostConfigure<IHostEnvironment>((o, env) =>
            {
                o.ArticlesPath = Resolve(o.ArticlesPath, env.ContentRootPath);
                o.OrganisationFile = Resolve(o.OrganisationFile, env.ContentRootPath);
                if (!string.IsNullOrWhiteSpace(o.VectorCacheFile) && !Path.IsPathRooted(o.VectorCacheFile))
                {
                    o.VectorCacheFile = Path.GetFullPath(Path.Combine(env.ContentRootPath, o.VectorCacheFile));
                }
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => new VectorCache(
            sp.GetRequiredService<IOptions<KnowledgeOptions>>().Value.VectorCacheFile,
            sp.GetRequiredService<ILogger<VectorCache>>()));
        builder.Services.AddSingleton(sp => new KnowledgeBase(
            sp.GetRequiredService<IOptions<KnowledgeOptions>>(),
            sp.GetRequiredService<IConfiguration>(),
            sp.GetRequiredService<ILogger<KnowledgeBase>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IEmbedder>(),
            sp.GetRequiredService<VectorCache>()));
        builder.Services.AddSingleton<IKnowledgeSource>(sp => sp.GetRequiredService<KnowledgeBase>());

        // Load at start-up, so the log says how many articles loaded (and which were skipped) before anyone asks.
        builder.Services.AddHostedService<KnowledgeWarmUp>();
        builder.Services.AddSingleton<KnowledgeAnswerer>();
        builder.Services.TryAddSingleton<IKnowledgeFeedback, InMemoryKnowledgeFeedback>();
        builder.AddGenerativeAnswers();
        return builder;
    }

    /// <summary>Relative paths are looked up next to the content root first, then next to the app's files.</summary>
    public static string Resolve(string path, string contentRoot)
    {
        if (Path.IsPathRooted(path))
        {
            return path;
        }

        var fromContentRoot = Path.GetFullPath(Path.Combine(contentRoot, path));
        return File.Exists(fromContentRoot) || Directory.Exists(fromContentRoot)
            ? fromContentRoot
            : Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, path));
    }

    private static int IndexAfterAppSettings(IConfigurationBuilder configuration)
    {
        var sources = configuration.Sources;
        var last = -1;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is JsonConfigurationSource { Path: { } p } && p.StartsWith("appsettings", StringComparison.OrdinalIgnoreCase))
            {
                last = i;
            }
        }

        return last + 1;
    }

    private sealed class KnowledgeWarmUp(KnowledgeBase knowledge) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.FromResult(knowledge.Current);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
