using Microsoft.Extensions.Options;
using SupportBot.Skills.Knowledge;

namespace SupportBot.Tests.Knowledge;

/// <summary>Search and the answer decision over the starter knowledge base, as employees phrase things.</summary>
public sealed class KnowledgeSearchTests : IDisposable
{
    private readonly KnowledgeIndex _index = KnowledgeIndex.Build(TestArticles.All);
    private readonly KnowledgeOptions _options = new();

    public void Dispose() => _index.Dispose();

    [Theory]
    [InlineData("how do I get on the wireless network", "wifi-connect")]
    [InlineData("WLAN not connecting on my laptop", "wifi-connect")]
    [InlineData("forgot my pw", "password-reset")]
    [InlineData("how do I set up 2FA", "mfa-setup")]
    [InlineData("outlok isnt syncing", "outlook-not-syncing")]
    [InlineData("my blutooth headset wont pair", "bluetooth-headset")]
    [InlineData("printer jammed", "printer-troubleshoot")]
    [InlineData("bitlocker recovery key screen", "bitlocker-recovery")]
    public void Question_FindsTheArticleDespiteSynonymsAndTypos(string question, string expected)
    {
        var sut = KnowledgeAnswerer.Decide(_index, question, _options);

        Assert.NotEqual(AnswerKind.NoMatch, sut.Kind);
        Assert.Equal(expected, sut.Hits[0].Article.Id);
    }

    [Theory]
    [InlineData("what's the weather in Lisbon tomorrow")]
    [InlineData("how many days of annual leave do I have left")]
    [InlineData("tell me a joke")]
    [InlineData("book me a flight to Madrid")]
    public void OutOfScopeQuestion_IsNotAnswered(string question)
    {
        var sut = KnowledgeAnswerer.Decide(_index, question, _options);

        Assert.Equal(AnswerKind.NoMatch, sut.Kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("title:\"x\" AND * OR (")]
    [InlineData("🙂🙂🔥")]
    [InlineData("¿Cómo me conecto a la red inalámbrica de la oficina?")]
    [InlineData("\\\\ ~ ^2 [a TO z] {} ? * ! - + && || \"")]
    public void OddInput_NeverThrows_AndNeverInventsAnAnswer(string question)
    {
        var sut = KnowledgeAnswerer.Decide(_index, question, _options);

        Assert.NotEqual(AnswerKind.Answer, sut.Kind);
    }

    [Fact]
    public void VeryLongMessage_IsHandledQuickly_WithoutThrowing()
    {
        var rambling = string.Concat(Enumerable.Repeat("my laptop is really slow and everything takes ages to open ", 170));

        var sut = KnowledgeAnswerer.Decide(_index, rambling[..10_000], _options);

        Assert.Equal("laptop-slow", sut.Hits[0].Article.Id);
    }

    [Fact]
    public void Answer_ForAPhoneQuestion_PicksThatPlatformsSteps()
    {
        var sut = new KnowledgeAnswerer(new FixedSource(_index), Options.Create(_options)).Answer("set up my work email on my iphone");

        Assert.Equal("email-iphone", sut.Article?.Id);
        Assert.NotNull(sut.Section);
        Assert.NotEmpty(sut.Section.Steps);
    }

    [Fact]
    public void EveryStarterArticle_IsFoundByItsOwnTitle()
    {
        var misses = TestArticles.All
            .Where(a => KnowledgeAnswerer.Decide(_index, a.Title, _options) is var answer &&
                        !answer.Hits.Take(2).Any(h => h.Article.Id == a.Id))
            .Select(a => a.Id)
            .ToList();

        Assert.Empty(misses);
    }

    private sealed class FixedSource(KnowledgeIndex index) : IKnowledgeSource
    {
        public KnowledgeIndex Current => index;
    }
}
