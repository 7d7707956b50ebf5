using SupportBot.Eval;
using SupportBot.Skills.Knowledge;

namespace SupportBot.Tests.Knowledge;

/// <summary>The starter knowledge base as shipped (skills/content), parsed with the organisation's settings.</summary>
public static class TestArticles
{
    private static readonly Lazy<IReadOnlyList<KnowledgeArticle>> Starter = new(() => Evaluation.ReadArticles(
        Path.Combine(RepoRoot(), "skills/content/articles"),
        Path.Combine(RepoRoot(), "skills/content/organisation.json")));

    public static IReadOnlyList<KnowledgeArticle> All => Starter.Value;

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SupportBot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("SupportBot.sln not found above the test binaries.");
    }

    public static string Article(string id, string title, string body, params string[] questions) => $"""
        ---
        id: {id}
        title: {title}
        category: general
        tags: [test]
        questions:
        {string.Concat(questions.Select(q => $"  - {q}\n"))}actions: []
        ---
        {body}
        """;
}
