using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.Bot.Builder.Skills;
using Microsoft.Bot.Connector;
using Microsoft.Bot.Connector.Authentication;
using Microsoft.Bot.Schema;
using Microsoft.Rest;
using Newtonsoft.Json;

namespace SupportBot.Bot.Hosting;

/// <summary>
/// The Bot Framework's authentication with its connector clients reused across turns instead of built for each one.
/// </summary>
/// <remarks>
/// Stock CloudAdapter asks for a new <see cref="ConnectorClient"/> on every turn and disposes it at the end. Each new
/// client brings new Newtonsoft serializer settings with a new contract resolver, so the first reply of every turn
/// reflects over the whole Activity schema again and compiles a getter for each property: measured at about 20 ms of
/// CPU per turn, ~90% of a stock echo bot's work. One client per (app id, audience, service URL) keeps its contracts;
/// a client is replaced after <see cref="ClientLifetime"/> so its HTTP handler and credentials are renewed, the way
/// IHttpClientFactory rotates handlers. Turns get a wrapper whose Dispose does nothing (the adapter disposes what it
/// was given). The user-token client, built for every turn too and rarely used, is shared the same way.
/// See docs/decisions/0015-connector-client-reuse.md.
/// </remarks>
public sealed class ConnectorClientReuse(BotFrameworkAuthentication inner, TimeProvider time) : BotFrameworkAuthentication
{
    /// <summary>How long one connector client is used before a fresh one is made.</summary>
    public static readonly TimeSpan ClientLifetime = TimeSpan.FromMinutes(10);

    /// <summary>More distinct service URLs than any real deployment talks to; beyond it, clients are per turn again.</summary>
    public const int MaxClients = 256;

    private readonly ConcurrentDictionary<string, Lazy<Task<Shared<IConnectorClient>>>> _connectors = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<Shared<UserTokenClient>>>> _userTokens = new(StringComparer.Ordinal);

    public override async Task<AuthenticateRequestResult> AuthenticateRequestAsync(Activity activity, string authHeader, CancellationToken cancellationToken)
    {
        var result = await inner.AuthenticateRequestAsync(activity, authHeader, cancellationToken).ConfigureAwait(false);
        result.ConnectorFactory = new ReusingConnectorFactory(this, result.ConnectorFactory, AppId(result.ClaimsIdentity));
        return result;
    }

    public override async Task<AuthenticateRequestResult> AuthenticateStreamingRequestAsync(string authHeader, string channelIdHeader, CancellationToken cancellationToken)
    {
        var result = await inner.AuthenticateStreamingRequestAsync(authHeader, channelIdHeader, cancellationToken).ConfigureAwait(false);
        result.ConnectorFactory = new ReusingConnectorFactory(this, result.ConnectorFactory, AppId(result.ClaimsIdentity));
        return result;
    }

    public override ConnectorFactory CreateConnectorFactory(ClaimsIdentity claimsIdentity) =>
        new ReusingConnectorFactory(this, inner.CreateConnectorFactory(claimsIdentity), AppId(claimsIdentity));

    public override async Task<UserTokenClient> CreateUserTokenClientAsync(ClaimsIdentity claimsIdentity, CancellationToken cancellationToken)
    {
        var client = await ReuseAsync(_userTokens, AppId(claimsIdentity), () => inner.CreateUserTokenClientAsync(claimsIdentity, cancellationToken)).ConfigureAwait(false);
        return client is null
            ? await inner.CreateUserTokenClientAsync(claimsIdentity, cancellationToken).ConfigureAwait(false)
            : new SharedUserTokenClient(client);
    }

    public override BotFrameworkClient CreateBotFrameworkClient() => inner.CreateBotFrameworkClient();

    public override string GetOriginatingAudience() => inner.GetOriginatingAudience();

    public override Task<ClaimsIdentity> AuthenticateChannelRequestAsync(string authHeader, CancellationToken cancellationToken) =>
        inner.AuthenticateChannelRequestAsync(authHeader, cancellationToken);

    /// <summary>How many connector clients are kept (for tests and diagnostics).</summary>
    public int ConnectorClientCount => _connectors.Count;

    // The bot's own app id, as the Bot Framework reads it: the token's audience, or its appid claim (Emulator).
    private static string AppId(ClaimsIdentity? identity) =>
        identity?.Claims.FirstOrDefault(c => c.Type == AuthenticationConstants.AudienceClaim)?.Value ??
        identity?.Claims.FirstOrDefault(c => c.Type == AuthenticationConstants.AppIdClaim)?.Value ??
        string.Empty;

    // The shared instance for the key, made once (concurrent first turns wait for the same one); null when the cache
    // is full. A failed creation is forgotten, so the next turn tries again.
    private async Task<T?> ReuseAsync<T>(ConcurrentDictionary<string, Lazy<Task<Shared<T>>>> cache, string key, Func<Task<T>> create)
        where T : class
    {
        var now = time.GetUtcNow();
        if (!cache.TryGetValue(key, out var entry) && cache.Count >= MaxClients)
        {
            return null;
        }

        entry ??= cache.GetOrAdd(key, _ => NewEntry(create, now));
        Shared<T> shared;
        try
        {
            shared = await entry.Value.ConfigureAwait(false);
        }
        catch
        {
            cache.TryRemove(KeyValuePair.Create(key, entry));
            throw;
        }

        if (now - shared.CreatedAt < ClientLifetime)
        {
            return shared.Client;
        }

        // Renewed, not disposed: turns still running may be using the old one, and its HTTP handler belongs to
        // IHttpClientFactory, which retires it on its own.
        // (GetOrAdd, not the indexer: a failed renewal may have removed the entry meanwhile.)
        cache.TryUpdate(key, NewEntry(create, now), entry);
        return (await cache.GetOrAdd(key, _ => NewEntry(create, now)).Value.ConfigureAwait(false)).Client;
    }

    private static Lazy<Task<Shared<T>>> NewEntry<T>(Func<Task<T>> create, DateTimeOffset now) =>
        new(async () => new Shared<T>(await create().ConfigureAwait(false), now), LazyThreadSafetyMode.ExecutionAndPublication);

    private sealed record Shared<T>(T Client, DateTimeOffset CreatedAt);

    private sealed class ReusingConnectorFactory(ConnectorClientReuse owner, ConnectorFactory inner, string appId) : ConnectorFactory
    {
        public override async Task<IConnectorClient> CreateAsync(string serviceUrl, string audience, CancellationToken cancellationToken)
        {
            var key = $"{appId}|{audience}|{serviceUrl}";
            var shared = await owner.ReuseAsync(owner._connectors, key, () => inner.CreateAsync(serviceUrl, audience, cancellationToken)).ConfigureAwait(false);
            return shared is null
                ? await inner.CreateAsync(serviceUrl, audience, cancellationToken).ConfigureAwait(false)
                : new SharedConnectorClient(shared);
        }
    }

    /// <summary>A turn's view of a shared connector client: everything but Dispose goes to the shared one.</summary>
    private sealed class SharedConnectorClient(IConnectorClient shared) : IConnectorClient
    {
        public Uri BaseUri
        {
            get => shared.BaseUri;
            set => throw new NotSupportedException("The connector client is shared by every turn for this service URL; create a ConnectorClient of your own to talk to another.");
        }

        public JsonSerializerSettings SerializationSettings => shared.SerializationSettings;

        public JsonSerializerSettings DeserializationSettings => shared.DeserializationSettings;

        public ServiceClientCredentials Credentials => shared.Credentials;

        public IAttachments Attachments => shared.Attachments;

        public IConversations Conversations => shared.Conversations;

        public void Dispose()
        {
            // Shared: outlives the turn.
        }
    }

    private sealed class SharedUserTokenClient(UserTokenClient shared) : UserTokenClient
    {
        public override Task<TokenResponse> GetUserTokenAsync(string userId, string connectionName, string channelId, string magicCode, CancellationToken cancellationToken) =>
            shared.GetUserTokenAsync(userId, connectionName, channelId, magicCode, cancellationToken);

        public override Task<SignInResource> GetSignInResourceAsync(string connectionName, Activity activity, string finalRedirect, CancellationToken cancellationToken) =>
            shared.GetSignInResourceAsync(connectionName, activity, finalRedirect, cancellationToken);

        public override Task SignOutUserAsync(string userId, string connectionName, string channelId, CancellationToken cancellationToken) =>
            shared.SignOutUserAsync(userId, connectionName, channelId, cancellationToken);

        public override Task<TokenStatus[]> GetTokenStatusAsync(string userId, string channelId, string includeFilter, CancellationToken cancellationToken) =>
            shared.GetTokenStatusAsync(userId, channelId, includeFilter, cancellationToken);

        public override Task<Dictionary<string, TokenResponse>> GetAadTokensAsync(string userId, string connectionName, string[] resourceUrls, string channelId, CancellationToken cancellationToken) =>
            shared.GetAadTokensAsync(userId, connectionName, resourceUrls, channelId, cancellationToken);

        public override Task<TokenResponse> ExchangeTokenAsync(string userId, string connectionName, string channelId, TokenExchangeRequest exchangeRequest, CancellationToken cancellationToken) =>
            shared.ExchangeTokenAsync(userId, connectionName, channelId, exchangeRequest, cancellationToken);

        // Only this wrapper ends with the turn; the shared client outlives it.
        protected override void Dispose(bool disposing) => base.Dispose(disposing);
    }
}
