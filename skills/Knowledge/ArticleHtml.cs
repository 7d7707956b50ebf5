using System.Net;
using Markdig;

namespace SupportBot.Skills.Knowledge;

/// <summary>Renders articles as plain, readable HTML pages (where citation links land).</summary>
public static class ArticleHtml
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().DisableHtml().UseAutoLinks().Build();

    public static string Page(KnowledgeArticle article, string organisationName) =>
        Layout(
            article.Title,
            organisationName,
            $"<p class=\"crumbs\"><a href=\"../kb\">All articles</a> · {Encode(article.Category)}</p>" +
            $"<h1>{Encode(article.Title)}</h1>" +
            Markdown.ToHtml(article.Markdown, Pipeline));

    public static string Index(IEnumerable<KnowledgeArticle> articles, string organisationName) =>
        Layout(
            "IT help articles",
            organisationName,
            "<h1>IT help articles</h1>" + string.Concat(articles
                .GroupBy(a => a.Category)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => $"<h2>{Encode(Capitalise(g.Key))}</h2><ul>" +
                             string.Concat(g.OrderBy(a => a.Title, StringComparer.OrdinalIgnoreCase).Select(a => $"<li><a href=\"kb/{Encode(a.Id)}\">{Encode(a.Title)}</a></li>")) +
                             "</ul>")));

    public static string NotFound(string id, string organisationName) =>
        Layout(
            "Article not found",
            organisationName,
            $"<h1>Article not found</h1><p>There is no help article called “{Encode(id)}”. It may have been renamed or removed.</p><p><a href=\"../kb\">See all articles</a></p>");

    private static string Layout(string title, string organisationName, string body) => $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{Encode(title)}} · {{Encode(organisationName)}} IT Help Desk</title>
        <style>
          body { font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1b1f; margin: 0; background: #f5f7fa; }
          header { background: #0b4f9c; color: #fff; padding: .8rem 1.2rem; font-weight: 600; }
          header a { color: #fff; text-decoration: none; }
          main { max-width: 46rem; margin: 1.5rem auto; background: #fff; padding: 1.5rem 2rem; border-radius: 8px; box-shadow: 0 1px 3px rgba(0,0,0,.08); }
          h1 { font-size: 1.6rem; margin-top: 0; } h2 { font-size: 1.2rem; margin-top: 1.6rem; }
          li { margin: .3rem 0; } .crumbs { font-size: .9rem; color: #555; } a { color: #0b4f9c; }
        </style>
        </head>
        <body>
        <header><a href="/">{{Encode(organisationName)}} · IT Help Desk</a></header>
        <main>{{body}}</main>
        </body>
        </html>
        """;

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
