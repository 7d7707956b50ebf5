using System.Globalization;

namespace SupportBot.Bot.Admin;

/// <summary>The page's date range: <c>?from=YYYY-MM-DD&amp;to=YYYY-MM-DD</c> (UTC days, both included), by default the last 30 days.</summary>
internal sealed record AdminRange(DateOnly From, DateOnly To)
{
    public const int DefaultDays = Skills.Insights.InsightsReader.DefaultDays;
    public const int MaxDays = Skills.Insights.InsightsReader.MaxDays;

    public int Days => To.DayNumber - From.DayNumber + 1;

    public static AdminRange Default(DateOnly today) => new(today.AddDays(-(DefaultDays - 1)), today);

    /// <summary>The range asked for, or a message saying plainly what is wrong with it.</summary>
    public static (AdminRange? Range, string? Error) Parse(string? from, string? to, DateOnly today)
    {
        var (start, startError) = ParseDay(from, "start");
        var (end, endError) = ParseDay(to, "end");
        if ((startError ?? endError) is { } error)
        {
            return (null, error);
        }

        var range = (start, end) switch
        {
            (null, null) => Default(today),
            ({ } f, null) => new AdminRange(f, f > today ? f : today),
            (null, { } t) => new AdminRange(t.AddDays(-(DefaultDays - 1)), t),
            ({ } f, { } t) => new AdminRange(f, t),
        };
        if (range.To < range.From)
        {
            return (null, $"The range starts ({Text(range.From)}) after it ends ({Text(range.To)}). Pick a start date on or before the end date.");
        }

        return range.Days > MaxDays
            ? (null, $"That range is {range.Days} days long; the page shows at most {MaxDays} days at a time.")
            : (range, null);
    }

    public static string Text(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static (DateOnly? Day, string? Error) ParseDay(string? value, string which)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return (null, null);
        }

        var trimmed = value.Trim();
        if (DateOnly.TryParseExact(trimmed, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) &&
            day.Year is >= 2000 and <= 2100)
        {
            return (day, null);
        }

        var shown = trimmed.Length > 40 ? trimmed[..40] + "…" : trimmed;
        return (null, $"The {which} date \"{shown}\" isn't a date the page understands. Use YYYY-MM-DD, for example {Text(new DateOnly(2026, 11, 1))}.");
    }
}
