using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.Options;
using SupportBot.Bot.Channels.DirectLine;
using SupportBot.Bot.Hosting;
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

        return ServerAddress.BaseUrl(server) ?? "http://localhost:3978";
    }
}
