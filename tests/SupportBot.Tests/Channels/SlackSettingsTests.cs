using Microsoft.Extensions.DependencyInjection;
using SupportBot.Skills.SelfHelp;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.Channels;

/// <summary>Slack settings an operator gets wrong stop the bot at start, naming the setting but never echoing a secret.</summary>
public sealed class SlackSettingsTests
{
    [Fact]
    public void ABotTokenThatIsNotOne_RefusesToStart_NamingTheSetting_WithoutEchoingIt()
    {
        const string pasted = "8f14e45fceea167a5a36dedd4bea2543"; // e.g. the signing secret, pasted into the wrong box

        var reason = BotHost.StartExpectingFailure(new Dictionary<string, string?> { ["Slack:BotToken"] = pasted });

        Assert.Contains("Slack:BotToken", reason, StringComparison.Ordinal);
        Assert.Contains("xoxb-", reason, StringComparison.Ordinal);
        Assert.DoesNotContain(pasted, reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("contoso")]
    [InlineData("t0contoso")]
    public void ATeamIdThatIsNotOne_RefusesToStart(string teamId)
    {
        var reason = BotHost.StartExpectingFailure(new Dictionary<string, string?> { ["Slack:TeamId"] = teamId });

        Assert.Contains("Slack:TeamId", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATokenWithoutATeam_StartsWithAWarningAboutOtherWorkspaces()
    {
        await using var host = BotHost.Start(new Dictionary<string, string?> { ["Slack:BotToken"] = "xoxb-1-2-test" });

        Assert.Contains(host.Logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Message.Contains("Slack:TeamId is not set", StringComparison.Ordinal));
    }
}

/// <summary>The directory lookup Slack identity relies on: one account per email, over the real Graph SDK and sandbox.</summary>
public sealed class SlackDirectoryLookupTests : IAsyncLifetime
{
    private BotHost _host = null!;

    private IDirectory Sut => _host.Services.GetRequiredService<IDirectory>();

    public Task InitializeAsync()
    {
        _host = BotHost.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("MeganB@contoso.com")]
    [InlineData("meganb@CONTOSO.COM")]
    public async Task FindUserByEmail_FindsTheOnePerson_WhateverTheCase(string email)
    {
        var user = await Sut.FindUserByEmailAsync(email, CancellationToken.None);

        Assert.Equal("d138f437-d0a0-424f-83ce-8a74755230ad", user?.Id);
        Assert.Equal("Megan Bowen", user?.DisplayName);
    }

    [Theory]
    [InlineData("nobody@contoso.com")]
    [InlineData("o'brien@contoso.com")]
    [InlineData("x' or mail eq 'MeganB@contoso.com")]
    public async Task FindUserByEmail_NoSuchAddress_IsNull_EvenWithQuotesInIt(string email)
    {
        Assert.Null(await Sut.FindUserByEmailAsync(email, CancellationToken.None));
    }
}
