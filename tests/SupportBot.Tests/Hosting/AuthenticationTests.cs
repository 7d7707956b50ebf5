using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.Hosting;

public sealed class AuthenticationTests
{
    private const string AppId = "7c1f4d7e-2b1a-4f3e-9a55-0d1e2f3a4b5c";

    private static readonly Dictionary<string, string?> WithAppId = new()
    {
        ["MicrosoftAppType"] = "MultiTenant",
        ["MicrosoftAppId"] = AppId,
        ["MicrosoftAppPassword"] = "not-a-real-password",
    };

    [Fact]
    public async Task WithAppId_RequestWithoutToken_Gets401_AndNeverReachesTheBot()
    {
        await using var host = BotHost.Start(WithAppId);
        await using var channel = await ChannelRecorder.StartAsync();
        using var client = host.NewClient();
        var conversation = Activities.NewConversationId();

        var response = await client.PostAsync(Activities.Message(channel.ServiceUrl, conversation, "restart my laptop"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("valid Bot Framework token", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await channel.WaitForMessagesAsync(conversation, 1, TimeSpan.FromMilliseconds(500)));
        await AssertNoStateAsync(host, conversation);
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("a.b")]
    public async Task WithAppId_GarbageToken_Gets401_AndNeverReachesTheBot(string token)
    {
        await using var host = BotHost.Start(WithAppId);
        await using var channel = await ChannelRecorder.StartAsync();
        using var client = host.NewClient();
        var conversation = Activities.NewConversationId();

        var response = await client.PostAsync(Activities.Message(channel.ServiceUrl, conversation, "hi"), bearer: token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await channel.WaitForMessagesAsync(conversation, 1, TimeSpan.FromMilliseconds(500)));
        await AssertNoStateAsync(host, conversation);
    }

    [Fact]
    public async Task WithAppId_TokenSignedBySomeoneElse_Gets401_AndNeverReachesTheBot()
    {
        await using var host = BotHost.Start(WithAppId);
        await using var channel = await ChannelRecorder.StartAsync();
        using var client = host.NewClient();
        var conversation = Activities.NewConversationId();
        var forged = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "https://attacker.example",
            Audience = AppId,
            Expires = DateTime.UtcNow.AddMinutes(10),
            Claims = new Dictionary<string, object> { ["serviceurl"] = channel.ServiceUrl },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(new byte[32]), SecurityAlgorithms.HmacSha256),
        });

        var response = await client.PostAsync(Activities.Message(channel.ServiceUrl, conversation, "hi"), bearer: forged);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await channel.WaitForMessagesAsync(conversation, 1, TimeSpan.FromMilliseconds(500)));
        await AssertNoStateAsync(host, conversation);
        Assert.Contains(host.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("Rejected activity", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithAppId_WhenTheBotFrameworkSigningKeysCantBeFetched_Answers503SoTheChannelRetries_AndRunsNothing()
    {
        // This machine cannot reach login.botframework.com, exactly like an outage of it.
        await using var host = BotHost.Start(WithAppId);
        await using var channel = await ChannelRecorder.StartAsync();
        using var client = host.NewClient();
        var conversation = Activities.NewConversationId();
        var unverifiable = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "https://api.botframework.com",
            Audience = AppId,
            Expires = DateTime.UtcNow.AddMinutes(10),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(System.Security.Cryptography.RSA.Create(2048)), SecurityAlgorithms.RsaSha256),
        });

        var response = await client.PostAsync(Activities.Message(channel.ServiceUrl, conversation, "hi"), bearer: unverifiable);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.Headers.RetryAfter is not null, "a 503 tells the channel when to retry");
        Assert.Empty(await channel.WaitForMessagesAsync(conversation, 1, TimeSpan.FromMilliseconds(500)));
        await AssertNoStateAsync(host, conversation);
    }

    [Fact]
    public async Task WithoutAppId_InDevelopment_RunsAnonymously_AndSaysSoAtStartUp()
    {
        await using var host = BotHost.Start();
        await using var channel = await ChannelRecorder.StartAsync();
        using var client = host.NewClient();
        var conversation = Activities.NewConversationId();

        var response = await client.PostAsync(Activities.Message(channel.ServiceUrl, conversation, "hi"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(await channel.WaitForMessagesAsync(conversation, 1));
        Assert.Contains(host.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("MicrosoftAppId is not set", StringComparison.Ordinal));
    }

    [Fact]
    public void WithoutAppId_InProduction_RefusesToStart_NamingTheSetting()
    {
        var reason = BotHost.StartExpectingFailure(environment: "Production");

        Assert.Contains("MicrosoftAppId is not set", reason, StringComparison.Ordinal);
        Assert.Contains("Bot:AllowAnonymousInProduction", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutAppId_InProduction_StartsWhenExplicitlyAllowed()
    {
        await using var host = BotHost.Start(new Dictionary<string, string?> { ["Bot:AllowAnonymousInProduction"] = "true" }, environment: "Production");
        using var client = host.NewClient();

        var response = await client.GetAsync("healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public void AppIdThatIsNotAGuid_RefusesToStart_NamingTheSetting()
    {
        var reason = BotHost.StartExpectingFailure(new Dictionary<string, string?> { ["MicrosoftAppId"] = "my-bot" });

        Assert.Contains("MicrosoftAppId must be", reason, StringComparison.Ordinal);
    }

    private static async Task AssertNoStateAsync(BotHost host, string conversation)
    {
        var storage = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Microsoft.Bot.Builder.IStorage>(host.Services);
        var items = await storage.ReadAsync([$"msteams/conversations/{conversation}"]);
        Assert.Empty(items);
    }
}
