using System.Text;
using SupportBot.Bot.Technicians;
using SupportBot.Skills.Insights;

namespace SupportBot.Bot.Admin;

/// <summary><c>GET /admin</c> (the insight page) and <c>GET /admin/export.csv</c>, for admins only (<see cref="AdminAuthorization"/>).</summary>
internal static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup(AdminAuthorization.Path)
            .RequireAuthorization(AdminAuthorization.Policy)
            .WithMetadata(new AdminEndpointMetadata());
        admin.MapGet(string.Empty, PageAsync);
        admin.MapGet("/export.csv", ExportAsync);
        return app;
    }

    private static async Task<IResult> PageAsync(HttpContext http, InsightsReader reader, TimeProvider time, string? from, string? to)
    {
        var name = TechnicianAuthentication.Technician(http.User)?.DisplayName ?? "admin";
        var nonce = AdminPage.NewNonce();
        AdminPage.SecurityHeaders(http, nonce);
        var today = Today(time);
        var (range, error) = AdminRange.Parse(from, to, today);
        if (range is null)
        {
            return TypedResults.Content(AdminPage.RenderError(error!, AdminRange.Default(today), name, http.Request.PathBase, nonce), "text/html; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);
        }

        var report = await reader.ReadAsync(range.From, range.To, http.RequestAborted);
        var notice = range.To > today ? "The range reaches into the future; days after today are empty." : null;
        return TypedResults.Content(AdminPage.Render(report, name, http.Request.PathBase, notice, nonce), "text/html; charset=utf-8");
    }

    private static async Task<IResult> ExportAsync(HttpContext http, InsightsReader reader, TimeProvider time, ILoggerFactory loggers, string? from, string? to)
    {
        var (range, error) = AdminRange.Parse(from, to, Today(time));
        if (range is null)
        {
            return TypedResults.Problem(title: "Check the dates.", detail: error, statusCode: StatusCodes.Status400BadRequest);
        }

        var report = await reader.ReadAsync(range.From, range.To, http.RequestAborted);
        loggers.CreateLogger(typeof(AdminEndpoints).FullName!).LogInformation(
            "Admin {Admin} exported insights for {From} to {To}", TechnicianAuthentication.Technician(http.User)?.UserName, range.From, range.To);
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.XContentTypeOptions = "nosniff";

        // With a byte-order mark, so a spreadsheet opens the file as UTF-8.
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(AdminCsv.Write(report))).ToArray();
        return TypedResults.File(bytes, "text/csv; charset=utf-8", $"supportbot-insights-{AdminRange.Text(range.From)}-to-{AdminRange.Text(range.To)}.csv");
    }

    private static DateOnly Today(TimeProvider time) => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
}
