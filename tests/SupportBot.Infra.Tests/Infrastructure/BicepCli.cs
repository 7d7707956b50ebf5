using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;

namespace SupportBot.Infra.Tests.Infrastructure;

/// <summary>One diagnostic as the Bicep CLI prints it: <c>file(line,col) : Error BCP033: message</c>.</summary>
internal sealed record BicepDiagnostic(string File, int Line, int Column, string Level, string Code, string Message)
{
    public override string ToString() => $"{Path.GetFileName(File)}({Line},{Column}) {Level} {Code}: {Message}";
}

internal sealed partial record BicepResult(string Command, int ExitCode, string StandardOutput, string StandardError)
{
    public IReadOnlyList<BicepDiagnostic> Diagnostics { get; } =
        (StandardError + "\n" + StandardOutput).Split('\n')
            .Select(line => DiagnosticLine().Match(line.Trim()))
            .Where(m => m.Success)
            .Select(m => new BicepDiagnostic(
                m.Groups["file"].Value,
                int.Parse(m.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(m.Groups["col"].Value, System.Globalization.CultureInfo.InvariantCulture),
                m.Groups["level"].Value,
                m.Groups["code"].Value,
                m.Groups["message"].Value))
            .ToList();

    /// <summary>What a failed assertion shows: the command and everything Bicep said.</summary>
    public override string ToString() =>
        $"bicep {Command} exited {ExitCode}\n--- stderr ---\n{StandardError}\n--- stdout (first 2000 chars) ---\n{StandardOutput[..Math.Min(2000, StandardOutput.Length)]}";

    [GeneratedRegex(@"^(?<file>.+?)\((?<line>\d+),(?<col>\d+)\) : (?<level>Error|Warning|Info) (?<code>[^:]+): (?<message>.*)$")]
    private static partial Regex DiagnosticLine();
}

/// <summary>
/// The Bicep CLI from the Azure.Bicep.CommandLine.linux-x64 package. It runs offline: the templates use local
/// modules only and no linter rule that needs a registry is on. Every run has a deadline, so a CLI that waits for
/// the network fails the test instead of hanging it.
/// </summary>
internal static class BicepCli
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);
    private static readonly Lazy<string> Executable = new(Locate);

    public static string Path => Executable.Value;

    /// <summary>
    /// Runs bicep in <paramref name="workingDirectory"/>. Environment variables the templates read
    /// (SUPPORTBOT_*) come only from <paramref name="environment"/>, never from the shell the tests run in.
    /// </summary>
    public static async Task<BicepResult> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo(Path)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var inherited in start.Environment.Keys.Where(k => k.StartsWith("SUPPORTBOT_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(inherited);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Path}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(Deadline);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', args)} did not finish within {Deadline.TotalSeconds:0} s (waiting for the network?).");
        }

        return new BicepResult(string.Join(' ', args), process.ExitCode, await stdout, await stderr);
    }

    private static string Locate()
    {
        var path = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "BicepPath").Value;
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            throw new InvalidOperationException(
                $"The Bicep CLI is not at '{path}'. It comes from the Azure.Bicep.CommandLine.linux-x64 package: run dotnet restore.");
        }

        // NuGet extracts files without their execute bit on some systems.
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(path);
            if (!mode.HasFlag(UnixFileMode.UserExecute))
            {
                File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            }
        }

        return path;
    }
}
