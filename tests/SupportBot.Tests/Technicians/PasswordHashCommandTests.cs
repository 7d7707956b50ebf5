using SupportBot.Bot.Technicians;

namespace SupportBot.Tests.Technicians;

/// <summary><c>dotnet run --project bot -- hash-password</c> with the password piped in.</summary>
public sealed class PasswordHashCommandTests
{
    [Fact]
    public void HashPassword_PrintsAHashOfThePipedPassword_ThatSignsIn()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = PasswordHashCommand.Run(new StringReader("a-long-technician-password\n"), output, error, interactive: false);

        Assert.Equal(0, exitCode);
        var hash = output.ToString().Trim();
        Assert.True(TechnicianPasswords.Verify("a-long-technician-password", TechnicianPasswords.Parse(hash)));
        Assert.StartsWith("PBKDF2-SHA256$600000$", hash, StringComparison.Ordinal);
        Assert.DoesNotContain("a-long-technician-password", output.ToString() + error.ToString(), StringComparison.Ordinal);
        Assert.Contains("Tickets:Technicians:N:PasswordHash", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void HashPassword_WithNothingPiped_FailsAndPrintsNoHash()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = PasswordHashCommand.Run(new StringReader(string.Empty), output, error, interactive: false);

        Assert.Equal(1, exitCode);
        Assert.Empty(output.ToString());
        Assert.Contains("No password was given", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new string[0], false)]
    [InlineData(new[] { "--urls", "http://127.0.0.1:0" }, false)]
    [InlineData(new[] { "hash-password" }, true)]
    public void OnlyTheHashPasswordArgument_RunsTheCommand_InsteadOfTheBot(string[] args, bool expected)
    {
        Assert.Equal(expected, PasswordHashCommand.IsRequested(args));
    }
}
