using System.ComponentModel.DataAnnotations;

namespace SupportBot.Bot.Channels.DirectLine;

/// <summary>Web chat over Direct Line (section <c>DirectLine</c>).</summary>
public sealed class DirectLineOptions
{
    public const string SectionName = "DirectLine";

    /// <summary>
    /// Azure Direct Line secret. When set, <c>POST /api/directline/token</c> exchanges it with Azure server-side
    /// and the page talks to Azure Direct Line; the secret itself never reaches the browser.
    /// </summary>
    public string? Secret { get; set; }

    /// <summary>Azure Direct Line endpoint (regional endpoints differ).</summary>
    [Required]
    [Url]
    public string Endpoint { get; set; } = "https://directline.botframework.com/v3/directline";

    /// <summary>How long a local-channel token is valid (Azure uses 30 minutes).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Base64 key (32+ bytes) that signs local-channel tokens. Unset: a random key per process, so tokens
    /// don't survive a restart and instances don't share them.
    /// </summary>
    public string? TokenSigningKey { get; set; }

    /// <summary>Optional local-channel secret for scripted clients (tokens/generate, or a DirectLine client given a secret).</summary>
    public string? LocalSecret { get; set; }

    /// <summary>
    /// The URL the bot's replies are sent to on the local channel. Unset: the address the request arrived on,
    /// which is right unless a proxy sits between the bot and itself.
    /// </summary>
    [Url]
    public string? LocalServiceUrl { get; set; }
}
