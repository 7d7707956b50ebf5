using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using SupportBot.Skills.Tickets;

namespace SupportBot.Bot.Technicians;

/// <summary>
/// <c>/technician/login</c> (a plain HTML form: works without script) and <c>/technician/logout</c>. Failures say only
/// "the user name or password is wrong", whichever it was; repeated failures for a user name are refused for a while.
/// With Microsoft Entra ID configured the page also offers "Sign in with Microsoft" (<c>/technician/login/entra</c>);
/// the user name and password fields show only when there are password accounts.
/// </summary>
internal static partial class SignInEndpoints
{
    private const int MaxFormBytes = 16 * 1024;
    private const string Template = "login.html";

    public static IEndpointRouteBuilder MapSignIn(this IEndpointRouteBuilder app)
    {
        app.MapGet(TechnicianAuthentication.LoginPath, ShowAsync).AllowAnonymous();
        app.MapPost(TechnicianAuthentication.LoginPath, SignInAsync).AllowAnonymous();
        app.MapGet(EntraIdSignIn.StartPath, SignInWithEntraAsync).AllowAnonymous();
        app.MapGet(EntraIdSignIn.DonePath, SignedInWithEntraAsync).AllowAnonymous();
        app.MapPost(TechnicianAuthentication.LogoutPath, SignOutAsync).RequireAuthorization(TechnicianAuthentication.Policy);
        return app;
    }

    private static async Task<IResult> ShowAsync(
        HttpContext http,
        IWebHostEnvironment environment,
        IAntiforgery antiforgery,
        IOptions<EntraIdSignInOptions> entra,
        string? returnUrl,
        string? signedOut,
        string? error)
    {
        await AuthenticateAsync(http);
        if (TechnicianAuthentication.Technician(http.User) is not null)
        {
            return TypedResults.Redirect(SafeReturnUrl(http, returnUrl));
        }

        var page = new LoginPage(SafeReturnUrl(http, returnUrl));
        if (signedOut is not null)
        {
            page = page with { Notice = "You have signed out." };
        }

        // Fixed messages by code: the query string never puts its own text on the page.
        page = error switch
        {
            EntraIdSignIn.NotATechnicianError => page with { Error = EntraIdSignIn.NotATechnicianMessage(entra.Value.Role.Trim()) },
            EntraIdSignIn.FailedError => page with { Error = "Signing in with Microsoft didn't work. Please try again; if it keeps failing, ask your admin." },
            _ => page,
        };

        return await RenderAsync(http, environment, antiforgery, StatusCodes.Status200OK, page);
    }

    private static async Task<IResult> SignInAsync(
        HttpContext http,
        IWebHostEnvironment environment,
        IAntiforgery antiforgery,
        TechnicianAccounts accounts,
        LoginThrottle throttle,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(SignInEndpoints).FullName!);
        await AuthenticateAsync(http);
        var fallback = new LoginPage(SafeReturnUrl(http, null));

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxFormBytes;
        }

        if (!http.Request.HasFormContentType || http.Request.ContentLength > MaxFormBytes)
        {
            return await RenderAsync(http, environment, antiforgery, StatusCodes.Status400BadRequest, fallback with { Error = "Sign in with the form on this page." });
        }

        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is BadHttpRequestException or InvalidDataException)
        {
            return await RenderAsync(http, environment, antiforgery, StatusCodes.Status400BadRequest, fallback with { Error = "Sign in with the form on this page." });
        }

        var userName = form["userName"].ToString().Trim();
        var password = form["password"].ToString();
        var page = new LoginPage(SafeReturnUrl(http, form["returnUrl"].ToString()), UserName: userName);

        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return await RenderAsync(http, environment, antiforgery, StatusCodes.Status400BadRequest, page with { Error = "This sign-in form had expired. Please try again." });
        }

        if (userName.Length == 0 || password.Length == 0)
        {
            return await RenderAsync(http, environment, antiforgery, StatusCodes.Status400BadRequest, page with { Error = "Enter your user name and password." });
        }

        if (throttle.TryBegin(userName) is { } wait)
        {
            logger.LogWarning("Refused a technician sign-in from {RemoteIp}: too many failed attempts for that user name", http.Connection.RemoteIpAddress);
            logger.LogTrace("Sign-in refused for user name {UserName}", userName);
            var minutes = Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes));
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return await RenderAsync(http, environment, antiforgery, StatusCodes.Status429TooManyRequests, page with
            {
                Error = $"Too many failed sign-ins for this user name. Try again in {minutes} minute{(minutes == 1 ? string.Empty : "s")}.",
            });
        }

        Technician? technician;
        try
        {
            technician = accounts.Verify(userName, password);
        }
        catch
        {
            // The attempt is over either way: it must not stay counted as under way.
            throttle.Failed(userName);
            throw;
        }

        if (technician is null)
        {
            var locked = throttle.Failed(userName);

            // User names typed here are sometimes passwords typed in the wrong box: they go to Trace only.
            logger.LogWarning("A technician sign-in failed (wrong user name or password) from {RemoteIp}{Locked}", http.Connection.RemoteIpAddress, locked ? "; the user name is now locked for a while" : string.Empty);
            logger.LogTrace("Sign-in failed for user name {UserName}", userName);
            return await RenderAsync(http, environment, antiforgery, StatusCodes.Status401Unauthorized, page with { Error = "The user name or password is wrong." });
        }

        throttle.Succeeded(userName);
        await http.SignInAsync(
            TechnicianAuthentication.Scheme,
            TechnicianAuthentication.Principal(technician, TechnicianAuthentication.PasswordMethod),
            new AuthenticationProperties { IsPersistent = false, AllowRefresh = true });

        // Technicians' names in the log are the record of who worked which ticket, not the employees' data.
        logger.LogInformation("Technician {Technician} signed in to the console", technician.UserName);
        return TypedResults.Redirect(page.ReturnUrl);
    }

    /// <summary><c>GET /technician/login/entra?returnUrl=…</c>: off to Microsoft, and back to that console page.</summary>
    private static async Task<IResult> SignInWithEntraAsync(HttpContext http, string? returnUrl)
    {
        if (!await EntraIdSignIn.IsEnabledAsync(http))
        {
            return TypedResults.NotFound();
        }

        await AuthenticateAsync(http);
        var target = SafeReturnUrl(http, returnUrl);
        return TechnicianAuthentication.Technician(http.User) is not null
            ? TypedResults.Redirect(target)
            : EntraIdSignIn.Challenge(http, target);
    }

    /// <summary>Where Microsoft sign-in lands: on to the console page, by a navigation that sends the Strict cookie.</summary>
    private static async Task<IResult> SignedInWithEntraAsync(HttpContext http, string? returnUrl) =>
        await EntraIdSignIn.IsEnabledAsync(http)
            ? EntraIdSignIn.Done(http, SafeReturnUrl(http, returnUrl))
            : TypedResults.NotFound();

    private static async Task<IResult> SignOutAsync(HttpContext http, IAntiforgery antiforgery, ILoggerFactory loggers)
    {
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return TechnicianProblems.Antiforgery();
        }

        var technician = TechnicianAuthentication.Technician(http.User);
        await http.SignOutAsync(TechnicianAuthentication.Scheme);
        loggers.CreateLogger(typeof(SignInEndpoints).FullName!).LogInformation("Technician {Technician} signed out", technician?.UserName);
        return TypedResults.Redirect($"{http.Request.PathBase}{TechnicianAuthentication.LoginPath}?signedOut=1");
    }

    /// <summary>
    /// The sign-in pages allow anyone, so nothing has read the technician cookie yet: read it, so a signed-in technician
    /// is recognised and the antiforgery token is checked against the same user it was made for.
    /// </summary>
    private static async Task AuthenticateAsync(HttpContext http)
    {
        var result = await http.AuthenticateAsync(TechnicianAuthentication.Scheme);
        if (result.Succeeded)
        {
            http.User = result.Principal;
        }
        else if (TechnicianAuthentication.Technician(http.User) is not null)
        {
            http.User = new ClaimsPrincipal(new ClaimsIdentity());
        }
    }

    /// <summary>Only back into the console (or the insight page): an open redirect would make the sign-in page a phishing tool.</summary>
    private static string SafeReturnUrl(HttpContext http, string? returnUrl)
    {
        var console = $"{http.Request.PathBase}{TechnicianAuthentication.ConsolePath}";
        if (string.IsNullOrEmpty(returnUrl) || !returnUrl.StartsWith('/') || returnUrl.StartsWith("//", StringComparison.Ordinal) ||
            returnUrl.Contains('\\', StringComparison.Ordinal) || returnUrl.Any(char.IsControl))
        {
            return console;
        }

        var path = returnUrl.Split('?', '#')[0];
        var root = $"{http.Request.PathBase}/technician";
        var inConsole = path.Equals(root, StringComparison.OrdinalIgnoreCase) || path.StartsWith(root + "/", StringComparison.OrdinalIgnoreCase);
        var isSignIn = path.StartsWith($"{http.Request.PathBase}{TechnicianAuthentication.LoginPath}", StringComparison.OrdinalIgnoreCase) ||
                       path.StartsWith($"{http.Request.PathBase}{TechnicianAuthentication.LogoutPath}", StringComparison.OrdinalIgnoreCase);
        // The insight page signs in here too (SupportBot.Bot.Admin), and comes back to itself.
        var admin = $"{http.Request.PathBase}{Admin.AdminAuthorization.Path}";
        var inAdmin = path.Equals(admin, StringComparison.OrdinalIgnoreCase) || path.StartsWith(admin + "/", StringComparison.OrdinalIgnoreCase);
        return (inConsole && !isSignIn && !path.Equals(root, StringComparison.OrdinalIgnoreCase)) || inAdmin ? returnUrl : console;
    }

    private static async Task<IResult> RenderAsync(HttpContext http, IWebHostEnvironment environment, IAntiforgery antiforgery, int status, LoginPage page)
    {
        var file = ConsolePages.Find(environment, Template)
            ?? throw new InvalidOperationException($"The sign-in page template wwwroot/{ConsolePages.Folder}/{Template} is missing.");
        string template;
        using (var reader = new StreamReader(file.CreateReadStream()))
        {
            template = await reader.ReadToEndAsync(http.RequestAborted);
        }

        var tokens = antiforgery.GetAndStoreTokens(http);
        var encoder = HtmlEncoder.Default;
        var message = page.Error ?? page.Notice;

        // Password accounts: Tickets:Technicians, or the Development one-time account.
        var sections = new Dictionary<string, bool>(StringComparer.Ordinal)
        {
            ["password"] = http.RequestServices.GetRequiredService<TechnicianAccounts>().Count > 0,
            ["entra"] = await EntraIdSignIn.IsEnabledAsync(http),
        };
        sections["none"] = !sections["password"] && !sections["entra"];
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["antiforgeryField"] = encoder.Encode(tokens.FormFieldName),
            ["antiforgeryToken"] = encoder.Encode(tokens.RequestToken ?? string.Empty),
            ["returnUrl"] = encoder.Encode(page.ReturnUrl),
            ["entraUrl"] = encoder.Encode($"login/entra?returnUrl={Uri.EscapeDataString(page.ReturnUrl)}"),
            ["userName"] = encoder.Encode(page.UserName ?? string.Empty),
            ["userNameAutofocus"] = string.IsNullOrEmpty(page.UserName) ? "autofocus" : string.Empty,
            ["passwordAutofocus"] = string.IsNullOrEmpty(page.UserName) ? string.Empty : "autofocus",
            ["messageKind"] = page.Error is null ? "notice" : "error",
            ["messageRole"] = page.Error is null ? "status" : "alert",
            ["messageHidden"] = message is null ? "hidden" : string.Empty,
            ["message"] = encoder.Encode(message ?? string.Empty),
        };

        // Sections of the template first ({{#name}}…{{/name}} kept only when on; nested ones in further rounds), then the
        // values in one pass, so a value that happens to contain "{{…}}" is never replaced in turn.
        var html = template;
        for (var round = 0; round < 4 && Section().IsMatch(html); round++)
        {
            html = Section().Replace(html, m => sections.GetValueOrDefault(m.Groups["name"].Value) ? m.Groups["body"].Value : string.Empty);
        }

        html = Placeholder().Replace(html, m => values.TryGetValue(m.Groups[1].Value, out var value) ? value : m.Value);

        ConsolePages.SecurityHeaders(http, "no-store");
        return TypedResults.Content(html, "text/html; charset=utf-8", statusCode: status);
    }

    [GeneratedRegex(@"\{\{(\w+)\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"\{\{#(?<name>\w+)\}\}(?<body>.*?)\{\{/\k<name>\}\}", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex Section();

    private sealed record LoginPage(string ReturnUrl, string? UserName = null, string? Error = null, string? Notice = null);
}
