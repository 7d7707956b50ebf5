using System.Globalization;

namespace SupportBot.LoadTest;

/// <summary>Command-line options of the load driver.</summary>
public sealed record DriverOptions(int Conversations, TimeSpan Warmup, TimeSpan Duration, bool Echo, bool Memory, bool Redis, bool Faults)
{
    public const string Usage = """
        Usage: dotnet run -c Release --project tests/SupportBot.LoadTest -- [options]
          --conversations N   concurrent simulated conversations (default 32)
          --seconds S         measured seconds per run (default 20)
          --warmup S          warm-up seconds per run, not counted (default 15: tiered JIT settles)
          --only LIST         runs to do, comma-separated: echo, memory, redis, faults (default echo,memory,redis)
        """;

    public static DriverOptions? Parse(string[] args)
    {
        var conversations = 32;
        var seconds = 20.0;
        var warmup = 15.0;
        var runs = new HashSet<string>(["echo", "memory", "redis"], StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--conversations" when int.TryParse(value, CultureInfo.InvariantCulture, out var n) && n is > 0 and <= 1024:
                    conversations = n;
                    i++;
                    break;
                case "--seconds" when double.TryParse(value, CultureInfo.InvariantCulture, out var s) && s is > 0 and <= 3600:
                    seconds = s;
                    i++;
                    break;
                case "--warmup" when double.TryParse(value, CultureInfo.InvariantCulture, out var w) && w is >= 0 and <= 600:
                    warmup = w;
                    i++;
                    break;
                case "--only" when value is not null:
                    runs = [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
                    if (runs.Any(r => r is not ("echo" or "memory" or "redis" or "faults")))
                    {
                        return null;
                    }

                    i++;
                    break;
                default:
                    Console.Error.WriteLine($"Not understood: {args[i]} {value}");
                    return null;
            }
        }

        return new DriverOptions(conversations, TimeSpan.FromSeconds(warmup), TimeSpan.FromSeconds(seconds), runs.Contains("echo"), runs.Contains("memory"), runs.Contains("redis"), runs.Contains("faults"));
    }
}
