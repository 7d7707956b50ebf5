using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SupportBot.Skills.SelfHelp;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.SelfHelp;

/// <summary>Self-help settings an operator gets wrong stop the bot at start, with a message saying which setting.</summary>
public sealed class SelfHelpStartupTests
{
    [Fact]
    public void GraphModeWithoutCredentials_RefusesToStart_NamingTheGraphSettings()
    {
        var reason = BotHost.StartExpectingFailure(new Dictionary<string, string?> { ["SelfHelp:Mode"] = "Graph" });

        Assert.Contains("SelfHelp:Graph", reason, StringComparison.Ordinal);
        Assert.Contains("credentials", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void GraphModeWithATenantButNoSecret_RefusesToStart()
    {
        var reason = BotHost.StartExpectingFailure(new Dictionary<string, string?>
        {
            ["SelfHelp:Mode"] = "Graph",
            ["SelfHelp:Graph:TenantId"] = "contoso.onmicrosoft.com",
            ["SelfHelp:Graph:ClientId"] = "11111111-2222-3333-4444-555555555555",
        });

        Assert.Contains("SelfHelp:Graph", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ACatalogFilePointingNowhere_RefusesToStart_NamingTheSetting()
    {
        var missing = Path.Combine(Path.GetTempPath(), "supportbot-tests", Guid.NewGuid().ToString("N"), "software.json");

        var reason = BotHost.StartExpectingFailure(new Dictionary<string, string?> { ["SelfHelp:CatalogFile"] = missing });

        Assert.Contains("SelfHelp:CatalogFile", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GraphModeWithAClientSecret_Starts_AgainstTheOrganisationsTenant()
    {
        await using var host = BotHost.Start(new Dictionary<string, string?>
        {
            ["SelfHelp:Mode"] = "Graph",
            ["SelfHelp:Graph:TenantId"] = "contoso.onmicrosoft.com",
            ["SelfHelp:Graph:ClientId"] = "11111111-2222-3333-4444-555555555555",
            ["SelfHelp:Graph:ClientSecret"] = "not-a-real-secret",
        });
        using var client = host.NewClient();

        var health = await client.GetAsync(new Uri("healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.False(host.Services.GetRequiredService<SelfHelpService>().IsDemo);
    }

    [Fact]
    public async Task ByDefault_TheBotStarts_WithTheDemoTenant()
    {
        await using var host = BotHost.Start();

        Assert.True(host.Services.GetRequiredService<SelfHelpService>().IsDemo);
    }
}
