using System.Net;
using System.Text.RegularExpressions;
using SupportBot.Bot.Technicians;
using SupportBot.Tests.Infrastructure;
using SupportBot.Tests.Technicians;

namespace SupportBot.Tests.Admin;

/// <summary>
/// Microsoft Entra ID sign-in to the insight page, against the local OpenID Connect stand-in: the admin app role opens
/// it (and the sign-in comes back to it); the technicians' role alone does not.
/// </summary>
public sealed partial class AdminEntraIdTests : IAsyncLifetime
{
    private static readonly EntraUser Lead = new("0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f", "LeeG@contoso.example", "Lee Gu", "SupportBot.Technician", "SupportBot.Admin");
    private static readonly EntraUser Megan = new("3f6c1a2b-4d5e-4f60-8a7b-9c0d1e2f3a4b", "MeganB@contoso.example", "Megan Bowen", "SupportBot.Technician");

    private EntraIdServer _entra = null!;
    private BotHost _host = null!;

    public async Task InitializeAsync()
    {
        _entra = await EntraIdServer.StartAsync();
        var settings = ConsoleHost.Settings(ConsoleHost.NewFolder());
        foreach (var (key, value) in _entra.Settings())
        {
            settings[key] = value;
        }

        _host = BotHost.Start(settings);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _entra.DisposeAsync();
    }

    [Fact]
    public async Task AnAccountWithTheAdminAppRole_SignsInWithMicrosoft_AndLandsOnTheInsightPage()
    {
        using var browser = new ConsoleClient(_host);
        _entra.NextUser = Lead;

        var (final, body) = await SignInWithMicrosoftAsync(browser, "/admin");

        Assert.Empty(_entra.Complaints);
        Assert.Equal(HttpStatusCode.OK, final.StatusCode);
        Assert.Equal("/admin", final.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("SupportBot insights", body, StringComparison.Ordinal);
        Assert.Contains("Lee Gu", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAccountWithOnlyTheTechniciansRole_GetsTheConsole_ButNotTheInsightPage()
    {
        using var browser = new ConsoleClient(_host);
        _entra.NextUser = Megan;

        var (final, _) = await SignInWithMicrosoftAsync(browser, "/technician/");
        using var admin = await browser.GetAsync("admin");

        Assert.Equal(HttpStatusCode.OK, final.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, admin.StatusCode);
        var session = await browser.GetJsonAsync("api/technician/session");
        Assert.False(session.GetProperty("admin").GetBoolean());
    }

    /// <summary>"Sign in with Microsoft", followed as a browser would: through the stand-in, the landing page and on.</summary>
    private async Task<(HttpResponseMessage Final, string Body)> SignInWithMicrosoftAsync(ConsoleClient browser, string returnUrl)
    {
        var uri = new Uri(_host.BaseAddress, $"technician/login/entra?returnUrl={Uri.EscapeDataString(returnUrl)}");
        for (var hop = 0; hop < 12; hop++)
        {
            var response = await browser.GetAsync(uri.ToString());
            if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
            {
                response.Dispose();
                uri = new Uri(uri, location);
                continue;
            }

            var body = await response.Content.ReadAsStringAsync();
            if (uri.AbsolutePath == EntraIdSignIn.DonePath && MetaRefresh().Match(body) is { Success: true } refresh)
            {
                response.Dispose();
                uri = new Uri(uri, WebUtility.HtmlDecode(refresh.Groups[1].Value));
                continue;
            }

            return (response, body);
        }

        throw new InvalidOperationException("Too many redirects signing in with Microsoft.");
    }

    [GeneratedRegex("<meta http-equiv=\"refresh\" content=\"0; url=([^\"]+)\">")]
    private static partial Regex MetaRefresh();
}
