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

    /// <summary>
    /// File that keeps article embeddings across restarts (relative paths start at the content root); empty = kept in
    /// memory only. Unchanged articles are never embedded twice either way.
    /// </summary>
    public string? VectorCacheFile { get; set; }

    /// <summary>Absolute base of the article links in citations (…/kb/{id}); empty = the bot's own address.</summary>
    [Url]
    public string? PublicBaseUrl { get; set; }

    /// <summary>
    /// The bot answers when the best article explains at least this share of the question (IDF-weighted)…
    /// </summary>
    [Range(0.0, 1.0)]
    public double MinCoverage { get; set; } = 0.35;

    /// <summary>…or when it matches at least <see cref="MinMatchedTerms"/> of the question's terms with this much IDF weight; otherwise it says it doesn't know.</summary>
    [Range(0.0, 100.0)]
    public double MinMatchedWeight { get; set; } = 3.0;

    [Range(1, 10)]
    public int MinMatchedTerms { get; set; } = 2;

    /// <summary>When the runner-up scores at least this fraction of the best, the bot asks which one was meant.</summary>
    [Range(0.5, 1.0)]
    public double ClarifyRatio { get; set; } = 0.9;
}
