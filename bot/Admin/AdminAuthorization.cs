using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using SupportBot.Bot.Technicians;

namespace SupportBot.Bot.Admin;

/// <summary>
/// Who may read the insight page: a signed-in technician who is also an admin — a password account with
/// <c>Admin: true</c> in <c>Tickets:Technicians</c> (checked on every request, so removing the flag takes effect at
/// once), the Development account <c>tech</c>, or a Microsoft Entra ID account with the admin app role
/// (<see cref="EntraIdSignInOptions.AdminRole"/>, turned into a <see cref="ClaimTypes.Role"/> claim at sign-in).
/// </summary>
public static class AdminAuthorization
{
    public const string Policy = "Admin";

    /// <summary>The role claim an Entra ID admin's session carries.</summary>
    public const string Role = "SupportBot.Admin";

    public const string Path = "/admin";

    /// <summary>True for an admin (see the class summary).</summary>
    public static bool IsAdmin(ClaimsPrincipal user, TechnicianAccounts accounts)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(accounts);
        if (TechnicianAuthentication.Technician(user) is not { } technician)
        {
            return false;
        }

        return user.FindFirst(TechnicianAuthentication.MethodClaim)?.Value == TechnicianAuthentication.PasswordMethod
            ? accounts.IsAdmin(technician.UserName)
            : user.HasClaim(ClaimTypes.Role, Role);
    }

    internal static void AddAdminPolicy(this IServiceCollection services)
    {
        services.AddSingleton<IAuthorizationHandler, AdminRequirementHandler>();
        services.AddAuthorizationBuilder()
            .AddPolicy(Policy, policy => policy
                .AddAuthenticationSchemes(TechnicianAuthentication.Scheme)
                .RequireAuthenticatedUser()
                .RequireClaim(TechnicianAuthentication.UserNameClaim)
                .AddRequirements(new AdminRequirement()));

        // Only the admin endpoints answer differently (see AdminResultHandler); everything else keeps the default.
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AdminResultHandler>();
    }

    /// <summary>A browser navigating (address bar, link, form) rather than a script or a download tool.</summary>
    internal static bool IsNavigation(HttpRequest request)
    {
        var mode = request.Headers["Sec-Fetch-Mode"].ToString();
        return mode.Length > 0
            ? string.Equals(mode, "navigate", StringComparison.OrdinalIgnoreCase)
            : request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);
    }

    internal sealed class AdminRequirement : IAuthorizationRequirement;

    private sealed class AdminRequirementHandler(TechnicianAccounts accounts) : AuthorizationHandler<AdminRequirement>
    {
        protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, AdminRequirement requirement)
        {
            if (IsAdmin(context.User, accounts))
            {
                context.Succeed(requirement);
            }

            return Task.CompletedTask;
        }
    }
}

/// <summary>Marks the admin endpoints, whose refusals <see cref="AdminResultHandler"/> answers.</summary>
internal sealed class AdminEndpointMetadata;

/// <summary>
/// Refusals on the admin endpoints: a browser that isn't signed in goes to the sign-in page (and comes back here); a
/// script or download tool gets 401; a signed-in technician who isn't an admin gets a 403 page saying so (the
/// cookie's default would send them to the sign-in page, which would bounce them to the console without a word).
/// </summary>
internal sealed class AdminResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Succeeded || context.GetEndpoint()?.Metadata.GetMetadata<AdminEndpointMetadata>() is null)
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        var request = context.Request;
        var navigation = AdminAuthorization.IsNavigation(request);
        if (authorizeResult.Challenged)
        {
            if (navigation)
            {
                var back = $"{request.PathBase}{request.Path}{request.QueryString}";
                context.Response.Headers.CacheControl = "no-store";
                context.Response.Redirect($"{request.PathBase}{TechnicianAuthentication.LoginPath}?returnUrl={Uri.EscapeDataString(back)}");
                return;
            }

            await TechnicianAuthentication.WriteProblemAsync(context, StatusCodes.Status401Unauthorized, "Sign in as an admin first.",
                "The insight page and its export need an admin's sign-in to the technician console.");
            return;
        }

        var technician = TechnicianAuthentication.Technician(context.User);
        if (navigation)
        {
            await AdminPage.WriteForbiddenAsync(context, technician?.DisplayName ?? "this account");
            return;
        }

        await TechnicianAuthentication.WriteProblemAsync(context, StatusCodes.Status403Forbidden, "Admins only.",
            "This account is a technician but not an admin, so it may not read the insight page or its export.");
    }
}
