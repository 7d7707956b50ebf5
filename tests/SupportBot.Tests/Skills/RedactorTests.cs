using SupportBot.Skills.Conversation;

namespace SupportBot.Tests.Skills;

/// <summary>Secrets typed in chat never reach a transcript, a ticket or a log; everyday IT talk is left alone.</summary>
public sealed class RedactorTests
{
    [Theory]
    [InlineData("my password is Hunter2!", "Hunter2!")]
    [InlineData("My new password will be Spring-2025#x", "Spring-2025#x")]
    [InlineData("pwd: correct-horse-battery", "correct-horse-battery")]
    [InlineData("the passcode = 8812", "8812")]
    [InlineData("I set the password to \"Tr0ub4dor&3\" yesterday", "Tr0ub4dor&3")]
    [InlineData("The code is 839201", "839201")]
    [InlineData("OTP: 839 201", "839 201")]
    [InlineData("verification code 44-12-90", "44-12-90")]
    [InlineData("here is my key sk-proj-4f9aD83kLm20QpZx77", "sk-proj-4f9aD83kLm20QpZx77")]
    [InlineData("AKIAIOSFODNN7EXAMPLE is the access key", "AKIAIOSFODNN7EXAMPLE")]
    [InlineData("token ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6", "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6")]
    [InlineData("Server=db;User Id=sa;Password=S3cr3t!x;", "S3cr3t!x")]
    [InlineData("use Zx9kQ2mP7vL4tR8wY1nB6cH3 to log in", "Zx9kQ2mP7vL4tR8wY1nB6cH3")]
    public void SecretsAreMasked(string said, string secret)
    {
        var redacted = Redactor.Redact(said);

        Assert.DoesNotContain(secret, redacted, StringComparison.Ordinal);
        Assert.Contains(Redactor.Mask, redacted, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("I forgot my password")]
    [InlineData("my password expired yesterday and the reset link doesn't work")]
    [InlineData("How do I change my password?")]
    [InlineData("What is the password policy?")]
    [InlineData("Outlook keeps asking for my password")]
    [InlineData("restart DESKTOP-ADELE01 please")]
    [InlineData("the error has correlation id fa3c0f5c-c02b-494f-af8e-5cd3c163a222")]
    [InlineData("see https://support.contoso.example/software/request-form-for-licences")]
    [InlineData("email AdeleV@contoso.com about it")]
    [InlineData("Teams error code caa70004")]
    public void EverydayTextIsLeftAlone(string said)
    {
        Assert.Equal(said, Redactor.Redact(said));
    }

    [Fact]
    public void TranscriptLines_AreRedactedAsTheyAreAdded()
    {
        var transcript = new Transcript();

        transcript.Add(Speaker.User, "my password is Hunter2! and it still fails", DateTimeOffset.UtcNow);

        Assert.Equal("my password is [redacted] and it still fails", transcript.Lines[0].Text);
    }
}
