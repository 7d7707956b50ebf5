using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SupportBot.Bot.Technicians;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.Technicians;

/// <summary>
/// Signing in to the technician console over real HTTP: who gets in, what everybody else sees, and how guessing is
/// slowed down.
/// </summary>
public sealed class SignInTests : IAsyncLifetime
{
    private BotHost _host = null!;

    public Task InitializeAsync()
    {
        _host = BotHost.Start(ConsoleHost.Settings(ConsoleHost.NewFolder()));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("GET", "api/technician/tickets")]
    [InlineData("GET", "api/technician/tickets/SB-1001")]
    [InlineData("GET", "api/technician/session")]
    [InlineData("POST", "api/technician/tickets/SB-1001/claim")]
    [InlineData("POST", "api/technician/tickets/SB-1001/resolve")]
    public async Task Anonymous_ApiCalls_Get401ProblemDetails_NotARedirect(string method, string path)
    {
        using var employee = new ConsoleClient(_host);

        using var response = method == "GET" ? await employee.GetAsync(path) : await employee.PostAsync(path, withToken: false);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Sign in as a technician first.", problem.GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("technician")]
    [InlineData("technician/")]
    [InlineData("technician/index.html")]
    [InlineData("technician/technician.js")]
    [InlineData("technician/login.html")]
    [InlineData("technician/no-such-page")]
    public async Task Anonymous_ConsolePages_RedirectToTheSignInPage_AndShowNothingOfTheConsole(string path)
    {
        using var employee = new ConsoleClient(_host);

        using var response = await employee.GetAsync(path);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("/technician/login", response.Headers.Location!.AbsolutePath);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("queue", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("api/technician", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("technician/login.html")]
    [InlineData("technician/no-such-page")]
    public async Task SignedIn_TheSignInTemplateAndUnknownPaths_Are404(string path)
    {
        using var technician = await ConsoleClient.SignedInAsync(_host, "ada", ConsoleHost.AdaPassword);

        using var response = await technician.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("{{", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignInPage_IsAPlainFormWithAntiforgery_AndIsNeverCachedOrFramed()
    {
        using var browser = new ConsoleClient(_host);

        using var response = await browser.GetAsync("technician/login");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<form class=\"login__card\" method=\"post\" action=\"login\"", html, StringComparison.Ordinal);
        Assert.Contains("<label class=\"field__label\" for=\"user-name\">User name</label>", html, StringComparison.Ordinal);
        Assert.Contains("<label class=\"field__label\" for=\"password\">Password</label>", html, StringComparison.Ordinal);
        Assert.Matches("name=\"__RequestVerificationToken\" value=\"[^\"]{20,}\"", html);
        Assert.DoesNotContain("{{", html, StringComparison.Ordinal);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_WithTheRightPassword_SetsAStrictHttpOnlyCookie_AndOpensTheConsole()
    {
        using var browser = new ConsoleClient(_host);

        using var response = await browser.SignInAsync("ada", ConsoleHost.AdaPassword, returnUrl: "/technician");

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("/technician/", response.Headers.Location!.OriginalString);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(TechnicianAuthentication.CookieName + "=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("expires=", cookie, StringComparison.OrdinalIgnoreCase);

        using var page = await browser.GetAsync("technician/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<h1 class=\"site-header__title\">Technician console</h1>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var script = await browser.GetAsync("technician/technician.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);

        var session = await browser.GetJsonAsync("api/technician/session");
        Assert.Equal("ada", session.GetProperty("technician").GetProperty("userName").GetString());
        Assert.Equal("Ada Lovelace", session.GetProperty("technician").GetProperty("displayName").GetString());
        Assert.False(string.IsNullOrEmpty(session.GetProperty("antiforgery").GetProperty("token").GetString()));
    }

    [Fact]
    public void Cookie_IsStrictHttpOnly_SecureOverHttps_AndSlidesForEightHours()
    {
        var sut = _host.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(TechnicianAuthentication.Scheme);

        Assert.Equal(TimeSpan.FromHours(8), sut.ExpireTimeSpan);
        Assert.True(sut.SlidingExpiration);
        Assert.True(sut.Cookie.HttpOnly);
        Assert.Equal(SameSiteMode.Strict, sut.Cookie.SameSite);
        Assert.Equal(CookieSecurePolicy.SameAsRequest, sut.Cookie.SecurePolicy);
    }

    [Fact]
    public async Task WrongPassword_AndUnknownUser_GetTheSameGenericAnswer_AndNoSession()
    {
        using var browser = new ConsoleClient(_host);

        using var wrongPassword = await browser.SignInAsync("ada", "not-adas-password");
        using var unknownUser = await browser.SignInAsync("mallory", "whatever-she-tries");

        foreach (var response in new[] { wrongPassword, unknownUser })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            var html = await response.Content.ReadAsStringAsync();
            Assert.Matches("role=\"alert\"\\s*>The user name or password is wrong.</p>", html);
            Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) &&
                         cookies.Any(c => c.StartsWith(TechnicianAuthentication.CookieName + "=", StringComparison.Ordinal)));
        }

        using var api = await browser.GetAsync("api/technician/tickets");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.DoesNotContain(_host.Logs.Entries, e => e.Level > LogLevel.Trace &&
            (e.Message.Contains("not-adas-password", StringComparison.Ordinal) || e.Message.Contains("mallory", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task SignIn_WithoutTheAntiforgeryToken_Is400_AndSignsNobodyIn()
    {
        using var browser = new ConsoleClient(_host);

        using var response = await browser.SignInAsync("ada", ConsoleHost.AdaPassword, withToken: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("This sign-in form had expired. Please try again.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var api = await browser.GetAsync("api/technician/tickets");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Fact]
    public async Task FiveFailures_LockTheUserName_EvenForTheRightPassword_WhileOthersStillSignIn()
    {
        using var attacker = new ConsoleClient(_host);
        for (var i = 0; i < LoginThrottle.MaxFailures; i++)
        {
            using var failure = await attacker.SignInAsync("linus", $"guess-{i}");
            Assert.Equal(HttpStatusCode.Unauthorized, failure.StatusCode);
        }

        using var owner = new ConsoleClient(_host);
        using var locked = await owner.SignInAsync("linus", ConsoleHost.LinusPassword);

        Assert.Equal((HttpStatusCode)429, locked.StatusCode);
        Assert.Contains("Too many failed sign-ins for this user name. Try again in 5 minutes.", await locked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.InRange(locked.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));
        using var api = await owner.GetAsync("api/technician/session");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);

        using var someoneElse = await new ConsoleClient(_host).SignInAsync("ada", ConsoleHost.AdaPassword);
        Assert.Equal(HttpStatusCode.Found, someoneElse.StatusCode);
    }

    [Fact]
    public async Task UnknownUserNames_AreLockedOutTheSameWay_SoTheLockoutRevealsNoAccounts()
    {
        using var attacker = new ConsoleClient(_host);
        for (var i = 0; i < LoginThrottle.MaxFailures; i++)
        {
            using var failure = await attacker.SignInAsync("no-such-tech", $"guess-{i}");
            Assert.Equal(HttpStatusCode.Unauthorized, failure.StatusCode);
        }

        using var locked = await attacker.SignInAsync("NO-SUCH-TECH", "guess-again");

        Assert.Equal((HttpStatusCode)429, locked.StatusCode);
    }

    [Fact]
    public async Task SignOut_EndsTheSession()
    {
        using var browser = await ConsoleClient.SignedInAsync(_host, "grace", ConsoleHost.GracePassword);

        using var signedOut = await browser.PostFormAsync("technician/logout", new() { ["__RequestVerificationToken"] = browser.ApiToken! });

        Assert.Equal(HttpStatusCode.Found, signedOut.StatusCode);
        Assert.Equal("/technician/login?signedOut=1", signedOut.Headers.Location!.OriginalString);
        using var api = await browser.GetAsync("api/technician/session");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        using var page = await browser.GetAsync("technician/login?signedOut=1");
        Assert.Contains("You have signed out.", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignOut_WithoutTheAntiforgeryToken_Is400_AndKeepsTheSession()
    {
        using var browser = await ConsoleClient.SignedInAsync(_host, "grace", ConsoleHost.GracePassword);

        using var forged = await browser.PostFormAsync("technician/logout", []);

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        using var api = await browser.GetAsync("api/technician/session");
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
    }

    [Theory]
    [InlineData("https://evil.example/phish")]
    [InlineData("//evil.example/phish")]
    [InlineData("/\\evil.example")]
    [InlineData("/api/messages")]
    [InlineData("/technician/login")]
    public async Task SignIn_NeverRedirectsOutOfTheConsole(string returnUrl)
    {
        using var browser = new ConsoleClient(_host);

        using var response = await browser.SignInAsync("ada", ConsoleHost.AdaPassword, returnUrl);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("/technician/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task SignIn_ReturnsToTheConsolePageItCameFrom()
    {
        using var browser = new ConsoleClient(_host);

        using var response = await browser.SignInAsync("ada", ConsoleHost.AdaPassword, "/technician/index.html");

        Assert.Equal("/technician/index.html", response.Headers.Location!.OriginalString);
    }
}
