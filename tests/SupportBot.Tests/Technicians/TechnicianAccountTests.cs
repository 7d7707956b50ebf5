using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using SupportBot.Bot.Technicians;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.Technicians;

/// <summary>Where technician accounts come from: the settings, or a generated one in Development only.</summary>
public sealed partial class TechnicianAccountTests
{
    [Fact]
    public async Task Development_WithNoTechniciansConfigured_WritesAGeneratedPasswordToAFile_ThatSignsIn_AndKeepsItOutOfTheLog()
    {
        var database = Path.Combine(ConsoleHost.NewFolder(), "tickets.db");
        await using var host = BotHost.Start(new Dictionary<string, string?> { ["Tickets:DatabaseFile"] = database });

        var lines = host.Logs.Entries.Where(e => e.Message.StartsWith("Technician console: sign in at", StringComparison.Ordinal)).ToList();

        var line = Assert.Single(lines);
        Assert.Equal(LogLevel.Information, line.Level);
        var match = DevelopmentLine().Match(line.Message);
        Assert.True(match.Success, line.Message);
        Assert.Equal(host.BaseAddress.ToString().TrimEnd('/') + "/technician", match.Groups["url"].Value);
        Assert.Equal(TechnicianConsoleReport.PasswordFile(database), match.Groups["file"].Value);
        Assert.Contains("(Development only; set Tickets:Technicians for real accounts)", line.Message, StringComparison.Ordinal);
        var password = (await File.ReadAllTextAsync(match.Groups["file"].Value)).Trim();
        Assert.DoesNotContain(host.Logs.Entries, e => e.Message.Contains(password, StringComparison.Ordinal));

        using var browser = new ConsoleClient(host);
        using var response = await browser.SignInAsync("tech", password);
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        using var session = await browser.GetAsync("api/technician/session");
        Assert.Equal(HttpStatusCode.OK, session.StatusCode);
    }

    [Fact]
    public async Task Development_WithTechniciansConfigured_HasNoGeneratedAccount()
    {
        await using var host = BotHost.Start(ConsoleHost.Settings(ConsoleHost.NewFolder()));

        Assert.DoesNotContain(host.Logs.Entries, e => e.Message.Contains("one-time password", StringComparison.Ordinal));
        using var browser = new ConsoleClient(host);
        using var response = await browser.SignInAsync("tech", "anything-at-all");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Production_WithNoTechniciansConfigured_HasNoAccount_AndLogsNoPassword()
    {
        await using var host = BotHost.Start(
            new Dictionary<string, string?>
            {
                ["Bot:AllowAnonymousInProduction"] = "true",
                ["Tickets:DatabaseFile"] = Path.Combine(ConsoleHost.NewFolder(), "tickets.db"),
            },
            environment: "Production");

        Assert.DoesNotContain(host.Logs.Entries, e => e.Message.Contains("one-time password", StringComparison.Ordinal));
        Assert.Contains(host.Logs.Entries, e => e.Message.Contains("no technicians are configured", StringComparison.Ordinal));
        using var browser = new ConsoleClient(host);
        using var response = await browser.SignInAsync("tech", "anything-at-all");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public void APasswordInPlainTextInsteadOfAHash_StopsTheStart_NamingTheSetting_WithoutEchoingIt()
    {
        var reason = BotHost.StartExpectingFailure(new Dictionary<string, string?>
        {
            ["Tickets:DatabaseFile"] = Path.Combine(ConsoleHost.NewFolder(), "tickets.db"),
            ["Tickets:Technicians:0:UserName"] = "ada",
            ["Tickets:Technicians:0:PasswordHash"] = "Summer2026!",
        });

        Assert.Contains("Tickets:Technicians:0:PasswordHash must have the form PBKDF2-SHA256$iterations$saltBase64$hashBase64", reason, StringComparison.Ordinal);
        Assert.Contains("hash-password", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("Summer2026!", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoTechniciansWithOneUserName_StopTheStart()
    {
        var hash = TechnicianPasswords.Hash("a-long-enough-password", TechnicianPasswords.MinIterations);

        var reason = BotHost.StartExpectingFailure(new Dictionary<string, string?>
        {
            ["Tickets:DatabaseFile"] = Path.Combine(ConsoleHost.NewFolder(), "tickets.db"),
            ["Tickets:Technicians:0:UserName"] = "ada",
            ["Tickets:Technicians:0:PasswordHash"] = hash,
            ["Tickets:Technicians:1:UserName"] = "ADA",
            ["Tickets:Technicians:1:PasswordHash"] = hash,
        });

        Assert.Contains("Tickets:Technicians:1:UserName 'ADA' is used by another technician too.", reason, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^Technician console: sign in at (?<url>\S+) as 'tech' with the one-time password in (?<file>\S+)  \(")]
    private static partial Regex DevelopmentLine();
}
