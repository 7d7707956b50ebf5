using System.ComponentModel.DataAnnotations;

namespace SupportBot.Skills.Insights;

/// <summary>What the bot records for the IT lead's insight page, for how long, and the hours-saved assumptions (section <c>Insights</c>).</summary>
public sealed class InsightsOptions
{
    public const string SectionName = "Insights";

    /// <summary>The SQLite file, under the content root; several instances may share it.</summary>
    [Required]
    public string DatabaseFile { get; set; } = "data/insights.db";

    /// <summary>Days of insight data kept; older rows are deleted by a background job.</summary>
    [Range(1, 3650)]
    public int RetentionDays { get; set; } = 180;

    /// <summary>Technician minutes one routine ticket takes (the hours-saved estimate).</summary>
    [Range(1, 480)]
    public double MinutesPerTicket { get; set; } = 15;

    /// <summary>The share of a potential deflection (no feedback, no escalation) credited as a ticket avoided, 0 to 1.</summary>
    [Range(0.0, 1.0)]
    public double PotentialDeflectionCredit { get; set; } = 0.5;

    /// <summary>Events waiting for the background writer; when full, new ones are dropped (and counted) rather than slow a turn.</summary>
    [Range(100, 1_000_000)]
    public int QueueCapacity { get; set; } = 20_000;
}
