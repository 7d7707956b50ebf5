using Microsoft.Extensions.FileProviders;

namespace SupportBot.Bot.Technicians;

/// <summary>
/// The console's files (wwwroot/technician). Every path under <c>/technician</c> is an endpoint, so the public static
/// files never serve that folder: the page and its script go to signed-in technicians only (anybody else is sent to
/// the sign-in page), the style sheet to anyone (the sign-in page uses it), the sign-in template to nobody.
/// </summary>
internal static class ConsolePages
{
    public const string Folder = "technician";

    /// <summary>The console's own scripts and styles, plus the employee page's style sheet it builds on; no framing.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

    public static IEndpointRouteBuilder MapConsolePages(this IEndpointRouteBuilder app)
    {
        // "/technician" and "/technician/" are one route; the handler adds the slash so the page's relative links work.
        app.MapGet("/technician", Console).RequireAuthorization(TechnicianAuthentication.Policy);
        app.MapGet("/technician/index.html", Console).RequireAuthorization(TechnicianAuthentication.Policy);
        app.MapGet("/technician/technician.js", (HttpContext http, IWebHostEnvironment environment) =>
                File(http, environment, "technician.js", "text/javascript; charset=utf-8", "no-cache"))
            .RequireAuthorization(TechnicianAuthentication.Policy);
        app.MapGet("/technician/technician.css", (HttpContext http, IWebHostEnvironment environment) =>
            File(http, environment, "technician.css", "text/css; charset=utf-8", "no-cache"));

        // Anything else under /technician: a page for nobody. Signed-in technicians get 404, anybody else the sign-in.
        app.MapGet("/technician/{**path}", () => TypedResults.NotFound()).RequireAuthorization(TechnicianAuthentication.Policy);
        return app;
    }

    private static IResult Console(HttpContext http, IWebHostEnvironment environment)
    {
        if (!http.Request.Path.Value!.EndsWith('/') && !http.Request.Path.Value.EndsWith(".html", StringComparison.Ordinal))
        {
            return TypedResults.Redirect($"{http.Request.PathBase}{TechnicianAuthentication.ConsolePath}{http.Request.QueryString}");
        }

        return File(http, environment, "index.html", "text/html; charset=utf-8", "no-store");
    }

    /// <summary>A file of wwwroot/technician, with the console's security headers.</summary>
    public static IResult File(HttpContext http, IWebHostEnvironment environment, string name, string contentType, string cacheControl)
    {
        var file = Find(environment, name);
        if (file is null)
        {
            return TypedResults.NotFound();
        }

        SecurityHeaders(http, cacheControl);
        return TypedResults.Stream(file.CreateReadStream(), contentType, lastModified: file.LastModified);
    }

    public static IFileInfo? Find(IWebHostEnvironment environment, string name)
    {
        var file = environment.WebRootFileProvider.GetFileInfo($"{Folder}/{name}");
        return file.Exists && !file.IsDirectory ? file : null;
    }

    public static void SecurityHeaders(HttpContext http, string cacheControl)
    {
        var headers = http.Response.Headers;
        headers.CacheControl = cacheControl;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "same-origin";
    }
}
