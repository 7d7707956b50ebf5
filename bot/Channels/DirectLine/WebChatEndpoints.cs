using Microsoft.Extensions.Options;
using SupportBot.Bot.Hosting;
using SupportBot.Skills.HelpDesk;
using SupportBot.Skills.SelfHelp;
using SupportBot.Skills.SelfHelp.Sandbox;

namespace SupportBot.Bot.Channels.DirectLine;

/// <summary>What the web chat page needs from the bot: its settings and a Direct Line token.</summary>
public static class WebChatEndpoints
{
    public static IEndpointRouteBuilder MapWebChatEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/directline/token", IssueTokenAsync).DisableAntiforgery();
        app.MapGet("/api/webchat/config", Config);
        return app;
    }

    /// <summary>The demo tenant's domain and the person the page chats as by default.</summary>
    private const string DemoTenant = "contoso.com";
    private const string DemoDefaultUser = "AdeleV@contoso.com";

    /// <summary>
    /// Same request and answer as Azure's tokens/generate. With <c>DirectLine:Secret</c> set, the secret is
    /// exchanged with Azure here, server-side, for a random user id; otherwise the local channel issues the token
    /// for the requested user id.
    /// </summary>
    private static async Task<IResult> IssueTokenAsync(
        HttpContext http,
        LocalChannel channel,
        DirectLineTokens tokens,
        AzureDirectLineClient azure,
        IOptions<DirectLineOptions> options)
    {
        http.Response.Headers.CacheControl = "no-store";
        var request = await TokenRequest.ReadAsync(http);
        if (request.Error is not null)
        {
            return TypedResults.Problem(request.Error, statusCode: request.Status, title: "The token request was not accepted.");
        }

        if (!string.IsNullOrEmpty(options.Value.Secret))
        {
            try
            {
                // A real deployment: the browser must not choose its user id, or anyone could claim to be someone
                // else and run self-help actions on their account. The id is random; binding a real user needs a
                // signed assertion from the intranet's backend (a later change).
                var userId = "dl_" + DirectLineTokens.NewId(12);
                return TypedResults.Ok(await azure.GenerateTokenAsync(userId, request.UserName, http.RequestAborted));
            }
            catch (DirectLineUnavailableException ex)
            {
                return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status502BadGateway, title: "Web chat can't start right now.");
            }
        }

        if (!channel.IsEnabled)
        {
            return TypedResults.Problem(
                "Web chat is not configured: set DirectLine:Secret (Azure Direct Line), or run without MicrosoftAppId to use the local channel.",
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Web chat is not configured.");
        }

        return TypedResults.Ok(TokenResponse.For(tokens, new DirectLineGrant(DirectLineTokens.NewId(), request.UserId, request.UserName)));
    }

    private static IResult Config(
        HttpContext http,
        LocalChannel channel,
        IOptions<DirectLineOptions> options,
        IOptions<BotOptions> bot,
        HelpDeskProfile helpDesk,
        IOptions<SelfHelpOptions> selfHelp,
        IServiceProvider services)
    {
        string? domain = !string.IsNullOrEmpty(options.Value.Secret)
            ? options.Value.Endpoint
            : channel.IsEnabled ? $"{http.Request.Scheme}://{http.Request.Host}/v3/directline" : null;
        var desk = helpDesk.Options;
        return TypedResults.Ok(new
        {
            botName = bot.Value.Name,
            directLine = new { domain, webSocket = true },
            helpDesk = new
            {
                organisationName = desk.OrganisationName,
                helpDeskName = desk.HelpDeskName,
                phone = desk.Phone,
                email = desk.Email,
                hours = desk.Hours,
                portalUrl = desk.PortalUrl,
            },
            demo = Demo(channel, options.Value, selfHelp.Value, services),
        });
    }

    /// <summary>
    /// The demo people the page may chat as ("chat as"), only when actions run against the Graph sandbox and the
    /// token comes from the local (anonymous, development) channel, which binds the id the page asks for.
    /// </summary>
    private static object? Demo(LocalChannel channel, DirectLineOptions options, SelfHelpOptions selfHelp, IServiceProvider services)
    {
        if (selfHelp.Mode != GraphMode.Sandbox || !channel.IsEnabled || !string.IsNullOrEmpty(options.Secret))
        {
            return null;
        }

        var sandbox = services.GetRequiredService<GraphSandbox>();
        return new
        {
            tenant = DemoTenant,
            defaultUser = DemoDefaultUser,
            users = sandbox.Users.Select(u => new { id = u.UserPrincipalName, name = u.DisplayName, title = u.JobTitle }).ToArray(),
        };
    }
}
