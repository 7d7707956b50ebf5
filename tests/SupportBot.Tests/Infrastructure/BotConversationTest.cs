namespace SupportBot.Tests.Infrastructure;

/// <summary>
/// A test class that talks to one real bot through /api/messages: the host, the channel's connector that records the
/// bot's replies, and a client — started before each test and stopped after it.
/// </summary>
public abstract class BotConversationTest : IAsyncLifetime
{
    protected BotHost Host { get; private set; } = null!;

    protected ChannelRecorder Channel { get; private set; } = null!;

    protected HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = StartHost();
        Channel = await ChannelRecorder.StartAsync();
        Client = Host.NewClient();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Channel.DisposeAsync();
        await Host.DisposeAsync();
    }

    /// <summary>The bot under test; override to give it settings or services.</summary>
    protected virtual BotHost StartHost() => BotHost.Start();
}
