namespace SupportBot.Skills.Knowledge;

/// <summary>One part of an article under a "## " heading: prose and/or numbered steps.</summary>
public sealed record ArticleSection(string Heading, string Text, IReadOnlyList<string> Steps);

/// <summary>A knowledge base article, with organisation placeholders already filled in.</summary>
public sealed record KnowledgeArticle(
    string Id,
    string Title,
    string Category,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> Questions,
    IReadOnlyList<string> Actions,
    string Summary,
    IReadOnlyList<ArticleSection> Sections,
    string Markdown,
    string SourceFile)
{
    /// <summary>Everything searchable in the body: summary and sections.</summary>
    public string BodyText =>
        Summary + "\n" + string.Join("\n", Sections.Select(s => s.Heading + "\n" + s.Text + "\n" + string.Join("\n", s.Steps)));
}
