using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.Options;
using SupportBot.Bot.Hosting;

namespace SupportBot.Bot.Channels.DirectLine;

/// <summary>
/// The local Direct Line channel: Web Chat and Direct Line clients talk to it with no Azure account. It runs
/// only while the bot is anonymous (local development); with a Microsoft App ID, web chat uses Azure Direct Line.
/// </summary>
public sealed class LocalChannel(
    IOptions<BotCredentialsOptions> credentials,
    IOptions<BotOptions> botOptions,
    IOptions<DirectLineOptions> options)
{
    public const string ChannelId = "directline";
    public const string ConnectorPath = "/_local/directline/";
    public const string KeyHeader = "X-SupportBot-Local-Channel";

    // Proves a call to the local connector comes from this bot process, not from someone on the network.
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, byte> _serviceUrls = new(StringComparer.OrdinalIgnoreCase);

    public bool IsEnabled => credentials.Value.IsAnonymous;

    public ChannelAccount Bot => new(botOptions.Value.Name.ToLowerInvariant(), botOptions.Value.Name, RoleTypes.Bot);

    public string Key => Convert.ToBase64String(_key);

    /// <summary>Where the bot sends its replies for a request that arrived on <paramref name="http"/>.</summary>
    public string ServiceUrlFor(HttpContext http)
    {
        var url = options.Value.LocalServiceUrl is { Length: > 0 } configured
            ? configured.TrimEnd('/') + "/"
            : $"{http.Request.Scheme}://{HostOf(http.Connection.LocalIpAddress)}:{http.Connection.LocalPort}{ConnectorPath}";
        _serviceUrls.TryAdd(url, 0);
        return url;
    }

    /// <summary>True for a request to one of our own connector URLs: only those get the key.</summary>
    public bool IsOwnServiceUrl(Uri? uri) =>
        uri is not null && _serviceUrls.Keys.Any(u => uri.AbsoluteUri.StartsWith(u, StringComparison.OrdinalIgnoreCase));

    public bool HasValidKey(HttpRequest request)
    {
        var presented = request.Headers[KeyHeader].ToString();
        return presented.Length > 0 &&
               CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(presented), Encoding.ASCII.GetBytes(Key));
    }

    private static string HostOf(IPAddress? address)
    {
        if (address is null || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return "127.0.0.1";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
    }
}

/// <summary>Adds the local channel key to the bot's calls to its own connector, and to nothing else.</summary>
internal sealed class LocalChannelKeyHandler(LocalChannel channel) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (channel.IsOwnServiceUrl(request.RequestUri))
        {
            request.Headers.Remove(LocalChannel.KeyHeader);
            request.Headers.Add(LocalChannel.KeyHeader, channel.Key);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
