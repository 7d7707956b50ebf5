using System.Net;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.Knowledge;

/// <summary>The article pages citation links land on.</summary>
public sealed class KnowledgeEndpointsTests : IAsyncLifetime
{
    private BotHost _host = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _host = BotHost.Start();
        _client = _host.NewClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task ArticlePage_ShowsTheArticleAsReadableHtml_WithOrganisationFactsFilledIn()
    {
        var response = await _client.GetAsync("kb/wifi-guest");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<h1>", html, StringComparison.Ordinal);
        Assert.Contains("<ol>", html, StringComparison.Ordinal);
        Assert.Contains("Contoso-Guest", html, StringComparison.Ordinal);
        Assert.DoesNotContain("{{", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ArticleList_LinksEveryArticle()
    {
        var html = await _client.GetStringAsync("kb");

        Assert.All(StarterKnowledgeBaseTests.RequiredIds, id => Assert.Contains($"href=\"kb/{id}\"", html, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("kb/no-such-article")]
    [InlineData("kb/%3Cscript%3Ealert(1)%3C%2Fscript%3E")]
    public async Task UnknownArticle_IsA404Page_ThatEchoesNothingUnsafe(string path)
    {
        var response = await _client.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Article not found", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
    }
}
