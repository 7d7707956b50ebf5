using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace SupportBot.Bot.Hosting;

internal static class ServerAddress
{
    /// <summary>
    /// The first address Kestrel listens on, as a browser on this machine would open it (wildcard hosts become
    /// localhost), without a trailing slash; null when the server has no addresses (e.g. an in-memory test server).
    /// </summary>
    public static string? BaseUrl(IServer server) =>
        server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() is { } address
            ? address.Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal)
                .Replace("://[::]", "://localhost", StringComparison.Ordinal)
                .Replace("://+", "://localhost", StringComparison.Ordinal)
                .Replace("://*", "://localhost", StringComparison.Ordinal)
                .TrimEnd('/')
            : null;
}
