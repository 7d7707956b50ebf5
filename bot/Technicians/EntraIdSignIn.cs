using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using SupportBot.Bot.Admin;
using SupportBot.Skills.Tickets;

namespace SupportBot.Bot.Technicians;

/// <summary>Technicians signing in with Microsoft Entra ID (section <c>Tickets:EntraId</c>).</summary>
public sealed class EntraIdSignInOptions
{
    public const string SectionName = "Tickets:EntraId";

    public const string DefaultInstance = "https://login.microsoftonline.com/";

    public const string DefaultRole = "SupportBot.Technician";

    public const string DefaultAdminRole = "SupportBot.Admin";

    /// <summary>The directory (tenant) id or its domain, e.g. contoso.onmicrosoft.com; one tenant, not "common".</summary>
    public string? TenantId { get; set; }

    /// <summary>The app registration's application (client) id.</summary>
    public string? ClientId { get; set; }

    /// <summary>A secret: user-secrets, environment or Key Vault.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The Entra ID cloud (another one for national clouds).</summary>
    public string Instance { get; set; } = DefaultInstance;

    /// <summary>The app role (its value) a technician must be assigned to.</summary>
    public string Role { get; set; } = DefaultRole;

    /// <summary>The app role (its value) that also lets a technician read the insight page (<c>/admin</c>).</summary>
    public string AdminRole { get; set; } = DefaultAdminRole;

    /// <summary>Overrides <c>{Instance}{TenantId}/v2.0</c>: for a stand-in identity provider in tests.</summary>
    public string? Authority { get; set; }

    /// <summary>Whether Microsoft sign-in is wanted (the validator makes sure it is then complete).</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(TenantId) || !string.IsNullOrWhiteSpace(ClientId);

    /// <summary>The OpenID Connect authority: <see cref="Authority"/>, else the tenant's v2.0 endpoint.</summary>
    public string EffectiveAuthority => string.IsNullOrWhiteSpace(Authority)
        ? $"{Instance.Trim().TrimEnd('/')}/{TenantId?.Trim()}/v2.0"
        : Authority.Trim().TrimEnd('/');

    /// <summary>Only an authority on this machine may be reached over plain HTTP (a test's stand-in).</summary>
    internal static bool IsLoopbackHttp(Uri uri) =>
        uri.Scheme == Uri.UriSchemeHttp &&
        (uri.IsLoopback || string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase));
}

/// <summary>Refuses to start with a half-configured Microsoft sign-in, naming the settings to fix.</summary>
internal sealed class EntraIdSignInOptionsValidator : IValidateOptions<EntraIdSignInOptions>
{
    private static readonly string[] MultiTenant = ["common", "organizations", "consumers"];

    public ValidateOptionsResult Validate(string? name, EntraIdSignInOptions options)
    {
        if (!options.IsConfigured)
        {
            return ValidateOptionsResult.Success;
        }

        const string Section = EntraIdSignInOptions.SectionName;
        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(options.TenantId))
        {
            missing.Add($"{Section}:TenantId");
        }

        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            missing.Add($"{Section}:ClientId");
        }

        if (string.IsNullOrWhiteSpace(options.ClientSecret))
        {
            missing.Add($"{Section}:ClientSecret");
        }

        var problems = new List<string>();
        if (missing.Count > 0)
        {
            problems.Add(
                $"Microsoft sign-in to the technician console needs {Section}:TenantId, {Section}:ClientId and {Section}:ClientSecret " +
                $"(the app registration's tenant, application id and a client secret); missing: {string.Join(", ", missing)}.");
        }

        if (!string.IsNullOrWhiteSpace(options.ClientId) && !Guid.TryParse(options.ClientId, out _))
        {
            problems.Add($"{Section}:ClientId must be the app registration's application (client) id, a GUID.");
        }

        if (MultiTenant.Contains(options.TenantId?.Trim(), StringComparer.OrdinalIgnoreCase))
        {
            problems.Add($"{Section}:TenantId must be your directory's tenant id or domain, not '{options.TenantId!.Trim()}': the console signs in one organisation's technicians.");
        }

        if (string.IsNullOrWhiteSpace(options.Role))
        {
            problems.Add($"{Section}:Role is empty; leave it out for '{EntraIdSignInOptions.DefaultRole}'.");
        }

        if (string.IsNullOrWhiteSpace(options.Authority))
        {
            if (!Uri.TryCreate(options.Instance?.Trim(), UriKind.Absolute, out var instance) || instance.Scheme != Uri.UriSchemeHttps)
            {
                problems.Add($"{Section}:Instance must be an https URL, e.g. {EntraIdSignInOptions.DefaultInstance}");
            }
        }
        else if (!Uri.TryCreate(options.Authority.Trim(), UriKind.Absolute, out var authority) ||
                 (authority.Scheme != Uri.UriSchemeHttps && !EntraIdSignInOptions.IsLoopbackHttp(authority)))
        {
            problems.Add($"{Section}:Authority must be an https URL (plain http only on this machine).");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

/// <summary>
/// The "Sign in with Microsoft" scheme: OpenID Connect (authorization code + PKCE) against the configured tenant,
/// signing into the technician cookie. Only accounts assigned the app role get in; they get the same principal as a
/// password sign-in (method "entra"), so the console, its "me" and the API work unchanged. No tokens are kept.
/// </summary>
public static class EntraIdSignIn
{
    public const string Scheme = "EntraId";

    public const string CallbackPath = "/technician/signin-oidc";

    /// <summary>Where <c>GET</c> starts the sign-in (<c>?returnUrl=</c> a console page).</summary>
    public const string StartPath = "/technician/login/entra";

    /// <summary>
    /// Where a successful sign-in lands before the console: the technician cookie is SameSite=Strict, so a browser
    /// does not send it on a redirect chain that began at Microsoft; this page moves on with a navigation of its own.
    /// </summary>
    public const string DonePath = "/technician/login/entra/done";

    /// <summary>The claim with the app roles (Entra ID's <c>roles</c>).</summary>
    public const string RolesClaim = "roles";

    /// <summary>The login page's <c>?error=</c> for an account without the app role.</summary>
    public const string NotATechnicianError = "entra-role";

    /// <summary>The login page's <c>?error=</c> for any other failed Microsoft sign-in.</summary>
    public const string FailedError = "entra-failed";

    private const string ReturnUrlItem = "supportbot:returnUrl";

    /// <summary>What the login page says to somebody signed in without the app role.</summary>
    public static string NotATechnicianMessage(string role) =>
        $"Your account isn't a SupportBot technician — ask your admin to assign the {role} role.";

    internal static void AddEntraIdSignIn(this IServiceCollection services)
    {
        services.AddOptions<EntraIdSignInOptions>()
            .BindConfiguration(EntraIdSignInOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<EntraIdSignInOptions>, EntraIdSignInOptionsValidator>();

        // What AddOpenIdConnect registers, but with the scheme itself only when Tickets:EntraId is set in the final
        // configuration (an OpenID Connect handler without a client id would fail every request). The settings are
        // read unvalidated here: a half-done configuration is reported by the validator, as the reason start failed.
        services.AddOptions<AuthenticationOptions>().Configure<IConfiguration>((authentication, configuration) =>
        {
            if (configuration.GetSection(EntraIdSignInOptions.SectionName).Get<EntraIdSignInOptions>() is { IsConfigured: true })
            {
                authentication.AddScheme<OpenIdConnectHandler>(Scheme, "Microsoft");
            }
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<OpenIdConnectOptions>, OpenIdConnectPostConfigureOptions>());
        services.TryAddTransient<OpenIdConnectHandler>();
        services.AddOptions<OpenIdConnectOptions>(Scheme)
            .Configure<IOptions<EntraIdSignInOptions>>((options, entra) => Configure(options, entra.Value))
            .Validate(options =>
            {
                options.Validate(Scheme);
                return true;
            });
    }

    /// <summary>Whether "Sign in with Microsoft" is offered (the scheme is registered).</summary>
    internal static async Task<bool> IsEnabledAsync(HttpContext http) =>
        await http.RequestServices.GetRequiredService<IAuthenticationSchemeProvider>().GetSchemeAsync(Scheme) is not null;

    /// <summary>Starts the sign-in at Microsoft; afterwards the browser comes back to <paramref name="returnUrl"/> (a safe one).</summary>
    internal static IResult Challenge(HttpContext http, string returnUrl)
    {
        var properties = new AuthenticationProperties
        {
            RedirectUri = $"{http.Request.PathBase}{DonePath}?returnUrl={Uri.EscapeDataString(returnUrl)}",
            IsPersistent = false,
            AllowRefresh = true,
        };
        properties.Items[ReturnUrlItem] = returnUrl;
        return TypedResults.Challenge(properties, [Scheme]);
    }

    private static void Configure(OpenIdConnectOptions options, EntraIdSignInOptions entra)
    {
        var authority = entra.EffectiveAuthority;
        options.SignInScheme = TechnicianAuthentication.Scheme;
        options.Authority = authority;
        options.RequireHttpsMetadata = !(Uri.TryCreate(authority, UriKind.Absolute, out var uri) && EntraIdSignInOptions.IsLoopbackHttp(uri));
        options.ClientId = entra.ClientId?.Trim();
        options.ClientSecret = entra.ClientSecret;
        options.ResponseType = OpenIdConnectResponseType.Code;
        options.UsePkce = true;

        // The code comes back in the query of a top-level GET, so the correlation and nonce cookies can be SameSite=Lax
        // (None would need https even on a developer's machine). The code is useless without the secret and PKCE verifier.
        options.ResponseMode = OpenIdConnectResponseMode.Query;
        options.Scope.Clear();
        options.Scope.Add(OpenIdConnectScope.OpenId);
        options.Scope.Add("profile");
        options.CallbackPath = CallbackPath;
        options.SignedOutCallbackPath = "/technician/signout-callback-oidc";

        // No front-channel sign-out: any page could end a technician's session with a link. Signing out is the console's
        // form (with its antiforgery token), which ends the console session; the Microsoft session is the browser's.
        options.RemoteSignOutPath = PathString.Empty;
        options.MapInboundClaims = false;
        options.SaveTokens = false;
        options.GetClaimsFromUserInfoEndpoint = false;
        options.DisableTelemetry = true;
        options.TokenValidationParameters.NameClaimType = "name";
        options.TokenValidationParameters.RoleClaimType = RolesClaim;
        foreach (var cookie in new[] { options.CorrelationCookie, options.NonceCookie })
        {
            cookie.SameSite = SameSiteMode.Lax;
            cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        }

        options.Events = new OpenIdConnectEvents
        {
            OnTokenValidated = TokenValidatedAsync,
            OnRemoteFailure = RemoteFailureAsync,
        };
    }

    /// <summary>Lets in app-role holders only, as the same kind of technician a password sign-in makes.</summary>
    private static Task TokenValidatedAsync(TokenValidatedContext context)
    {
        var services = context.HttpContext.RequestServices;
        var entra = services.GetRequiredService<IOptions<EntraIdSignInOptions>>().Value;
        var role = entra.Role.Trim();
        var logger = Logger(services);
        var principal = context.Principal!;
        var objectId = principal.FindFirst("oid")?.Value;

        if (!principal.FindAll(RolesClaim).Any(c => string.Equals(c.Value, role, StringComparison.Ordinal)))
        {
            // Not a technician: the object id says who to the admin; the user name (an employee's) goes to Trace only.
            logger.LogWarning("Refused a Microsoft sign-in to the technician console: account {ObjectId} does not have the app role {Role}", objectId, role);
            logger.LogTrace("Refused Microsoft sign-in for {UserName}", principal.FindFirst("preferred_username")?.Value);
            RedirectToLogin(context.HttpContext, NotATechnicianError, context.Properties);
            context.HandleResponse();
            return Task.CompletedTask;
        }

        var userName = FirstOf(principal.FindFirst("preferred_username")?.Value, objectId);
        if (userName is null)
        {
            context.Fail(new SecurityTokenValidationException("The id_token names no user (no preferred_username or oid)."));
            return Task.CompletedTask;
        }

        var displayName = FirstOf(principal.FindFirst("name")?.Value, userName)!;
        context.Principal = TechnicianAuthentication.Principal(new Technician(userName, displayName), TechnicianAuthentication.EntraMethod);
        if (principal.FindAll(RolesClaim).Any(c => string.Equals(c.Value, entra.AdminRole.Trim(), StringComparison.Ordinal)))
        {
            ((ClaimsIdentity)context.Principal.Identity!).AddClaim(new Claim(ClaimTypes.Role, AdminAuthorization.Role));
        }

        logger.LogInformation("Technician {Technician} signed in to the console with Microsoft", userName);
        return Task.CompletedTask;
    }

    /// <summary>Any other failed sign-in ends on the login page with a message too, never an error page.</summary>
    private static Task RemoteFailureAsync(RemoteFailureContext context)
    {
        var http = context.HttpContext;

        // The type, and IdentityModel's messages, which hide tokens and personal data unless told otherwise.
        Logger(http.RequestServices).LogWarning(
            "A Microsoft sign-in to the technician console failed from {RemoteIp}: {Failure}: {Reason}",
            http.Connection.RemoteIpAddress,
            context.Failure?.GetType().Name,
            Shorten(context.Failure?.Message));
        RedirectToLogin(http, FailedError, context.Properties);
        context.HandleResponse();
        return Task.CompletedTask;
    }

    /// <summary>To the login page with one of its fixed messages, and where the technician was going.</summary>
    private static void RedirectToLogin(HttpContext http, string error, AuthenticationProperties? properties)
    {
        var target = $"{http.Request.PathBase}{TechnicianAuthentication.LoginPath}?error={error}";
        if (properties?.Items.TryGetValue(ReturnUrlItem, out var returnUrl) == true && !string.IsNullOrEmpty(returnUrl))
        {
            target += "&returnUrl=" + Uri.EscapeDataString(returnUrl);
        }

        http.Response.Headers.CacheControl = "no-store";
        http.Response.Redirect(target);
    }

    private static string? FirstOf(params string?[] values) =>
        values.Select(v => v?.Trim()).FirstOrDefault(v => !string.IsNullOrEmpty(v));

    private static string? Shorten(string? text) => text is { Length: > 300 } ? text[..300] + "…" : text;

    private static ILogger Logger(IServiceProvider services) =>
        services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(EntraIdSignIn).FullName!);

    /// <summary>The page a successful sign-in lands on: it moves on to the console with a same-site navigation.</summary>
    internal static IResult Done(HttpContext http, string returnUrl)
    {
        var url = WebUtility.HtmlEncode(returnUrl);
        var html = $"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="robots" content="noindex">
              <meta http-equiv="refresh" content="0; url={url}">
              <title>Signing in: technician console</title>
            </head>
            <body>
              <p><a href="{url}">Continue to the technician console</a></p>
            </body>
            </html>
            """;
        ConsolePages.SecurityHeaders(http, "no-store");
        return TypedResults.Content(html, "text/html; charset=utf-8");
    }
}
