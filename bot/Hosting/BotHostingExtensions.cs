using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Integration.AspNet.Core;
using Microsoft.Bot.Connector.Authentication;
using Microsoft.Extensions.Options;
using SupportBot.Bot.Channels;
using SupportBot.Bot.Channels.Rendering;
using SupportBot.Bot.Channels.Slack;
using SupportBot.Bot.Conversation;

namespace SupportBot.Bot.Hosting;

public static class BotHostingExtensions
{
    /// <summary>Name of the HttpClient the Bot Framework uses to reach channels (and token endpoints).</summary>
    public const string ConnectorHttpClient = "BotConnector";

    /// <summary>The Bot Framework host: authentication, the CloudAdapter, the bot.</summary>
    public static IHostApplicationBuilder AddBot(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<BotOptions>()
            .BindConfiguration(BotOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<BotCredentialsOptions>()
            .Configure<IConfiguration>((options, configuration) => configuration.Bind(options))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<BotCredentialsOptions>, BotCredentialsValidator>();

        services.AddProblemDetails();
        services.AddTransient<ConnectorRetryHandler>();
        // No per-request logging handlers: a reply is sent on every turn, and failures surface through the retry
        // handler and the turn's own logging.
        services.AddHttpClient(ConnectorHttpClient).AddHttpMessageHandler<ConnectorRetryHandler>().RemoveAllLoggers();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<BotFrameworkAuthentication>(sp => new ConnectorClientReuse(
            new ConfigurationBotFrameworkAuthentication(
                sp.GetRequiredService<IConfiguration>(),
                httpClientFactory: new NamedHttpClientFactory(sp.GetRequiredService<IHttpClientFactory>(), ConnectorHttpClient),
                logger: sp.GetRequiredService<ILogger<BotFrameworkAuthentication>>()),
            sp.GetRequiredService<TimeProvider>()));
        builder.AddSlackIdentity();
        services.AddSingleton<SupportBotAdapter>();
        services.AddSingleton<ReplySender>();
        services.AddSingleton<ConversationReferences>();
        services.AddSingleton<ChannelInputMiddleware>();
        services.AddSingleton<Knowledge.ArticleLinks>();
        services.AddTransient<IBot, SupportBotActivityHandler>();
        services.AddHostedService<StartupReport>();
        return builder;
    }

    public static IEndpointRouteBuilder MapBotEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/messages", MessagesEndpoint.HandleAsync)
            .WithName("BotMessages")
            .DisableAntiforgery();
        return app;
    }

    /// <summary>Hands the Bot Framework one configured client whatever name it asks for.</summary>
    private sealed class NamedHttpClientFactory(IHttpClientFactory inner, string name) : IHttpClientFactory
    {
        public HttpClient CreateClient(string _) => inner.CreateClient(name);
    }
}
