using System.Globalization;
using System.Text.RegularExpressions;

namespace SupportBot.Infra.Tests.Infrastructure;

/// <summary>The repository's Dockerfile read as instructions, grouped into stages (Docker isn't on the test machine).</summary>
public sealed partial class Dockerfile
{
    private Dockerfile(IReadOnlyList<Instruction> preamble, IReadOnlyList<Stage> stages)
    {
        Args = preamble.Where(i => i.Keyword == "ARG")
            .Select(i => i.Arguments.Split('=', 2))
            .ToDictionary(a => a[0], a => a.Length > 1 ? a[1] : string.Empty, StringComparer.Ordinal);
        Stages = stages;
    }

    /// <summary>ARGs declared before the first FROM, with their defaults.</summary>
    public IReadOnlyDictionary<string, string> Args { get; }

    public IReadOnlyList<Stage> Stages { get; }

    public Stage Final => Stages[^1];

    public int ExposedPort => int.Parse(Assert.Single(Final.All("EXPOSE")).Arguments.Split('/')[0], CultureInfo.InvariantCulture);

    public static Dockerfile Load() => Parse(Repository.Read("Dockerfile"));

    public string Resolve(string text) => ArgReference().Replace(text, m => Args.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value);

    private static Dockerfile Parse(string text)
    {
        var instructions = new List<Instruction>();
        var pending = string.Empty;
        var lineNumber = 0;
        var startLine = 0;
        foreach (var raw in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            lineNumber++;
            var line = raw.Trim();
            if (pending.Length == 0 && (line.Length == 0 || line.StartsWith('#')))
            {
                continue;
            }

            if (pending.Length == 0)
            {
                startLine = lineNumber;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }

            var whole = pending + line;
            pending = string.Empty;
            var space = whole.IndexOf(' ', StringComparison.Ordinal);
            instructions.Add(new Instruction(
                whole[..space].ToUpperInvariant(),
                Whitespace().Replace(whole[(space + 1)..].Trim(), " "),
                startLine));
        }

        var preamble = instructions.TakeWhile(i => i.Keyword != "FROM").ToList();
        var stages = new List<Stage>();
        foreach (var instruction in instructions.Skip(preamble.Count))
        {
            if (instruction.Keyword == "FROM")
            {
                var parts = instruction.Arguments.Split(' ');
                stages.Add(new Stage(parts[0], parts.Length >= 3 && parts[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? parts[2] : null, new List<Instruction>()));
            }
            else
            {
                ((List<Instruction>)stages[^1].Instructions).Add(instruction);
            }
        }

        return new Dockerfile(preamble, stages);
    }

    [GeneratedRegex(@"\$\{([A-Z_]+)\}")]
    private static partial Regex ArgReference();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    public sealed record Instruction(string Keyword, string Arguments, int Line);

    public sealed record Stage(string Image, string? Name, IReadOnlyList<Instruction> Instructions)
    {
        public IEnumerable<Instruction> All(string keyword) => Instructions.Where(i => i.Keyword == keyword);

        public int IndexOf(Func<Instruction, bool> predicate) =>
            Instructions.Select((instruction, index) => (instruction, index)).First(x => predicate(x.instruction)).index;
    }
}

/// <summary>.dockerignore with Docker's rules: patterns in order, the last one that matches a path or a parent wins, ! re-includes.</summary>
public sealed class DockerIgnore(IReadOnlyList<(bool Exclude, Regex Pattern)> patterns)
{
    public static DockerIgnore Load() => new(
        Repository.Read(".dockerignore").Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => (Exclude: !l.StartsWith('!'), Pattern: ToRegex(l.TrimStart('!').Trim('/'))))
            .ToList());

    public bool Excludes(string path)
    {
        var segments = path.Trim('/').Split('/');
        var candidates = Enumerable.Range(1, segments.Length).Select(n => string.Join('/', segments.Take(n))).ToList();
        var excluded = false;
        foreach (var (exclude, pattern) in patterns)
        {
            if (candidates.Any(pattern.IsMatch))
            {
                excluded = exclude;
            }
        }

        return excluded;
    }

    private static Regex ToRegex(string pattern)
    {
        var regex = Regex.Escape(pattern)
            .Replace(@"\*\*/", "(.*/)?", StringComparison.Ordinal)
            .Replace(@"\*\*", ".*", StringComparison.Ordinal)
            .Replace(@"\*", "[^/]*", StringComparison.Ordinal)
            .Replace(@"\?", "[^/]", StringComparison.Ordinal);
        return new Regex("^" + regex + "$", RegexOptions.CultureInvariant);
    }
}
