namespace SupportBot.Infra.Tests.Infrastructure;

/// <summary>Paths in the repository the tests read (never write).</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Infra => Path.Combine(Root, "infra");

    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    public static string Read(params string[] parts) => System.IO.File.ReadAllText(File(parts));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "SupportBot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No SupportBot.sln above {AppContext.BaseDirectory}.");
    }
}
