using System.Diagnostics;
using System.Globalization;

namespace SupportBot.Benchmarks;

/// <summary>Summary of a set of timings in milliseconds (nearest-rank percentiles).</summary>
public sealed record Timings(int Count, double Mean, double Min, double P50, double P95, double P99, double Max)
{
    public static Timings Of(IReadOnlyCollection<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToArray();
        return new Timings(sorted.Length, sorted.Average(), sorted[0], Percentile(sorted, 50), Percentile(sorted, 95), Percentile(sorted, 99), sorted[^1]);
    }

    /// <summary>Nearest-rank percentile of an ascending array.</summary>
    public static double Percentile(double[] sorted, double percent)
    {
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"n={Count} mean {Mean:F3} ms, min {Min:F3}, p50 {P50:F3}, p95 {P95:F3}, p99 {P99:F3}, max {Max:F3}");
}

/// <summary>Memory of the process at one moment, after a full blocking collection.</summary>
public sealed record MemorySnapshot(long ManagedHeap, long WorkingSet, long PeakWorkingSet, long GcCommitted)
{
    /// <summary>Forces a full, compacting collection first (GC.GetTotalMemory(true)), so the heap figure is live objects only.</summary>
    public static MemorySnapshot Take()
    {
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return new MemorySnapshot(heap, process.WorkingSet64, process.PeakWorkingSet64, GC.GetGCMemoryInfo().TotalCommittedBytes);
    }

    public static string Mb(long bytes) => (bytes / 1024.0 / 1024.0).ToString("F1", CultureInfo.InvariantCulture) + " MB";

    public override string ToString() =>
        $"managed heap {Mb(ManagedHeap)}, working set {Mb(WorkingSet)} (peak {Mb(PeakWorkingSet)}), GC committed {Mb(GcCommitted)}";
}

/// <summary>Small timing helpers around <see cref="Stopwatch.GetTimestamp"/>.</summary>
public static class Clock
{
    public static double Time(Action action)
    {
        var start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    public static (T Result, double Milliseconds) Time<T>(Func<T> func)
    {
        var start = Stopwatch.GetTimestamp();
        var result = func();
        return (result, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }

    /// <summary>Full blocking collection between measurements, so one run's garbage is not collected during the next.</summary>
    public static void Settle()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    public static string Ms(double milliseconds) => milliseconds.ToString(milliseconds >= 100 ? "F0" : milliseconds >= 1 ? "F2" : "F3", CultureInfo.InvariantCulture) + " ms";
}

/// <summary>
/// How busy the rest of the machine was while something was measured: the machine's busy CPU time (Linux
/// /proc/stat) minus this process's own, as a share of all cores. Other work on a 2-core machine (a build, a
/// test run) slows the measured code and widens its tail, so figures taken under load are flagged.
/// </summary>
public sealed class MachineLoad
{
    private readonly double _machineBusyStart;
    private readonly double _stealStart;
    private readonly TimeSpan _ownStart;
    private readonly long _start;

    private MachineLoad()
    {
        (_machineBusyStart, _stealStart) = ReadMachine();
        _ownStart = OwnCpu();
        _start = Stopwatch.GetTimestamp();
    }

    /// <summary>Null when the machine's counters cannot be read (not Linux).</summary>
    public static MachineLoad? Start() => File.Exists("/proc/stat") ? new MachineLoad() : null;

    /// <summary>Share (0–100) of all cores used by other processes since the start, and the share stolen by the hypervisor.</summary>
    public (double OtherPercent, double StealPercent) Stop()
    {
        var wall = Stopwatch.GetElapsedTime(_start).TotalSeconds * Environment.ProcessorCount;
        var (busy, steal) = ReadMachine();
        var own = (OwnCpu() - _ownStart).TotalSeconds;
        var other = Math.Max(0, busy - _machineBusyStart - own);
        return (100 * other / wall, 100 * (steal - _stealStart) / wall);
    }

    public static string Describe((double OtherPercent, double StealPercent) load) =>
        string.Create(CultureInfo.InvariantCulture, $"other processes used {load.OtherPercent:F0}% of the machine's CPU, hypervisor steal {load.StealPercent:F0}%")
        + (load.OtherPercent > 10 ? " — the machine was not quiet; these figures are inflated" : string.Empty);

    private static TimeSpan OwnCpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    // First line of /proc/stat: cpu user nice system idle iowait irq softirq steal …, in USER_HZ (100 per second).
    private static (double BusySeconds, double StealSeconds) ReadMachine()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Skip(1).Select(f => double.Parse(f, CultureInfo.InvariantCulture) / 100).ToArray();
        var busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6];
        return (busy, fields.Length > 7 ? fields[7] : 0);
    }
}
