using Microsoft.Extensions.Options;
using SupportBot.Bot.Hosting;
using SupportBot.Bot.State;

namespace SupportBot.Bot.Channels.DirectLine;

public static class DirectLineExtensions
{
    /// <summary>
    /// Web chat: the token endpoint (Azure or local, with the intranet's signed sign-in), the local Direct Line
    /// channel, and what an intranet page embedding the chat loads from the bot.
    /// </summary>
    public static IHostApplicationBuilder AddDirectLine(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<DirectLineOptions>()
            .BindConfiguration(DirectLineOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<IntranetSignInOptions>()
            .BindConfiguration(IntranetSignInOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<IntranetSignInOptions>, IntranetSignInOptionsValidator>();
        services.AddSingleton<IntranetAssertionValidator>();

        // Single use across every instance when they share Redis.
        services.AddSingleton<IAssertionReplayGuard>(sp => sp.GetRequiredService<RedisConnection>().Multiplexer is { } redis
            ? ActivatorUtilities.CreateInstance<RedisAssertionReplayGuard>(sp, redis)
            : ActivatorUtilities.CreateInstance<InMemoryAssertionReplayGuard>(sp));
        services.PostConfigure<StaticFileOptions>(o =>
        {
            var previous = o.OnPrepareResponse;
            o.OnPrepareResponse = context =>
            {
                previous(context);
                WebChatCors.AllowEmbedding(context);
            };
        });

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
