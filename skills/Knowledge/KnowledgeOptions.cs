using System.ComponentModel.DataAnnotations;

namespace SupportBot.Skills.Knowledge;

/// <summary>The knowledge base (section <c>Knowledge</c>).</summary>
public sealed class KnowledgeOptions
{
    public const string SectionName = "Knowledge";

    /// <summary>Folder of Markdown articles; relative paths start at the app's folder. Changes are picked up live.</summary>
    [Required(AllowEmptyStrings = false)]
    public string ArticlesPath { get; set; } = "knowledge/articles";

    /// <summary>The organisation's settings file (help desk contacts, Wi-Fi names, VPN client, links) that articles' placeholders read.</summary>
    [Required(AllowEmptyStrings = false)]
    public string OrganisationFile { get; set; } = "knowledge/organisation.json";

    /// <summary>Absolute base of the article links in citations (…/kb/{id}); empty = the bot's own address.</summary>
    [Url]
    public string? PublicBaseUrl { get; set; }

    /// <summary>Below this share of the question explained by the best article, the bot says it doesn't know.</summary>
    [Range(0.0, 1.0)]
    public double MinCoverage { get; set; } = 0.5;

    /// <summary>When the runner-up scores at least this fraction of the best, the bot asks which one was meant.</summary>
    [Range(0.5, 1.0)]
    public double ClarifyRatio { get; set; } = 0.9;
}
