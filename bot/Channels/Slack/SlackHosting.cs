using Microsoft.Extensions.Options;
using SupportBot.Skills.SelfHelp;

namespace SupportBot.Bot.Channels.Slack;

public static class SlackHosting
{
    /// <summary>
    /// Slack callers' identity: the Slack Web API client, the mapping to directory accounts by verified email, and the
    /// turn middleware that hands it to <c>CallerResolver</c>. Messages themselves travel through Azure Bot Service.
    /// </summary>
    public static IHostApplicationBuilder AddSlackIdentity(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SlackOptions>()
            .BindConfiguration(SlackOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddHttpClient(SlackWebApi.HttpClientName, (sp, http) =>
            {
                var baseUrl = sp.GetRequiredService<IOptions<SlackOptions>>().Value.ApiBaseUrl;
                http.BaseAddress = new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/");
                http.Timeout = Timeout.InfiniteTimeSpan; // SlackIdentity gives each lookup its deadline
            })
            .RedactLoggedHeaders(_ => true);
        services.AddSingleton<SlackWebApi>();

        // The directory is resolved on the first Slack message, not when the adapter is built: in the embedded default
        // it points at this app's own Graph sandbox, whose address is known only once the server listens.
        services.AddSingleton(sp => new SlackIdentity(
            sp.GetRequiredService<SlackWebApi>(),
            new Lazy<IDirectory>(sp.GetRequiredService<IDirectory>),
            sp.GetRequiredService<IOptions<SlackOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<SlackIdentity>>()));
        services.AddSingleton<SlackIdentityMiddleware>();
        services.AddHostedService<SlackStartupReport>();
        return builder;
    }
}

/// <summary>Says once, at start-up, whether Slack users can be mapped to the directory — and how, when they can't.</summary>
internal sealed class SlackStartupReport(IOptions<SlackOptions> options, ILogger<SlackStartupReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var slack = options.Value;
        if (!slack.IsConfigured)
        {
            logger.LogInformation(
                "Slack:BotToken is not set: Slack users chat as guests (answers and tickets, but no actions on their account). " +
                "Set Slack:BotToken to the Slack app's bot token to map them to the directory by verified email.");
        }
        else if (string.IsNullOrWhiteSpace(slack.TeamId))
        {
            logger.LogWarning(
                "Slack:TeamId is not set: members of any Slack workspace the app can see, including Slack Connect guests from other " +
                "organisations, are mapped to the directory by their confirmed email. Set Slack:TeamId to your workspace id.");
        }
        else
        {
            logger.LogInformation("Slack users of workspace {TeamId} are mapped to the directory by confirmed email", slack.TeamId);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
