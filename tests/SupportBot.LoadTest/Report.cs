using System.Globalization;
using System.Text;

namespace SupportBot.LoadTest;

/// <summary>The Markdown summary printed at the end (pasted into docs/benchmarks.md).</summary>
public static class Report
{
    public static string Markdown(RunResults results, DriverOptions options)
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"| run | turns/s | p50 ms | p95 ms | p99 ms | max ms | errors | bot CPU ms/turn |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---|---:|");
        foreach (var result in new[] { results.Echo, results.Memory, results.Redis }.OfType<LoadResult>())
        {
            text.AppendLine(c, $"| {result.Name} | {result.TurnsPerSecond:F0} | {result.P50:F1} | {result.P95:F1} | {result.P99:F1} | {result.Max:F1} | {result.ErrorSummary} | {result.CpuPerTurn:F2} |");
        }

        text.AppendLine();
        text.AppendLine(c, $"{options.Conversations} concurrent conversations, {options.Duration.TotalSeconds:F0} s measured after {options.Warmup.TotalSeconds:F0} s warm-up per run, {Environment.ProcessorCount} cores; SupportBot's turns are knowledge answers with their Adaptive Card ({results.QuestionCount} different questions).");
        if (results.Echo is { } echo && results.Memory is { } memory)
        {
            text.AppendLine(c, $"Ratio SupportBot ÷ echo bot: {memory.TurnsPerSecond / echo.TurnsPerSecond:F1}×");
        }

        text.AppendLine();
        text.AppendLine("Targets:");
        if (results.Memory is { } m)
        {
            Check(text, results, $"in-memory state ≥ 2,500 turns/s ({m.TurnsPerSecond:F0})", m.TurnsPerSecond >= 2500);
            Check(text, results, $"p99 ≤ 50 ms ({m.P99:F1})", m.P99 <= 50);
            Check(text, results, $"0 errors ({m.ErrorCount})", m.ErrorCount == 0);
            if (results.Echo is { } e)
            {
                Check(text, results, $"≥ 8× the stock echo bot ({m.TurnsPerSecond / e.TurnsPerSecond:F1}×)", m.TurnsPerSecond >= 8 * e.TurnsPerSecond);
            }
        }

        if (results.Redis is { } r)
        {
            Check(text, results, $"Redis state ≥ 1,500 turns/s ({r.TurnsPerSecond:F0})", r.TurnsPerSecond >= 1500);
            Check(text, results, $"Redis state 0 errors ({r.ErrorCount})", r.ErrorCount == 0);
        }

        foreach (var fault in results.Faults)
        {
            text.AppendLine();
            text.Append(fault.Markdown());
            results.Failed |= fault.Checks.Any(check => !check.Met);
        }

        foreach (var note in results.Notes)
        {
            text.AppendLine();
            text.AppendLine(note);
        }

        return text.ToString();
    }

    private static void Check(StringBuilder text, RunResults results, string what, bool met)
    {
        text.AppendLine(CultureInfo.InvariantCulture, $"- {(met ? "met" : "MISSED")}: {what}");
        if (!met)
        {
            results.Failed = true;
        }
    }
}
