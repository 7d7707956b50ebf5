using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.Options;
using SupportBot.Bot.Channels.DirectLine;
using SupportBot.Skills.Knowledge;

namespace SupportBot.Bot.Knowledge;

/// <summary>The absolute base of article links in citations: configured, else the address the user reached the bot on.</summary>
public sealed class ArticleLinks(IOptions<KnowledgeOptions> options, IServer server)
{
    public string BaseUrlFor(IActivity activity)
    {
        if (options.Value.PublicBaseUrl is { Length: > 0 } configured)
        {
            return configured.TrimEnd('/');
        }

        // On the local channel the bot's own address is the one the user's browser reached.
        if (Uri.TryCreate(activity.ServiceUrl, UriKind.Absolute, out var serviceUrl) &&
            serviceUrl.AbsolutePath.StartsWith(LocalChannel.ConnectorPath, StringComparison.Ordinal))
        {
            return serviceUrl.GetLeftPart(UriPartial.Authority);
        }

        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost:3978";
        return address.Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal)
            .Replace("://[::]", "://localhost", StringComparison.Ordinal)
            .Replace("://+", "://localhost", StringComparison.Ordinal)
            .Replace("://*", "://localhost", StringComparison.Ordinal)
            .TrimEnd('/');
    }
}
