using System.Text.RegularExpressions;
using Microsoft.AspNetCore.StaticFiles;

namespace SupportBot.Bot.Channels.DirectLine;

/// <summary>
/// Lets Web Chat embedded in another site (the intranet's pages, see embed.js) load the bot's scripts, read its public
/// web chat settings and talk to the local Direct Line channel from that site's origin. Any origin may: these
/// endpoints trust only the bearer token a request carries, never cookies, so another origin gains nothing it
/// couldn't do from a server. The token endpoint is deliberately not cross-origin: the intranet's backend calls it.
/// </summary>
internal static partial class WebChatCors
{
    /// <summary>The headers Web Chat's Direct Line client sends (any a preflight names are allowed: none is a credential but the token).</summary>
    public const string AllowedHeaders = "Authorization, Content-Type, x-ms-bot-agent, x-requested-with";

    /// <summary>Static files an intranet page loads from the bot: the snippet's script and the Web Chat bundle.</summary>
    private static readonly string[] EmbeddableFiles = ["/embed.js", "/lib/webchat.js"];

    /// <summary>
    /// Answers CORS preflights for the group's endpoints and lets any origin read their answers. Done here, per
    /// endpoint, so the rest of the app keeps the browser's same-origin rule.
    /// </summary>
    public static RouteGroupBuilder WithCrossOriginBearerAccess(this RouteGroupBuilder group)
    {
        // Routing hands a preflight (OPTIONS + Access-Control-Request-Method) to the endpoint it asks about only when
        // that endpoint accepts preflights; the filter below then answers it without running the handler.
        ((IEndpointConventionBuilder)group).Add(endpoint =>
        {
            if (endpoint.Metadata.OfType<IHttpMethodMetadata>().LastOrDefault() is { AcceptCorsPreflight: false } methods)
            {
                endpoint.Metadata.Add(new HttpMethodMetadata(methods.HttpMethods, acceptCorsPreflight: true));
            }
        });

        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            AllowAnyOrigin(http.Response);
            if (HttpMethods.IsOptions(http.Request.Method))
            {
                http.Response.Headers.AccessControlAllowMethods = "GET, POST";
                var requested = http.Request.Headers.AccessControlRequestHeaders.ToString();
                http.Response.Headers.AccessControlAllowHeaders = HeaderList().IsMatch(requested) ? requested : AllowedHeaders;
                http.Response.Headers.AccessControlMaxAge = "600";
                return TypedResults.NoContent();
            }

            return await next(context);
        });
        return group;
    }

    [GeneratedRegex(@"^[A-Za-z0-9-]{1,64}(\s*,\s*[A-Za-z0-9-]{1,64}){0,19}$")]
    private static partial Regex HeaderList();

    public static void AllowAnyOrigin(HttpResponse response) => response.Headers.AccessControlAllowOrigin = "*";

    /// <summary>embed.js and the Web Chat bundle may be loaded by any page (also with <c>crossorigin</c>, or under COEP).</summary>
    public static void AllowEmbedding(StaticFileResponseContext context)
    {
        var path = context.Context.Request.Path;
        if (EmbeddableFiles.Any(f => path.Equals(f, StringComparison.OrdinalIgnoreCase)))
        {
            AllowAnyOrigin(context.Context.Response);
            context.Context.Response.Headers["Cross-Origin-Resource-Policy"] = "cross-origin";

            // Intranet pages pick up a new version of the snippet's script within minutes.
            context.Context.Response.Headers.CacheControl = "public, max-age=300";
        }
    }
}
