using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using SupportBot.Skills.Tickets;

namespace SupportBot.Bot.Technicians;

/// <summary>The technicians' sign-in: a cookie of its own, and the "Technician" policy every console endpoint requires.</summary>
public static class TechnicianAuthentication
{
    public const string Scheme = "Technician";

    public const string Policy = "Technician";

    public const string CookieName = "SupportBot.Technician";

    /// <summary>Claim with the technician's user name (the console's notion of "me").</summary>
    public const string UserNameClaim = "supportbot:technician";

    /// <summary>How the technician signed in ("password" for <c>Tickets:Technicians</c> accounts, "entra" for Microsoft Entra ID).</summary>
    public const string MethodClaim = "supportbot:signin";

    public const string PasswordMethod = "password";

    /// <summary>Signed in with Microsoft Entra ID and the technicians' app role (<see cref="EntraIdSignIn"/>).</summary>
    public const string EntraMethod = "entra";

    public const string LoginPath = "/technician/login";

    public const string LogoutPath = "/technician/logout";

    public const string ConsolePath = "/technician/";

    public const string ApiPath = "/api/technician";

    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(8);

    public static ClaimsPrincipal Principal(Technician technician, string method)
    {
        ArgumentNullException.ThrowIfNull(technician);
        var identity = new ClaimsIdentity(
            [
                new Claim(UserNameClaim, technician.UserName),
                new Claim(ClaimTypes.NameIdentifier, technician.UserName),
                new Claim(ClaimTypes.Name, technician.DisplayName),
                new Claim(MethodClaim, method),
            ],
            Scheme,
            ClaimTypes.Name,
            ClaimTypes.Role);
        return new ClaimsPrincipal(identity);
    }

    /// <summary>The signed-in technician, or null for anybody else.</summary>
    public static Technician? Technician(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var userName = user.FindFirst(UserNameClaim)?.Value;
        return string.IsNullOrEmpty(userName) ? null : new Technician(userName, user.Identity?.Name ?? userName);
    }

    internal static void ConfigureCookie(CookieAuthenticationOptions options)
    {
        options.Cookie.Name = CookieName;
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Strict;
        options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.Cookie.IsEssential = true;
        options.ExpireTimeSpan = SessionLifetime;
        options.SlidingExpiration = true;
        options.LoginPath = LoginPath;
        options.LogoutPath = LogoutPath;
        options.AccessDeniedPath = LoginPath;
        options.ReturnUrlParameter = "returnUrl";
        options.Events = new CookieAuthenticationEvents
        {
            OnRedirectToLogin = context => IsApi(context.Request)
                ? WriteProblemAsync(context.HttpContext, StatusCodes.Status401Unauthorized, "Sign in as a technician first.", "Your session has ended or you are not signed in to the technician console.")
                : Redirect(context),
            OnRedirectToAccessDenied = context => IsApi(context.Request)
                ? WriteProblemAsync(context.HttpContext, StatusCodes.Status403Forbidden, "Technicians only.", "This account may not use the technician console.")
                : Redirect(context),
            OnValidatePrincipal = ValidateStillAllowedAsync,
        };
    }

    /// <summary>
    /// A password account removed from the settings loses its sessions at their next request. Other sessions (Entra ID:
    /// the app role was checked at sign-in) are left alone.
    /// </summary>
    private static async Task ValidateStillAllowedAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        if (principal is null || principal.FindFirst(MethodClaim)?.Value != PasswordMethod)
        {
            return;
        }

        var accounts = context.HttpContext.RequestServices.GetRequiredService<TechnicianAccounts>();
        if (Technician(principal) is not { } technician || accounts.Find(technician.UserName) is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
        }
    }

    private static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments(ApiPath, StringComparison.OrdinalIgnoreCase);

    private static Task Redirect(RedirectContext<CookieAuthenticationOptions> context)
    {
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>A refusal as ProblemDetails (not cached), for scripts and download tools; the admin pages use it too.</summary>
    internal static async Task WriteProblemAsync(HttpContext http, int status, string title, string detail)
    {
        http.Response.StatusCode = status;
        http.Response.Headers.CacheControl = "no-store";
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }
}
