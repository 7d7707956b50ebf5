using System.Net;
using System.Text;
using Newtonsoft.Json.Linq;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.Channels;

/// <summary>
/// A bot with a Microsoft App ID is a real, authenticated bot: the unauthenticated local Direct Line channel is
/// off, and web chat works only through Azure Direct Line (DirectLine:Secret).
/// </summary>
public sealed class LocalChannelWithAppIdTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string?> WithAppIdAndNoDirectLineSecret = new()
    {
        ["MicrosoftAppType"] = "MultiTenant",
        ["MicrosoftAppId"] = "3f9a6c1e-8d2b-4c7a-b1e5-6a0d9c4f2e71",
        ["MicrosoftAppPassword"] = "not-a-real-password",
    };

    private BotHost _host = null!;
    private HttpClient _http = null!;

    public Task InitializeAsync()
    {
        _host = BotHost.Start(WithAppIdAndNoDirectLineSecret);
        _http = _host.NewClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _host.DisposeAsync();
    }

    [Theory]
    [InlineData("POST", "v3/directline/conversations")]
    [InlineData("GET", "v3/directline/conversations/x/activities")]
    [InlineData("POST", "v3/directline/tokens/generate")]
    public async Task LocalDirectLineEndpoint_Is404LocalChannelDisabled(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);

        var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = JObject.Parse(await response.Content.ReadAsStringAsync())["error"]!;
        Assert.Equal("LocalChannelDisabled", (string?)error["code"]);
        Assert.Contains("MicrosoftAppId", (string?)error["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebChatTokenRequest_Is503_NamingDirectLineSecret()
    {
        var response = await _http.PostAsync(
            "api/directline/token",
            new StringContent("{\"user\":{\"id\":\"dl_ana\",\"name\":\"Ana Lopez\"}}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var problem = JObject.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("DirectLine:Secret", (string?)problem["detail"], StringComparison.Ordinal);
    }
}
