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
    /// True when a browser must not pick whom it chats as: a real deployment (Azure Direct Line) or one where the
    /// intranet signs its users in. Only the no-configuration demo binds the id a request asks for.
    /// </summary>
    internal static bool BrowsersMustNotChooseTheirUser(DirectLineOptions directLine, IntranetSignInOptions intranet) =>
        !string.IsNullOrEmpty(directLine.Secret) || intranet.IsEnabled;

    /// <summary>A fresh guest: an id nobody else has and the directory doesn't know, so answers work and actions don't.</summary>
    internal static string NewGuestId() => "dl_" + DirectLineTokens.NewId(12);

    /// <summary>
    /// Same request and answer as Azure's tokens/generate. Three callers:
    /// <list type="bullet">
    /// <item>the intranet's backend, with its signed assertion as <c>Authorization: Bearer</c>: the token is bound to
    /// <c>intranet:&lt;sub&gt;</c>, and self-help acts as the assertion's UPN;</item>
    /// <item>a browser on a configured bot (Azure Direct Line or intranet sign-in): a random guest id, whatever the
    /// body asks (or 401 when <c>WebChat:Intranet:AllowGuests</c> is false);</item>
    /// <item>the demo page of an unconfigured bot: the id in the body ("chat as").</item>
    /// </list>
    /// With <c>DirectLine:Secret</c> set, the token comes from Azure, exchanged here server-side.
    /// </summary>
    private static async Task<IResult> IssueTokenAsync(
        HttpContext http,
        LocalChannel channel,
        DirectLineTokens tokens,
        AzureDirectLineClient azure,
        IntranetAssertionValidator assertions,
        IOptions<DirectLineOptions> options,
        IOptions<IntranetSignInOptions> intranet,
        ILoggerFactory loggerFactory)
    {
        http.Response.Headers.CacheControl = "no-store";
        var logger = loggerFactory.CreateLogger(typeof(WebChatEndpoints));

        if (DirectLineEndpoints.BearerOf(http) is { Length: > 0 } assertion)
        {
            if (!intranet.Value.IsEnabled)
            {
                logger.LogWarning("Refused a web chat token request with a sign-in assertion: intranet sign-in is not configured (WebChat:Intranet:SigningKey)");
                return Unauthorized(http, "This bot does not accept intranet sign-in assertions: WebChat:Intranet:SigningKey is not set.");
            }

            var check = await assertions.ValidateAsync(assertion, http.RequestAborted);
            if (check.Unavailable)
            {
                logger.LogWarning("Could not check an intranet sign-in assertion: {Reason}", check.Problem);
                http.Response.Headers.RetryAfter = "5";
                return TypedResults.Problem(check.Problem, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Web chat can't start right now.");
            }

            if (check.User is not { } user)
            {
                logger.LogWarning("Refused an intranet sign-in assertion: {Reason}", check.Problem);
                return Unauthorized(http, "The intranet's sign-in assertion was refused: " + check.Problem);
            }

            logger.LogTrace("Intranet sign-in assertion accepted for {UserId}", user.UserId);
            return await IssueAsync(http, channel, tokens, azure, options.Value, user.UserId, user.Name, user.DirectoryKey);
        }

        var request = await TokenRequest.ReadAsync(http);
        if (request.Error is not null)
        {
            return TypedResults.Problem(request.Error, statusCode: request.Status, title: "The token request was not accepted.");
        }

        if (intranet.Value is { IsEnabled: true, AllowGuests: false })
        {
            return Unauthorized(http, "Only people signed in to the intranet can chat: open the chat from an intranet page.");
        }

        // The body's id is a wish, honoured only by the unconfigured demo: otherwise anyone could claim to be someone
        // else and run self-help actions on their account.
        return BrowsersMustNotChooseTheirUser(options.Value, intranet.Value)
            ? await IssueAsync(http, channel, tokens, azure, options.Value, NewGuestId(), request.UserName, DirectLineGrant.NoDirectoryUser)
            : await IssueAsync(http, channel, tokens, azure, options.Value, request.UserId, request.UserName, directoryKey: null);
    }

    private static async Task<IResult> IssueAsync(
        HttpContext http,
        LocalChannel channel,
        DirectLineTokens tokens,
        AzureDirectLineClient azure,
        DirectLineOptions options,
        string userId,
        string? userName,
        string? directoryKey)
    {
        if (!string.IsNullOrEmpty(options.Secret))
        {
            try
            {
                // Azure Direct Line binds the token to the user id; its user ids carry the dl_ prefix.
                var azureUserId = userId.StartsWith("dl_", StringComparison.Ordinal) ? userId : "dl_" + userId;
                return TypedResults.Ok(await azure.GenerateTokenAsync(azureUserId, userName, http.RequestAborted));
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

        return TypedResults.Ok(TokenResponse.For(tokens, new DirectLineGrant(DirectLineTokens.NewId(), userId, userName, directoryKey)));
    }

    private static IResult Unauthorized(HttpContext http, string detail)
    {
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Not signed in to web chat.");
    }

    private static IResult Config(
        HttpContext http,
        LocalChannel channel,
        IOptions<DirectLineOptions> options,
        IOptions<IntranetSignInOptions> intranet,
        IOptions<BotOptions> bot,
        HelpDeskProfile helpDesk,
        IOptions<SelfHelpOptions> selfHelp,
        IServiceProvider services)
    {
        string? domain = !string.IsNullOrEmpty(options.Value.Secret)
            ? options.Value.Endpoint
            : channel.IsEnabled ? $"{http.Request.Scheme}://{http.Request.Host}/v3/directline" : null;
        var desk = helpDesk.Options;

        // Public settings, read by embed.js from the intranet's pages.
        WebChatCors.AllowAnyOrigin(http.Response);
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
            demo = Demo(channel, options.Value, intranet.Value, selfHelp.Value, services),
        });
    }

    /// <summary>
    /// The demo people the page may chat as ("chat as"), only when actions run against the Graph sandbox and the
    /// token comes from the local (anonymous, development) channel, which binds the id the page asks for only when
    /// neither Azure Direct Line nor the intranet sign-in is configured.
    /// </summary>
    private static object? Demo(LocalChannel channel, DirectLineOptions options, IntranetSignInOptions intranet, SelfHelpOptions selfHelp, IServiceProvider services)
    {
        if (selfHelp.Mode != GraphMode.Sandbox || !channel.IsEnabled || BrowsersMustNotChooseTheirUser(options, intranet))
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
