using SupportBot.Skills.HelpDesk;
using SupportBot.Skills.Knowledge;

namespace SupportBot.Bot.Knowledge;

/// <summary><c>/kb</c> lists the articles and <c>/kb/{id}</c> shows one as a readable page (where citations link).</summary>
public static class KnowledgeEndpoints
{
    public static IEndpointRouteBuilder MapKnowledgeEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/kb", (IKnowledgeSource knowledge, HelpDeskProfile helpDesk) =>
            Results.Content(ArticleHtml.Index(knowledge.Current.Articles, helpDesk.Options.OrganisationName), "text/html; charset=utf-8"));
        app.MapGet("/kb/{id}", (string id, IKnowledgeSource knowledge, HelpDeskProfile helpDesk) =>
            knowledge.Current.Find(id) is { } article
                ? Results.Content(ArticleHtml.Page(article, helpDesk.Options.OrganisationName), "text/html; charset=utf-8")
                : Results.Content(ArticleHtml.NotFound(id, helpDesk.Options.OrganisationName), "text/html; charset=utf-8", statusCode: StatusCodes.Status404NotFound));
        return app;
    }
}
