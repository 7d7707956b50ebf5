using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using SupportBot.Skills.Insights;

namespace SupportBot.Bot.Admin;

/// <summary>
/// The insight page, rendered on the server: inline SVG charts (each with a title, a text summary and its figures),
/// tables, no script at all, and one style block allowed by a per-response nonce — nothing from a CDN, so it works
/// on an offline intranet under a strict Content-Security-Policy.
/// </summary>
internal static class AdminPage
{
    public const string ConfirmedColour = "#1e7b34";
    public const string PotentialColour = "#5b6b7c";
    public const string EscalatedColour = "#b42318";

    private const string Css = """
        :root { color-scheme: light; }
        body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #1a1a1a; background: #f4f5f7; line-height: 1.45; }
        a { color: #0b4f94; }
        .bar { background: #0f3d6e; color: #fff; padding: .75rem 1.5rem; display: flex; justify-content: space-between; align-items: center; flex-wrap: wrap; gap: 1rem; }
        .bar a { color: #fff; }
        .bar h1 { font-size: 1.3rem; margin: 0; }
        .bar p { margin: 0; }
        main { max-width: 1200px; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
        .range { display: flex; gap: .75rem; align-items: end; flex-wrap: wrap; background: #fff; padding: .75rem 1rem; border-radius: 8px; border: 1px solid #cfd4dc; }
        .range label { display: flex; flex-direction: column; font-size: .9rem; gap: .2rem; }
        .range input { font: inherit; padding: .3rem .4rem; border: 1px solid #6b7480; border-radius: 4px; }
        .button { background: #0b4f94; color: #fff; border: 0; padding: .45rem .9rem; border-radius: 6px; font: inherit; cursor: pointer; text-decoration: none; display: inline-block; }
        .button:focus, a:focus, input:focus { outline: 3px solid #f2b600; outline-offset: 2px; }
        .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); gap: 1rem; margin-top: 1rem; }
        .card { background: #fff; border: 1px solid #cfd4dc; border-radius: 8px; padding: 1rem 1.25rem; min-width: 0; overflow-x: auto; }
        .wide { grid-column: 1 / -1; }
        h2 { font-size: 1.1rem; margin: 0 0 .4rem; }
        h3 { font-size: 1rem; margin: .8rem 0 .3rem; }
        figure { margin: 0; }
        figcaption, .summary { margin: .2rem 0 .6rem; }
        .chart { width: 100%; height: auto; display: block; }
        .donut { width: 180px; height: 180px; flex: none; }
        .split { display: flex; gap: 1.25rem; align-items: center; flex-wrap: wrap; }
        .big { font-size: 2.2rem; font-weight: 700; margin: .2rem 0; }
        table { border-collapse: collapse; width: 100%; font-size: .92rem; }
        th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #e1e4e9; vertical-align: top; }
        th { background: #f4f5f7; }
        .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        .legend { list-style: none; padding: 0; margin: .4rem 0; display: flex; flex-wrap: wrap; gap: .4rem 1rem; }
        .split .legend { flex-direction: column; }
        .swatch { display: inline-block; width: .9rem; height: .9rem; border-radius: 2px; margin-right: .35rem; vertical-align: -2px; }
        .confirmed { background: #1e7b34; } .potential { background: #5b6b7c; } .escalated { background: #b42318; }
        .succeeded { background: #1e7b34; } .failed { background: #b42318; } .refused { background: #8a5a00; } .cancelled { background: #5b6b7c; } .needs { background: #0b4f94; }
        .notice { background: #fff4ce; border: 1px solid #9a7b00; padding: .5rem .75rem; border-radius: 6px; margin: 0 0 1rem; }
        .error { background: #fde7e9; border: 1px solid #b42318; padding: .75rem 1rem; border-radius: 6px; margin: 0 0 1rem; }
        .muted { color: #4a5563; }
        .terms { font-family: ui-monospace, Consolas, monospace; font-size: .85rem; color: #3b4452; }
        ul.examples { margin: 0; padding-left: 1.1rem; }
        details { margin-top: .5rem; }
        dl { margin: .3rem 0; }
        dt { font-weight: 600; } dd { margin: 0 0 .4rem; }
        """;

    private static readonly HtmlEncoder Encoder = HtmlEncoder.Default;

    public static string OutcomeName(ConversationOutcome outcome) => outcome switch
    {
        ConversationOutcome.Confirmed => "Confirmed deflection",
        ConversationOutcome.Potential => "Potential deflection",
        _ => "Escalated",
    };

    public static string NewNonce() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));

    /// <summary>No script, the one style block by nonce, pictures only from here; not framed, not cached.</summary>
    public static void SecurityHeaders(HttpContext http, string nonce)
    {
        var headers = http.Response.Headers;
        headers.CacheControl = "no-store";
        headers.ContentSecurityPolicy =
            $"default-src 'none'; style-src 'nonce-{nonce}'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "same-origin";
    }

    public static string Render(InsightsReport report, string adminName, string pathBase, string? notice, string nonce)
    {
        var html = new StringBuilder();
        var range = new AdminRange(report.From, report.To);
        var o = report.Outcomes;
        html.Append(RangeForm(range, pathBase));
        if (notice is not null)
        {
            html.Append(Inv($"<p class=\"notice\" role=\"status\">{E(notice)}</p>"));
        }

        html.Append(Inv($"""
            <p class="summary" id="headline">{o.Conversations} {Plural(o.Conversations, "conversation")} from {AdminRange.Text(report.From)} to {AdminRange.Text(report.To)} (UTC days):
            {o.Confirmed} confirmed {Plural(o.Confirmed, "deflection")} ({Percent(o.Share(ConversationOutcome.Confirmed))}),
            {o.Potential} potential ({Percent(o.Share(ConversationOutcome.Potential))}),
            {o.Escalated} escalated ({Percent(o.Share(ConversationOutcome.Escalated))}).</p>
            <div class="grid">
            """));
        html.Append(PerDay(report));
        html.Append(Outcomes(report));
        html.Append(Hours(report.HoursSaved));
        html.Append(Categories(report));
        html.Append(Actions(report));
        html.Append(Gaps(report));
        html.Append(TopQuestions(report));
        html.Append(Articles(report));
        html.Append("</div>");
        return Page("Insights", adminName, pathBase, html.ToString(), nonce);
    }

    public static string RenderError(string message, AdminRange fallback, string adminName, string pathBase, string nonce) =>
        Page("Insights: check the dates", adminName, pathBase,
            Inv($"<p class=\"error\" role=\"alert\" id=\"range-error\">{E(message)}</p>") + RangeForm(fallback, pathBase), nonce);

    public static async Task WriteForbiddenAsync(HttpContext http, string name)
    {
        var body = Inv($"""
            <div class="card">
            <h2>This page is for admins</h2>
            <p role="alert">You're signed in as {E(name)}, a technician but not an admin, so you can't see the insight page.
            Ask whoever runs SupportBot to make your account an admin (<code>Admin: true</code> for a password account, or the
            admin app role in Microsoft Entra ID).</p>
            <p><a href="{E(http.Request.PathBase)}/technician/">Back to the technician console</a></p>
            </div>
            """);
        var nonce = NewNonce();
        SecurityHeaders(http, nonce);
        http.Response.StatusCode = StatusCodes.Status403Forbidden;
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync(Page("Insights: admins only", name, http.Request.PathBase, body, nonce), http.RequestAborted);
    }

    private static string Page(string title, string adminName, string pathBase, string body, string nonce) => Inv($"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex">
        <title>{E(title)}: SupportBot</title>
        <link rel="icon" href="{E(pathBase)}/favicon.svg" type="image/svg+xml">
        <style nonce="{nonce}">{Css}</style>
        </head>
        <body>
        <header class="bar">
        <div><p>IT Help Desk</p><h1>SupportBot insights</h1></div>
        <p>Signed in as <strong>{E(adminName)}</strong> · <a href="{E(pathBase)}/technician/">Technician console</a></p>
        </header>
        <main id="main">
        {body}
        </main>
        </body>
        </html>
        """);

    private static string RangeForm(AdminRange range, string pathBase) => Inv($"""
        <form class="range" method="get" action="{E(pathBase)}{AdminAuthorization.Path}" aria-label="Date range">
        <label for="from">From (UTC day)<input type="date" id="from" name="from" value="{AdminRange.Text(range.From)}" required></label>
        <label for="to">To (UTC day)<input type="date" id="to" name="to" value="{AdminRange.Text(range.To)}" required></label>
        <button type="submit" class="button">Show</button>
        <a class="button" id="export" href="{E(pathBase)}{AdminAuthorization.Path}/export.csv?from={AdminRange.Text(range.From)}&amp;to={AdminRange.Text(range.To)}" download>Download CSV</a>
        </form>
        """);

    private static string PerDay(InsightsReport report)
    {
        const double width = 760, height = 220, left = 44, right = 8, top = 10, bottom = 34;
        var plotWidth = width - left - right;
        var plotHeight = height - top - bottom;
        var days = report.Days;
        var max = NiceCeiling(days.Count == 0 ? 0 : days.Max(d => d.Conversations));
        var slot = plotWidth / Math.Max(1, days.Count);
        var barWidth = Math.Max(1, slot * 0.75);
        double Y(double value) => top + (plotHeight * (1 - (value / max)));

        var svg = new StringBuilder();
        svg.Append(Inv($"""<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="per-day-title per-day-desc" data-chart="per-day">"""));
        svg.Append("<title id=\"per-day-title\">Conversations per day</title>");
        svg.Append(Inv($"<desc id=\"per-day-desc\">{report.Outcomes.Conversations} conversations over {days.Count} days, busiest day {Busiest(days)}.</desc>"));
        foreach (var tick in max % 2 == 0 ? new[] { 0, max / 2, max } : [0, max])
        {
            svg.Append(Inv($"""<line x1="{left}" x2="{width - right}" y1="{Y(tick):0.#}" y2="{Y(tick):0.#}" stroke="#d5d9e0" stroke-width="1"/>"""));
            svg.Append(Inv($"""<text x="{left - 6}" y="{Y(tick) + 4:0.#}" text-anchor="end" font-size="11" fill="#3b4452">{tick}</text>"""));
        }

        var step = Math.Max(1, (int)Math.Ceiling(days.Count / 8.0));
        for (var i = 0; i < days.Count; i++)
        {
            var d = days[i];
            var x = left + (i * slot) + ((slot - barWidth) / 2);
            svg.Append(Inv($"""<g class="day" data-day="{AdminRange.Text(d.Day)}" data-conversations="{d.Conversations}"><title>{DayText(d)}</title>"""));
            var baseline = 0.0;
            foreach (var (outcome, value) in new[] { (ConversationOutcome.Confirmed, d.Confirmed), (ConversationOutcome.Potential, d.Potential), (ConversationOutcome.Escalated, d.Escalated) })
            {
                if (value > 0)
                {
                    svg.Append(Inv($"""<rect class="bar" data-outcome="{outcome.ToString().ToLowerInvariant()}" data-value="{value}" x="{x:0.##}" y="{Y(baseline + value):0.##}" width="{barWidth:0.##}" height="{Y(baseline) - Y(baseline + value):0.##}" fill="{Colour(outcome)}"/>"""));
                    baseline += value;
                }
            }

            svg.Append("</g>");
            // Every step-th day, and the last unless it would crowd the one before.
            if (i % step == 0 || (i == days.Count - 1 && i % step >= step / 2.0))
            {
                svg.Append(Inv($"""<text x="{x + (barWidth / 2):0.##}" y="{height - 12}" text-anchor="middle" font-size="11" fill="#3b4452">{d.Day.ToString("MMM d", CultureInfo.InvariantCulture)}</text>"""));
            }
        }

        svg.Append("</svg>");

        var rows = string.Concat(days.Where(d => d.Conversations > 0).Select(d => Inv(
            $"<tr><td>{AdminRange.Text(d.Day)}</td><td class=\"num\">{d.Conversations}</td><td class=\"num\">{d.Confirmed}</td><td class=\"num\">{d.Potential}</td><td class=\"num\">{d.Escalated}</td></tr>")));
        return Inv($"""
            <section class="card wide" aria-labelledby="h-per-day">
            <h2 id="h-per-day">Conversations per day</h2>
            <figure>
            {svg}
            <figcaption>{OutcomeLegend()}</figcaption>
            </figure>
            <details><summary>Figures per day</summary>
            <table><thead><tr><th>Day</th><th class="num">Conversations</th><th class="num">Confirmed</th><th class="num">Potential</th><th class="num">Escalated</th></tr></thead>
            <tbody>{(rows.Length == 0 ? "<tr><td colspan=\"5\">No conversations in this range.</td></tr>" : rows)}</tbody></table>
            </details>
            </section>
            """);
    }

    private static string Outcomes(InsightsReport report)
    {
        var o = report.Outcomes;
        var svg = new StringBuilder();
        svg.Append("""<svg class="donut" viewBox="0 0 42 42" role="img" aria-labelledby="outcome-title outcome-desc" data-chart="outcomes">""");
        svg.Append("<title id=\"outcome-title\">Outcome of each conversation</title>");
        svg.Append(Inv($"<desc id=\"outcome-desc\">{OutcomeSentence(o)}</desc>"));
        svg.Append("""<circle cx="21" cy="21" r="15.9155" fill="none" stroke="#e1e4e9" stroke-width="6"/>""");
        var done = 0.0;
        foreach (var outcome in Enum.GetValues<ConversationOutcome>())
        {
            var share = o.Share(outcome) * 100;
            if (share <= 0)
            {
                continue;
            }

            svg.Append(Inv($"""<circle class="segment" data-outcome="{outcome.ToString().ToLowerInvariant()}" data-value="{o.Count(outcome)}" cx="21" cy="21" r="15.9155" fill="none" stroke="{Colour(outcome)}" stroke-width="6" stroke-dasharray="{share:0.###} {100 - share:0.###}" stroke-dashoffset="{25 - done:0.###}"><title>{OutcomeName(outcome)}: {o.Count(outcome)} ({Percent(o.Share(outcome))})</title></circle>"""));
            done += share;
        }

        svg.Append(Inv($"""<text x="21" y="22.5" text-anchor="middle" font-size="6" font-weight="700" fill="#1a1a1a">{o.Conversations}</text></svg>"""));
        var legend = string.Concat(Enum.GetValues<ConversationOutcome>().Select(outcome => Inv(
            $"<li data-outcome=\"{outcome.ToString().ToLowerInvariant()}\"><span class=\"swatch {outcome.ToString().ToLowerInvariant()}\" aria-hidden=\"true\"></span>{OutcomeName(outcome)}: <strong>{o.Count(outcome)}</strong> ({Percent(o.Share(outcome))})</li>")));
        return Inv($"""
            <section class="card" aria-labelledby="h-outcomes">
            <h2 id="h-outcomes">Deflection</h2>
            <div class="split">{svg}<ul class="legend" id="outcome-legend">{legend}</ul></div>
            <p class="muted">Confirmed: the employee said "That fixed it", or a self-help action succeeded. Escalated: a ticket was sent to a technician.
            Potential: neither — no escalation and no feedback.</p>
            </section>
            """);
    }

    private static string Hours(HoursSaved hours) => Inv($"""
        <section class="card" aria-labelledby="h-hours">
        <h2 id="h-hours">Technician time saved (estimate)</h2>
        <p class="big" id="hours-saved" data-hours="{hours.Hours:0.##}">≈ {hours.Hours:0.#} hours</p>
        <p id="hours-formula">({hours.Confirmed} confirmed × {hours.MinutesPerTicket:0.##} min + {hours.Potential} potential × {hours.MinutesPerTicket:0.##} min × {hours.PotentialCredit:0.##}) ÷ 60 = {hours.Hours:0.##} hours</p>
        <h3>Assumptions</h3>
        <dl id="hours-assumptions">
        <dt>Minutes per routine ticket</dt><dd>{hours.MinutesPerTicket:0.##} (setting <code>Insights:MinutesPerTicket</code>)</dd>
        <dt>Credit for a potential deflection</dt><dd>{hours.PotentialCredit:0.##} of a ticket (setting <code>Insights:PotentialDeflectionCredit</code>)</dd>
        </dl>
        <p class="muted">Escalated conversations save nothing here: a technician still did the work.</p>
        </section>
        """);

    private static string Categories(InsightsReport report)
    {
        var categories = report.Categories;
        if (categories.Count == 0)
        {
            return Card("h-categories", "Escalation rate by category", "<p>No answers or escalations in this range.</p>", wide: true);
        }

        const double width = 800, labelWidth = 160, barArea = 300, rowHeight = 30;
        var height = (categories.Count * rowHeight) + 6;
        var svg = new StringBuilder();
        svg.Append(Inv($"""<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="categories-title" data-chart="categories"><title id="categories-title">Escalation rate by category</title>"""));
        for (var i = 0; i < categories.Count; i++)
        {
            var c = categories[i];
            var y = 3 + (i * rowHeight);
            var text = Inv($"{c.Escalated} of {c.Conversations} {Plural(c.Conversations, "conversation")} escalated ({Percent(c.Rate)})");
            svg.Append(Inv($"""<g class="category" data-category="{E(c.Category)}" data-rate="{c.Rate:0.####}"><title>{E(c.Category)}: {text}</title>"""));
            svg.Append(Inv($"""<text x="{labelWidth - 8}" y="{y + 18}" text-anchor="end" font-size="12" fill="#1a1a1a">{E(Shorten(c.Category, 24))}</text>"""));
            svg.Append(Inv($"""<rect x="{labelWidth}" y="{y + 4}" width="{barArea}" height="18" fill="#e1e4e9"/>"""));
            if (c.Escalated > 0)
            {
                svg.Append(Inv($"""<rect class="bar" x="{labelWidth}" y="{y + 4}" width="{barArea * c.Rate:0.##}" height="18" fill="{EscalatedColour}"/>"""));
            }

            svg.Append(Inv($"""<text x="{labelWidth + barArea + 8}" y="{y + 18}" font-size="12" fill="#1a1a1a">{text}</text></g>"""));
        }

        svg.Append("</svg>");
        return Card("h-categories", "Escalation rate by category",
            Inv($"<figure>{svg}<figcaption class=\"muted\">Of the conversations that got an answer from a category's articles or were escalated under it, how many ended with a ticket in that category.</figcaption></figure>"), wide: true);
    }

    private static string Actions(InsightsReport report)
    {
        var actions = report.Actions;
        if (actions.Count == 0)
        {
            return Card("h-actions", "Self-help actions run", "<p>No self-help actions ran in this range.</p>", wide: true);
        }

        const double width = 800, labelWidth = 200, barArea = 280, rowHeight = 30;
        var max = Math.Max(1, actions.Max(a => a.Total));
        var height = (actions.Count * rowHeight) + 6;
        var svg = new StringBuilder();
        svg.Append(Inv($"""<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="actions-title" data-chart="actions"><title id="actions-title">Self-help actions by outcome</title>"""));
        for (var i = 0; i < actions.Count; i++)
        {
            var a = actions[i];
            var y = 3 + (i * rowHeight);
            var parts = new (string Name, string Css, string Colour, int Value)[]
            {
                ("succeeded", "succeeded", ConfirmedColour, a.Succeeded),
                ("failed", "failed", EscalatedColour, a.Failed),
                ("refused", "refused", "#8a5a00", a.Refused),
                ("cancelled", "cancelled", PotentialColour, a.Cancelled),
                ("needed a technician", "needs", "#0b4f94", a.NeedsTechnician),
            };
            var text = string.Join(", ", parts.Where(p => p.Value > 0).Select(p => Inv($"{p.Value} {p.Name}")));
            svg.Append(Inv($"""<g class="action" data-action="{E(a.ActionId)}" data-total="{a.Total}"><title>{E(a.Title)}: {a.Total} {Plural(a.Total, "run")} — {text}</title>"""));
            svg.Append(Inv($"""<text x="{labelWidth - 8}" y="{y + 18}" text-anchor="end" font-size="12" fill="#1a1a1a">{E(Shorten(a.Title, 28))}</text>"""));
            var x = labelWidth;
            foreach (var part in parts.Where(p => p.Value > 0))
            {
                var w = barArea * part.Value / max;
                svg.Append(Inv($"""<rect class="bar" data-outcome="{part.Css}" data-value="{part.Value}" x="{x:0.##}" y="{y + 4}" width="{w:0.##}" height="18" fill="{part.Colour}"/>"""));
                x += w;
            }

            svg.Append(Inv($"""<text x="{x + 8:0.##}" y="{y + 18}" font-size="12" fill="#1a1a1a">{a.Total}: {text}</text></g>"""));
        }

        svg.Append("</svg>");
        const string legend = """
            <ul class="legend"><li><span class="swatch succeeded" aria-hidden="true"></span>Succeeded</li><li><span class="swatch failed" aria-hidden="true"></span>Failed</li>
            <li><span class="swatch refused" aria-hidden="true"></span>Refused</li><li><span class="swatch cancelled" aria-hidden="true"></span>Cancelled</li>
            <li><span class="swatch needs" aria-hidden="true"></span>Needed a technician</li></ul>
            """;
        return Card("h-actions", "Self-help actions run", Inv($"<figure>{svg}<figcaption>{legend}</figcaption></figure>"), wide: true);
    }

    private static string Gaps(InsightsReport report)
    {
        if (report.Gaps.Count == 0)
        {
            return Card("h-gaps", "Knowledge gaps", "<p>No unanswered or \"still stuck\" questions in this range.</p>", wide: true);
        }

        var rows = string.Concat(report.Gaps.Select((g, i) => Inv($"""
            <tr class="gap" data-count="{g.Count}">
            <td class="num">{i + 1}</td>
            <td><strong class="gap-label">{E(g.Label)}</strong><br><span class="terms" title="Terms the questions share">{E(string.Join(" · ", g.KeyTerms))}</span></td>
            <td class="num gap-count">{g.Count}</td>
            <td class="num">{g.Unanswered}</td>
            <td class="num">{g.StillStuck}</td>
            <td><ul class="examples">{string.Concat(g.Examples.Select(e => $"<li>{E(e)}</li>"))}</ul></td>
            </tr>
            """)));
        return Card("h-gaps", "Knowledge gaps: the articles to write next", Inv($"""
            <p class="muted">Questions the knowledge base couldn't answer, and questions whose answer left the employee "still stuck", grouped by the words they share. The biggest group first.</p>
            <table id="gaps"><thead><tr><th class="num">#</th><th>Gap</th><th class="num">Questions</th><th class="num">Unanswered</th><th class="num">Still stuck</th><th>Examples</th></tr></thead>
            <tbody>{rows}</tbody></table>
            """), wide: true);
    }

    private static string TopQuestions(InsightsReport report)
    {
        if (report.TopQuestions.Count == 0)
        {
            return Card("h-top", "Top questions", "<p>No questions in this range.</p>");
        }

        var rows = string.Concat(report.TopQuestions.Select(q => Inv(
            $"<tr class=\"question\"><td>{E(q.Example)}</td><td class=\"num\">{q.Count}</td><td class=\"num\">{q.Answered}</td></tr>")));
        return Card("h-top", "Top questions", Inv($"""
            <p class="muted">Wordings with the same meaningful words count together ("How do I connect to wifi?" and "how to connect to the wifi"); the latest wording is shown.</p>
            <table id="top-questions"><thead><tr><th>Question</th><th class="num">Asked</th><th class="num">Answered</th></tr></thead><tbody>{rows}</tbody></table>
            """));
    }

    private static string Articles(InsightsReport report)
    {
        if (report.Articles.Count == 0)
        {
            return Card("h-articles", "Article feedback", "<p>No articles were shown in this range.</p>");
        }

        var rows = string.Concat(report.Articles.Select(a => Inv(
            $"<tr class=\"article\" data-article=\"{E(a.ArticleId)}\"><td>{E(a.Title ?? a.ArticleId)}<br><span class=\"terms\">{E(a.ArticleId)}</span></td><td class=\"num\">{a.Shown}</td><td class=\"num\">{a.Helpful}</td><td class=\"num\">{a.StillStuck}</td><td class=\"num\">{(a.HelpfulRate is { } rate ? Percent(rate) : "–")}</td></tr>")));
        return Card("h-articles", "Article feedback", Inv($"""
            <table id="articles"><thead><tr><th>Article</th><th class="num">Shown</th><th class="num">That fixed it</th><th class="num">Still stuck</th><th class="num">Helpful</th></tr></thead><tbody>{rows}</tbody></table>
            """));
    }

    private static string Card(string id, string title, string body, bool wide = false) =>
        Inv($"<section class=\"card{(wide ? " wide" : string.Empty)}\" aria-labelledby=\"{id}\"><h2 id=\"{id}\">{E(title)}</h2>{body}</section>");

    private static string OutcomeLegend() => "<ul class=\"legend\">" + string.Concat(Enum.GetValues<ConversationOutcome>().Select(o =>
        $"<li><span class=\"swatch {o.ToString().ToLowerInvariant()}\" aria-hidden=\"true\"></span>{OutcomeName(o)}</li>")) + "</ul>";

    private static string OutcomeSentence(OutcomeSplit o) => Inv(
        $"{o.Confirmed} confirmed ({Percent(o.Share(ConversationOutcome.Confirmed))}), {o.Potential} potential ({Percent(o.Share(ConversationOutcome.Potential))}), {o.Escalated} escalated ({Percent(o.Share(ConversationOutcome.Escalated))}) of {o.Conversations}.");

    private static string DayText(DayOutcomes d) => Inv(
        $"{d.Day.ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture)}: {d.Conversations} {Plural(d.Conversations, "conversation")} ({d.Confirmed} confirmed, {d.Potential} potential, {d.Escalated} escalated)");

    private static string Busiest(IReadOnlyList<DayOutcomes> days)
    {
        var top = days.OrderByDescending(d => d.Conversations).FirstOrDefault();
        return top is null || top.Conversations == 0 ? "none" : Inv($"{AdminRange.Text(top.Day)} with {top.Conversations}");
    }

    private static string Colour(ConversationOutcome outcome) => outcome switch
    {
        ConversationOutcome.Confirmed => ConfirmedColour,
        ConversationOutcome.Potential => PotentialColour,
        _ => EscalatedColour,
    };

    // 1, 2, 5, 10, 20, 50…: an axis top a person can read.
    private static int NiceCeiling(int value)
    {
        if (value <= 1)
        {
            return 1;
        }

        for (var magnitude = 1; ; magnitude *= 10)
        {
            foreach (var factor in new[] { 1, 2, 5 })
            {
                if (factor * magnitude >= value)
                {
                    return factor * magnitude;
                }
            }
        }
    }

    private static string Percent(double share) => share.ToString("0%", CultureInfo.InvariantCulture);

    private static string Plural(int count, string noun) => count == 1 ? noun : noun + "s";

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private static string E(string? text) => Encoder.Encode(text ?? string.Empty);

    private static string Inv(FormattableString text) => FormattableString.Invariant(text);
}
