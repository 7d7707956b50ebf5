using System.ComponentModel.DataAnnotations;

namespace SupportBot.Skills.HelpDesk;

/// <summary>
/// Organisation-specific facts about the human help desk: who the bot works for and how people reach a
/// person. The admin edits these in one place (the <c>HelpDesk</c> configuration section).
/// </summary>
public sealed class HelpDeskOptions
{
    public const string SectionName = "HelpDesk";

    [Required(AllowEmptyStrings = false)]
    [StringLength(100)]
    public string OrganisationName { get; set; } = "Contoso";

    [Required(AllowEmptyStrings = false)]
    [StringLength(100)]
    public string HelpDeskName { get; set; } = "IT Help Desk";

    [StringLength(50)]
    public string? Phone { get; set; }

    [EmailAddress]
    public string? Email { get; set; }

    [StringLength(200)]
    public string? Hours { get; set; }

    [Url]
    public string? PortalUrl { get; set; }
}
