using System.ComponentModel.DataAnnotations;

namespace SupportBot.Bot.Hosting;

/// <summary>Settings of the bot host (section <c>Bot</c>).</summary>
public sealed class BotOptions
{
    public const string SectionName = "Bot";

    /// <summary>Name shown to users and used as the bot's id on the local channel.</summary>
    [Required(AllowEmptyStrings = false)]
    [StringLength(50)]
    public string Name { get; set; } = "SupportBot";

    /// <summary>
    /// Running without a Microsoft App ID means anyone can post to /api/messages. That is for local
    /// development only, so the Production environment refuses it unless this is set deliberately.
    /// </summary>
    public bool AllowAnonymousInProduction { get; set; }

    /// <summary>Largest activity accepted, in bytes (Bot Framework channels stay well under 256 KB).</summary>
    [Range(1024, 4 * 1024 * 1024)]
    public int MaxActivityBytes { get; set; } = 256 * 1024;
}

/// <summary>
/// The Bot Framework's own credential settings. They keep the SDK's root-level names
/// (<c>MicrosoftAppId</c>, …) because every Azure Bot template and portal blade uses them.
/// </summary>
public sealed class BotCredentialsOptions
{
    public string? MicrosoftAppId { get; set; }

    public string? MicrosoftAppType { get; set; }

    public string? MicrosoftAppTenantId { get; set; }

    public bool IsAnonymous => string.IsNullOrWhiteSpace(MicrosoftAppId);
}
