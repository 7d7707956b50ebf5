using SupportBot.Bot.Hosting;

namespace SupportBot.Bot.Channels.DirectLine;

public static class DirectLineExtensions
{
    /// <summary>Web chat: the token endpoint (Azure or local) and the local Direct Line channel.</summary>
    public static IHostApplicationBuilder AddDirectLine(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<DirectLineOptions>()
            .BindConfiguration(DirectLineOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<LocalChannel>();
        services.AddSingleton<DirectLineTokens>();
        services.AddSingleton<DirectLineConversations>();
        services.AddTransient<LocalChannelKeyHandler>();
        services.AddHttpClient(BotHostingExtensions.ConnectorHttpClient).AddHttpMessageHandler<LocalChannelKeyHandler>();
        services.AddHttpClient<AzureDirectLineClient>(c => c.Timeout = TimeSpan.FromSeconds(15));
        return builder;
    }

    public static IEndpointRouteBuilder MapDirectLine(this IEndpointRouteBuilder app) =>
        app.MapDirectLineEndpoints().MapLocalConnectorEndpoints().MapWebChatEndpoints();
}
