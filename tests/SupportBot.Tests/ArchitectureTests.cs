using SupportBot.Skills.HelpDesk;

namespace SupportBot.Tests;

/// <summary>The skills stay free of the Bot Framework (docs/decisions/0001), so they can move to another host.</summary>
public sealed class ArchitectureTests
{
    [Fact]
    public void SkillsAssembly_ReferencesNoBotFrameworkAssembly()
    {
        var sut = typeof(HelpDeskProfile).Assembly;

        var references = sut.GetReferencedAssemblies().Select(a => a.Name ?? string.Empty).ToList();

        Assert.NotEmpty(references);
        Assert.DoesNotContain(references, name => name.StartsWith("Microsoft.Bot", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void SkillsProject_NeitherReferencesNorImportsTheBotFramework()
    {
        var project = Path.Combine(RepositoryRoot(), "skills", "SupportBot.Skills.csproj");

        var text = File.ReadAllText(project);

        Assert.DoesNotContain("Microsoft.Bot", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("BotFramework.props", text, StringComparison.OrdinalIgnoreCase);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SupportBot.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No SupportBot.sln above {AppContext.BaseDirectory}.");
    }
}
