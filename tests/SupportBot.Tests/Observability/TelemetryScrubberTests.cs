using SupportBot.Bot.Observability;

namespace SupportBot.Tests.Observability;

/// <summary>What the telemetry scrubber leaves of URLs, statements and free text before anything is exported.</summary>
public sealed class TelemetryScrubberTests
{
    [Theory]
    [InlineData("https://contoso.example/api/hook?code=abc123&sig=Zm9vYmFy&token=t0k3n", "https://contoso.example/api/hook?code=*&sig=*&token=*")]
    [InlineData("https://graph.microsoft.com/v1.0/users/AdeleV@contoso.com/devices", "https://graph.microsoft.com/v1.0/users/[redacted]/devices")]
    [InlineData("http://127.0.0.1:5000/v3/conversations/a:1xYz_personal/activities/42", "http://127.0.0.1:5000/v3/conversations/[redacted]/activities/42")]
    [InlineData("https://user:p4ss@jira.example/rest/api/2/issue", "https://jira.example/rest/api/2/issue")]
    public void Url_LosesQueryValuesCredentialsAndPeople(string url, string expected) =>
        Assert.Equal(expected, TelemetryScrubber.SpanTag("url.full", url));

    [Theory]
    [InlineData("db.statement", "GET supportbot:state:msteams/conv-42", "GET")]
    [InlineData("db.query.text", "EVALSHA", "EVALSHA")]
    public void DatabaseStatements_KeepOnlyTheCommand(string key, string statement, string expected) =>
        Assert.Equal(expected, TelemetryScrubber.SpanTag(key, statement));

    [Theory]
    [InlineData("http.request.header.authorization")]
    [InlineData("enduser.id")]
    public void CredentialAndUserAttributes_AreDropped(string key) =>
        Assert.Null(TelemetryScrubber.SpanTag(key, "anything"));

    [Fact]
    public void FreeText_LosesEmailsBearerTokensQueryValuesAndTypedSecrets()
    {
        var scrubbed = TelemetryScrubber.Text(
            "Call for ana@contoso.example failed: Authorization: Bearer abc.def.ghi at https://x.example/cb?token=secret1 — my password is Hunter2!");

        Assert.DoesNotContain("ana@contoso.example", scrubbed, StringComparison.Ordinal);
        Assert.DoesNotContain("abc.def.ghi", scrubbed, StringComparison.Ordinal);
        Assert.DoesNotContain("secret1", scrubbed, StringComparison.Ordinal);
        Assert.DoesNotContain("Hunter2", scrubbed, StringComparison.Ordinal);
        Assert.StartsWith("Call for [redacted] failed", scrubbed, StringComparison.Ordinal);
    }
}
