using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SupportBot.Bot.Technicians;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.Technicians;

/// <summary>
/// Signing in to the technician console with Microsoft Entra ID, over real HTTP against a local OpenID Connect
/// stand-in: only holders of the app role get in, as the same kind of technician a password makes.
/// </summary>
public sealed partial class EntraIdSignInTests : IAsyncLifetime
{
    private static readonly EntraUser Megan = new("3f6c1a2b-4d5e-4f60-8a7b-9c0d1e2f3a4b", "MeganB@contoso.example", "Megan Bowen", "Some.Other.Role", "SupportBot.Technician");
    private static readonly EntraUser Adele = new("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "AdeleV@contoso.example", "Adele Vance", "Some.Other.Role");

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
    public async Task ATechnicianWithTheAppRole_SignsIn_AndUsesTheConsoleAndItsApi()
    {
        using var browser = new ConsoleClient(_host);
        _entra.NextUser = Megan;

        var trip = await SignInWithMicrosoftAsync(_host, browser, "/technician/");

        Assert.Empty(_entra.Complaints);
        Assert.Equal(HttpStatusCode.OK, trip.Final.StatusCode);
        Assert.Equal("/technician/", trip.Final.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("<h1 class=\"site-header__title\">Technician console</h1>", trip.Body, StringComparison.Ordinal);
        var cookie = trip.SetCookies.Single(c => c.StartsWith(TechnicianAuthentication.CookieName + "=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        var session = await browser.GetJsonAsync("api/technician/session");
        Assert.Equal(Megan.UserName, session.GetProperty("technician").GetProperty("userName").GetString());
        Assert.Equal("Megan Bowen", session.GetProperty("technician").GetProperty("displayName").GetString());

        // Changes and "me" work as for a password sign-in.
        var token = session.GetProperty("antiforgery").GetProperty("token").GetString();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var number = await ConsoleHost.FileAsync(_host, ConsoleHost.Draft($"{tag} docking station"));
        using (var claim = await browser.PostAsync($"api/technician/tickets/{number}/claim", token: token))
        {
            Assert.Equal(HttpStatusCode.OK, claim.StatusCode);
        }

        var mine = await browser.GetJsonAsync($"api/technician/tickets?q={tag}&assigned=me");
        Assert.Equal(number, mine.EnumerateArray().Single().GetProperty("number").GetString());
        Assert.Equal(Megan.UserName, mine[0].GetProperty("assignedTo").GetProperty("userName").GetString());

        // No front-channel sign-out: a link elsewhere cannot end the session (signing out takes the console's form).
        using (var remoteSignOut = await browser.GetAsync($"technician/signout-oidc?iss={Uri.EscapeDataString(_entra.Authority)}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, remoteSignOut.StatusCode);
        }

        using (var still = await browser.GetAsync("api/technician/session"))
        {
            Assert.Equal(HttpStatusCode.OK, still.StatusCode);
        }

        Assert.Contains(_host.Logs.Entries, e => e.Level == LogLevel.Information && e.Message.Contains($"Technician {Megan.UserName} signed in to the console with Microsoft", StringComparison.Ordinal));
        AssertNoTokensOrSecretsLogged();

        using (var signedOut = await browser.PostFormAsync("technician/logout", new() { ["__RequestVerificationToken"] = token! }))
        {
            Assert.Equal(HttpStatusCode.Found, signedOut.StatusCode);
        }

        using var after = await browser.GetAsync("api/technician/session");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task AnEmployeeWithoutTheAppRole_IsRefused_WithTheReason_AndGetsNoConsole()
    {
        using var browser = new ConsoleClient(_host);
        _entra.NextUser = Adele;

        var trip = await SignInWithMicrosoftAsync(_host, browser, "/technician/index.html");

        Assert.Empty(_entra.Complaints);
        Assert.Single(_entra.IssuedIdTokens);
        Assert.Equal(HttpStatusCode.OK, trip.Final.StatusCode);
        Assert.Equal("/technician/login", trip.Final.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("Your account isn't a SupportBot technician — ask your admin to assign the SupportBot.Technician role.", WebUtility.HtmlDecode(trip.Body), StringComparison.Ordinal);
        Assert.Contains("role=\"alert\"", trip.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(trip.SetCookies, c => c.StartsWith(TechnicianAuthentication.CookieName + "=", StringComparison.Ordinal));

        // Trying again returns to where they were going.
        Assert.Contains("href=\"login/entra?returnUrl=%2Ftechnician%2Findex.html\"", trip.Body, StringComparison.Ordinal);

        using var api = await browser.GetAsync("api/technician/session");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        using var page = await browser.GetAsync("technician/");
        Assert.Equal(HttpStatusCode.Found, page.StatusCode);

        Assert.Contains(_host.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains(Adele.ObjectId, StringComparison.Ordinal) &&
                                                 e.Message.Contains("SupportBot.Technician", StringComparison.Ordinal));
        Assert.DoesNotContain(_host.Logs.Entries, e => e.Level > LogLevel.Trace && e.Message.Contains(Adele.UserName, StringComparison.OrdinalIgnoreCase));
        AssertNoTokensOrSecretsLogged();
    }

    [Theory]
    [InlineData(IdTokenFlaw.Tampered, "SecurityTokenInvalidSignatureException")]
    [InlineData(IdTokenFlaw.Expired, "SecurityTokenExpiredException")]
    public async Task ABadIdToken_IsRefused_EvenForATechnician(IdTokenFlaw flaw, string reason)
    {
        using var browser = new ConsoleClient(_host);
        _entra.NextUser = Megan;
        _entra.Flaw = flaw;

        var trip = await SignInWithMicrosoftAsync(_host, browser, "/technician/");

        Assert.Single(_entra.IssuedIdTokens);
        Assert.Equal(HttpStatusCode.OK, trip.Final.StatusCode);
        Assert.Equal("/technician/login", trip.Final.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("Signing in with Microsoft didn't work.", WebUtility.HtmlDecode(trip.Body), StringComparison.Ordinal);
        Assert.DoesNotContain(trip.SetCookies, c => c.StartsWith(TechnicianAuthentication.CookieName + "=", StringComparison.Ordinal));
        using var api = await browser.GetAsync("api/technician/session");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Contains(_host.Logs.Entries, e => e.Level == LogLevel.Warning &&
                                                 e.Message.Contains("A Microsoft sign-in to the technician console failed", StringComparison.Ordinal) &&
                                                 e.Message.Contains(reason, StringComparison.Ordinal));
        AssertNoTokensOrSecretsLogged();
    }

    [Fact]
    public async Task TheCallback_WithoutTheBrowsersCorrelationCookie_SignsNobodyIn()
    {
        using var victim = new ConsoleClient(_host);
        _entra.NextUser = Megan;
        using var start = await victim.GetAsync("technician/login/entra?returnUrl=%2Ftechnician%2F");
        using var authorize = await victim.GetAsync(start.Headers.Location!.ToString());
        var callback = authorize.Headers.Location!;
        Assert.Equal(EntraIdSignIn.CallbackPath, callback.AbsolutePath);

        // Somebody else's browser replays the callback (a stolen or planted code).
        using var attacker = new ConsoleClient(_host);
        var trip = await FollowAsync(attacker, callback);

        Assert.Equal("/technician/login", trip.Final.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.DoesNotContain(trip.SetCookies, c => c.StartsWith(TechnicianAuthentication.CookieName + "=", StringComparison.Ordinal));
        using var api = await attacker.GetAsync("api/technician/session");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Theory]
    [InlineData("https://evil.example/phish", "/technician/")]
    [InlineData("//evil.example/phish", "/technician/")]
    [InlineData("/api/messages", "/technician/")]
    [InlineData("/technician/login/entra", "/technician/")]
    [InlineData("/technician/index.html", "/technician/index.html")]
    public async Task SignIn_OnlyEverReturnsToAConsolePage(string returnUrl, string expected)
    {
        using var browser = new ConsoleClient(_host);
        _entra.NextUser = Megan;

        var trip = await SignInWithMicrosoftAsync(_host, browser, returnUrl);

        Assert.Equal(expected, trip.Final.RequestMessage!.RequestUri!.PathAndQuery);
        var allowed = new[] { _host.BaseAddress.Authority, new Uri(_entra.Authority).Authority };
        Assert.All(trip.Hops, hop => Assert.Contains(hop.Authority, allowed));
    }

    [Fact]
    public async Task TheSignInPage_OffersMicrosoft_BesideThePasswordAccounts()
    {
        using var browser = new ConsoleClient(_host);

        using var response = await browser.GetAsync("technician/login?returnUrl=%2Ftechnician%2Findex.html");

        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains(">Sign in with Microsoft</a>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"login/entra?returnUrl=%2Ftechnician%2Findex.html\"", html, StringComparison.Ordinal);
        Assert.Contains("for=\"password\">Password</label>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("{{", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"login-setup\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutEntraId_ThereIsNoMicrosoftButton_AndNoMicrosoftSignIn()
    {
        await using var host = BotHost.Start(ConsoleHost.Settings(ConsoleHost.NewFolder()));
        using var browser = new ConsoleClient(host);

        using var page = await browser.GetAsync("technician/login");
        using var start = await browser.GetAsync("technician/login/entra");
        using var callback = await browser.GetAsync("technician/signin-oidc?code=x&state=y");

        var html = await page.Content.ReadAsStringAsync();
        Assert.DoesNotContain("Sign in with Microsoft", html, StringComparison.Ordinal);
        Assert.Contains("for=\"password\">Password</label>", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, start.StatusCode);
        Assert.Equal(HttpStatusCode.Found, callback.StatusCode);
        Assert.Equal("/technician/login", callback.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task WithEntraIdAndNoPasswordAccounts_ThePageOffersOnlyMicrosoft()
    {
        var settings = _entra.Settings();
        settings["Bot:AllowAnonymousInProduction"] = "true";
        settings["Tickets:DatabaseFile"] = Path.Combine(ConsoleHost.NewFolder(), "tickets.db");
        await using var host = BotHost.Start(settings, environment: "Production");
        using var browser = new ConsoleClient(host);
        _entra.NextUser = Megan;

        using var page = await browser.GetAsync("technician/login");
        var trip = await SignInWithMicrosoftAsync(host, browser, "/technician/");

        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains(">Sign in with Microsoft</a>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"password\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"userName\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("{{", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, trip.Final.StatusCode);
        Assert.Equal("Megan Bowen", (await browser.GetJsonAsync("api/technician/session")).GetProperty("technician").GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task WithNeitherEntraIdNorPasswordAccounts_ThePageSaysHowToSetSignInUp()
    {
        await using var host = BotHost.Start(
            new Dictionary<string, string?>
            {
                ["Bot:AllowAnonymousInProduction"] = "true",
                ["Tickets:DatabaseFile"] = Path.Combine(ConsoleHost.NewFolder(), "tickets.db"),
            },
            environment: "Production");
        using var browser = new ConsoleClient(host);

        using var page = await browser.GetAsync("technician/login");

        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("id=\"login-setup\"", html, StringComparison.Ordinal);
        Assert.Contains("Tickets:EntraId:TenantId", html, StringComparison.Ordinal);
        Assert.Contains("Tickets:Technicians", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Sign in with Microsoft", html, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"password\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void TheScheme_IsAuthorizationCodeWithPkce_IntoTheTechnicianCookie_KeepingNoTokens()
    {
        var sut = _host.Services.GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>().Get(EntraIdSignIn.Scheme);

        Assert.Equal(TechnicianAuthentication.Scheme, sut.SignInScheme);
        Assert.Equal("code", sut.ResponseType);
        Assert.True(sut.UsePkce);
        Assert.Equal(["openid", "profile"], sut.Scope.Order());
        Assert.Equal("/technician/signin-oidc", sut.CallbackPath.Value);
        Assert.False(sut.MapInboundClaims);
        Assert.False(sut.SaveTokens);
        Assert.Equal(_entra.Authority, sut.Authority);
        Assert.False(sut.RequireHttpsMetadata);
    }

    [Fact]
    public void TheDefaultAuthority_IsTheTenantsV2Endpoint_OverHttps()
    {
        var sut = new EntraIdSignInOptions { TenantId = EntraIdServer.TenantId, ClientId = EntraIdServer.ClientId, ClientSecret = "s" };

        Assert.Equal($"https://login.microsoftonline.com/{EntraIdServer.TenantId}/v2.0", sut.EffectiveAuthority);
        Assert.Equal("SupportBot.Technician", sut.Role);
    }

    [Fact]
    public void OnlyAClientId_StopsTheStart_NamingTheMissingSettings()
    {
        var reason = BotHost.StartExpectingFailure(new Dictionary<string, string?>
        {
            ["Tickets:DatabaseFile"] = Path.Combine(ConsoleHost.NewFolder(), "tickets.db"),
            ["Tickets:EntraId:ClientId"] = EntraIdServer.ClientId,
        });

        Assert.Contains("missing: Tickets:EntraId:TenantId, Tickets:EntraId:ClientSecret", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Tickets:EntraId:TenantId", "common", "Tickets:EntraId:TenantId must be your directory's tenant id")]
    [InlineData("Tickets:EntraId:ClientId", "supportbot", "Tickets:EntraId:ClientId must be the app registration's application (client) id")]
    [InlineData("Tickets:EntraId:Authority", "http://login.example/tenant/v2.0", "Tickets:EntraId:Authority must be an https URL")]
    public void AWrongSetting_StopsTheStart_NamingIt(string setting, string value, string expected)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Tickets:DatabaseFile"] = Path.Combine(ConsoleHost.NewFolder(), "tickets.db"),
            ["Tickets:EntraId:TenantId"] = EntraIdServer.TenantId,
            ["Tickets:EntraId:ClientId"] = EntraIdServer.ClientId,
            ["Tickets:EntraId:ClientSecret"] = EntraIdServer.ClientSecret,
            [setting] = value,
        };

        var reason = BotHost.StartExpectingFailure(settings);

        Assert.Contains(expected, reason, StringComparison.Ordinal);
        Assert.DoesNotContain(EntraIdServer.ClientSecret, reason, StringComparison.Ordinal);
    }

    /// <summary>Clicks "Sign in with Microsoft" and follows the browser through Microsoft and back to the console.</summary>
    private static async Task<Trip> SignInWithMicrosoftAsync(BotHost host, ConsoleClient browser, string returnUrl)
    {
        var trip = await FollowAsync(browser, new Uri(host.BaseAddress, $"technician/login/entra?returnUrl={Uri.EscapeDataString(returnUrl)}"));

        // The page a successful sign-in lands on moves on by itself (a same-site navigation, for the Strict cookie).
        if (trip.Final.StatusCode == HttpStatusCode.OK && trip.Hops[^1].AbsolutePath == EntraIdSignIn.DonePath)
        {
            var refresh = MetaRefresh().Match(trip.Body);
            Assert.True(refresh.Success, "The sign-in's landing page does not move on:\n" + trip.Body);
            var next = await FollowAsync(browser, new Uri(trip.Hops[^1], WebUtility.HtmlDecode(refresh.Groups[1].Value)));
            return new Trip([.. trip.Hops, .. next.Hops], next.Final, next.Body, [.. trip.SetCookies, .. next.SetCookies]);
        }

        return trip;
    }

    /// <summary>GETs <paramref name="start"/> and every redirect after it, as a browser would, keeping cookies.</summary>
    private static async Task<Trip> FollowAsync(ConsoleClient browser, Uri start)
    {
        var hops = new List<Uri>();
        var cookies = new List<string>();
        var uri = start;
        for (var i = 0; i < 10; i++)
        {
            hops.Add(uri);
            var response = await browser.GetAsync(uri.ToString());
            if (response.Headers.TryGetValues("Set-Cookie", out var set))
            {
                cookies.AddRange(set);
            }

            if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
            {
                response.Dispose();
                uri = new Uri(uri, location);
                continue;
            }

            return new Trip(hops, response, await response.Content.ReadAsStringAsync(), cookies);
        }

        throw new InvalidOperationException("Too many redirects: " + string.Join(" -> ", hops));
    }

    private void AssertNoTokensOrSecretsLogged()
    {
        var signatures = _entra.IssuedIdTokens.Select(t => t.Split('.')[2]).ToList();
        Assert.NotEmpty(signatures);
        Assert.DoesNotContain(_host.Logs.Entries, e =>
            e.Message.Contains(EntraIdServer.ClientSecret, StringComparison.Ordinal) ||
            signatures.Any(s => e.Message.Contains(s, StringComparison.Ordinal)));
    }

    [GeneratedRegex("<meta http-equiv=\"refresh\" content=\"0; url=([^\"]+)\">")]
    private static partial Regex MetaRefresh();

    private sealed record Trip(IReadOnlyList<Uri> Hops, HttpResponseMessage Final, string Body, IReadOnlyList<string> SetCookies);
}
