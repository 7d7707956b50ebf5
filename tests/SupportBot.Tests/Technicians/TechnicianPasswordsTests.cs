using SupportBot.Bot.Technicians;

namespace SupportBot.Tests.Technicians;

public sealed class TechnicianPasswordsTests
{
    [Fact]
    public void Hash_IsInTheSettingsFormat_AndVerifiesOnlyItsPassword()
    {
        var sut = TechnicianPasswords.Hash("correct horse battery staple", TechnicianPasswords.MinIterations);

        Assert.Matches(@"^PBKDF2-SHA256\$10000\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$", sut);
        var parsed = TechnicianPasswords.Parse(sut);
        Assert.True(TechnicianPasswords.Verify("correct horse battery staple", parsed));
        Assert.False(TechnicianPasswords.Verify("correct horse battery stapl", parsed));
        Assert.False(TechnicianPasswords.Verify("Correct horse battery staple", parsed));
        Assert.False(TechnicianPasswords.Verify(string.Empty, parsed));
    }

    [Fact]
    public void Hash_UsesTheRecommendedIterationsByDefault_AndANewSaltEachTime()
    {
        var first = TechnicianPasswords.Hash("same password");
        var second = TechnicianPasswords.Hash("same password");

        Assert.StartsWith("PBKDF2-SHA256$600000$", first, StringComparison.Ordinal);
        Assert.NotEqual(first, second);
        Assert.True(TechnicianPasswords.Verify("same password", TechnicianPasswords.Parse(second)));
    }

    [Fact]
    public void Verify_MatchesAHashMadeElsewhere_WithTheSameParameters()
    {
        // Made with Python: hashlib.pbkdf2_hmac("sha256", b"password", b"saltSALTsaltSALT", 10000, 32).
        var sut = TechnicianPasswords.Parse("PBKDF2-SHA256$10000$c2FsdFNBTFRzYWx0U0FMVA==$FnBuy/yVr3DzLjNa7k2nD9lZbZBF1u7ifliF6oF89HE=");

        Assert.True(TechnicianPasswords.Verify("password", sut));
    }

    [Theory]
    [InlineData("")]
    [InlineData("hunter2")]
    [InlineData("PBKDF2-SHA1$10000$c2FsdHNhbHQ=$AAAAAAAAAAAAAAAAAAAAAA==")]
    [InlineData("PBKDF2-SHA256$10$c2FsdHNhbHQ=$AAAAAAAAAAAAAAAAAAAAAA==")]
    [InlineData("PBKDF2-SHA256$99999999$c2FsdHNhbHQ=$AAAAAAAAAAAAAAAAAAAAAA==")]
    [InlineData("PBKDF2-SHA256$10000$not base64!$AAAAAAAAAAAAAAAAAAAAAA==")]
    [InlineData("PBKDF2-SHA256$10000$c2FsdA==$AAAA")]
    [InlineData("PBKDF2-SHA256$10000$c2FsdHNhbHQ=$AAAAAAAAAAAAAAAAAAAAAA==$extra")]
    public void TryParse_RefusesMalformedHashes_SayingWhy(string encoded)
    {
        var ok = TechnicianPasswords.TryParse(encoded, out var hash, out var problem);

        Assert.False(ok);
        Assert.Null(hash);
        Assert.False(string.IsNullOrWhiteSpace(problem));
    }
}
