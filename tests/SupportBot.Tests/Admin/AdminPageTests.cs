using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SupportBot.Tests.Infrastructure;
using SupportBot.Tests.Technicians;

namespace SupportBot.Tests.Admin;

/// <summary>
/// The IT lead's insight page, over real HTTP: conversations held through /api/messages, then /admin and its CSV read
/// as a signed-in admin — the figures a person would read, the refusals, the redaction and the formula neutralising.
/// </summary>
public sealed partial class AdminPageTests : IAsyncLifetime
{
    private const string Hyperlink = "=HYPERLINK(\"http://evil\",\"click\")";
    private static readonly string[] Formulas = [Hyperlink, "+cmd", "-2+3", "@SUM(1+1)"];
    private readonly string _folder = ConsoleHost.NewFolder();
    private BotHost _host = null!;
    private ChannelRecorder _channel = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var settings = ConsoleHost.Settings(_folder);
        settings["Tickets:Technicians:0:Admin"] = "true"; // ada is the IT lead; grace and linus are technicians
        settings["Insights:DatabaseFile"] = Path.Combine(_folder, "insights.db");
        settings["Insights:MinutesPerTicket"] = "30";
        _host = BotHost.Start(settings);
        _channel = await ChannelRecorder.StartAsync();
        _client = _host.NewClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _channel.DisposeAsync();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task AdminPageAndCsv_ShowTheConversationsOutcomes_Gaps_AndHoursSavedWithTheirAssumptions()
    {
        // Confirmed: "That fixed it" on the printer article.
        var printer = Chat(DemoPeople.Adele);
        await printer.SayAsync("my printer is jammed");
        await printer.SayAsync("That fixed it");

        // Escalated: "Still stuck" on the Outlook article, then the ticket.
        var outlook = Chat(DemoPeople.Megan);
        await outlook.SayAsync("outlook isn't syncing my emails");
        await outlook.SayAsync("Still stuck");
        Assert.Matches(@"SB-\d+", (await outlook.SayAsync("Send it")).Text());

        // Confirmed: a self-help action that succeeded.
        var restart = Chat(DemoPeople.Adele);
        var card = await restart.SayAsync("restart my laptop");
        Assert.Contains("will restart", (await restart.SubmitAsync(card.ConfirmData())).Text(), StringComparison.Ordinal);

        // Potential: two unanswered questions about one thing, two about another (one with contact details), and
        // questions a spreadsheet would run as formulas.
        var zorblax = Chat(DemoPeople.Alex);
        await zorblax.SayAsync("The zorblax on my desk won't glorp");
        await zorblax.SayAsync("The zorblax still refuses to glorp");
        var quux = Chat(DemoPeople.Adele);
        await quux.SayAsync("the quuxometer in the lobby is flarping");
        await quux.SayAsync("quuxometer flarping again: adele.vance@contoso.com, +44 20 7946 0958, Adele Vance");
        var formulas = Chat(DemoPeople.Megan);
        foreach (var formula in Formulas)
        {
            await formulas.SayAsync(formula);
        }

        using var admin = await SignedInAsync("ada", ConsoleHost.AdaPassword);
        using var page = await admin.SendAsync(Navigate("admin"));
        var html = await page.Content.ReadAsStringAsync();
        Assert.True(page.StatusCode == HttpStatusCode.OK, html);
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        var text = WebUtility.HtmlDecode(Tags().Replace(html, string.Empty));

        // The headline and the outcome split.
        Assert.Contains("6 conversations from", text, StringComparison.Ordinal);
        Assert.Contains("2 confirmed deflections (33%)", text, StringComparison.Ordinal);
        Assert.Contains("3 potential (50%)", text, StringComparison.Ordinal);
        Assert.Contains("1 escalated (17%)", text, StringComparison.Ordinal);
        Assert.Contains("Confirmed deflection: 2 (33%)", text, StringComparison.Ordinal);
        Assert.Contains("Escalated: 1 (17%)", text, StringComparison.Ordinal);

        // Conversations per day: today's bar, stacked by outcome.
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($"<g class=\"day\" data-day=\"{today}\" data-conversations=\"6\">", html, StringComparison.Ordinal);
        Assert.Contains("data-outcome=\"confirmed\" data-value=\"2\"", html, StringComparison.Ordinal);

        // Hours saved, with the formula and the assumptions beside it: (2 × 30 + 3 × 30 × 0.5) ÷ 60 = 1.75.
        Assert.Contains("data-hours=\"1.75\"", html, StringComparison.Ordinal);
        Assert.Contains("(2 confirmed × 30 min + 3 potential × 30 min × 0.5) ÷ 60 = 1.75 hours", text, StringComparison.Ordinal);
        Assert.Contains("30 (setting Insights:MinutesPerTicket)", text, StringComparison.Ordinal);
        Assert.Contains("0.5 of a ticket (setting Insights:PotentialDeflectionCredit)", text, StringComparison.Ordinal);

        // Escalation rate by category (the handoff's category), actions, article feedback.
        Assert.Contains(": 1 of 1 conversation escalated (100%)", text, StringComparison.Ordinal);
        Assert.Matches(@"printing: 0 of \d conversations? escalated \(0%\)", text);
        Assert.Contains("1 run — 1 succeeded", text, StringComparison.Ordinal);
        Assert.Matches(ArticleRow("printer-troubleshoot", shown: 1, fixedIt: 1, stuck: 0), html);
        Assert.Matches(ArticleRow("outlook-not-syncing", shown: 1, fixedIt: 0, stuck: 1), html);

        // Knowledge gaps: each topic one cluster with its count and examples; contact details redacted.
        var gaps = GapRow().Matches(html).Select(m => (Count: int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), Text: WebUtility.HtmlDecode(m.Groups[2].Value))).ToList();
        var zorblaxGap = Assert.Single(gaps, g => g.Text.Contains("zorblax", StringComparison.Ordinal));
        Assert.Equal(2, zorblaxGap.Count);
        Assert.Contains("The zorblax on my desk won't glorp", zorblaxGap.Text, StringComparison.Ordinal);
        Assert.Contains("The zorblax still refuses to glorp", zorblaxGap.Text, StringComparison.Ordinal);
        var quuxGap = Assert.Single(gaps, g => g.Text.Contains("quuxometer", StringComparison.Ordinal));
        Assert.Equal(2, quuxGap.Count);
        Assert.Contains("quuxometer flarping again: [email], [phone], [name]", quuxGap.Text, StringComparison.Ordinal);
        Assert.Contains(gaps, g => g.Count == 1 && g.Text.Contains("outlook isn't syncing my emails", StringComparison.Ordinal));
        Assert.DoesNotContain("contoso.com", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("7946", text, StringComparison.Ordinal);

        // What an employee typed shows as text, never as markup.
        Assert.Contains(Hyperlink, text, StringComparison.Ordinal);

        // The CSV: the same figures, formulas neutralised, contact details redacted.
        var csvLink = WebUtility.HtmlDecode(ExportLink().Match(html).Groups[1].Value);
        using var export = await admin.GetAsync(csvLink.TrimStart('/'));
        var csvText = await export.Content.ReadAsStringAsync();
        Assert.True(export.StatusCode == HttpStatusCode.OK, csvText);
        Assert.Equal("text/csv", export.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", export.Content.Headers.ContentDisposition?.DispositionType);
        Assert.EndsWith(".csv", export.Content.Headers.ContentDisposition?.FileNameStar ?? export.Content.Headers.ContentDisposition?.FileName?.Trim('"'), StringComparison.Ordinal);
        var csv = Csv.Sections(csvText);

        Assert.Contains([today, "6", "2", "3", "1"], csv["Conversations per day"]);
        Assert.Contains(["Escalated", "1", "0.1667"], csv["Outcomes"]);
        Assert.Contains(["Hours saved", "1.75"], csv["Technician hours saved"]);
        Assert.Contains(["Minutes per routine ticket (Insights:MinutesPerTicket)", "30"], csv["Technician hours saved"]);
        Assert.Contains(["Share of a potential deflection credited (Insights:PotentialDeflectionCredit)", "0.5"], csv["Technician hours saved"]);
        Assert.Contains(csv["Escalation rate by category"], r => r.Skip(1).SequenceEqual(["1", "1", "1"]));
        var zorblaxRow = Assert.Single(csv["Knowledge gaps"], r => r[0].Contains("zorblax", StringComparison.Ordinal));
        Assert.Equal("2", zorblaxRow[1]);
        Assert.Contains(csv["Knowledge gaps"], r => r.Contains("quuxometer flarping again: [email], [phone], [name]"));
        Assert.DoesNotContain("contoso.com", csvText, StringComparison.OrdinalIgnoreCase);

        var cells = csv.Values.SelectMany(rows => rows).SelectMany(row => row).ToList();
        Assert.Contains("'" + Hyperlink, cells);
        Assert.Contains("'+cmd", cells);
        Assert.Contains("'-2+3", cells);
        Assert.Contains("'@SUM(1+1)", cells);
        Assert.All(cells, cell => Assert.False(cell.Length > 0 && cell[0] is '=' or '+' or '-' or '@' or '\t' or '\r', $"a cell a spreadsheet would run: {cell}"));
    }

    [Fact]
    public async Task WithoutSignIn_TheBrowserIsSentToSignIn_AndScriptsGet401_ForThePageAndTheCsv()
    {
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _host.BaseAddress };

        using var page = await anonymous.SendAsync(Navigate("admin?from=2026-11-01"));
        using var csvInBrowser = await anonymous.SendAsync(Navigate("admin/export.csv"));
        using var pageByScript = await anonymous.GetAsync("admin");
        using var csvByScript = await anonymous.GetAsync("admin/export.csv");

        Assert.Equal(HttpStatusCode.Found, page.StatusCode);
        Assert.Equal("/technician/login?returnUrl=%2Fadmin%3Ffrom%3D2026-11-01", page.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Found, csvInBrowser.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, pageByScript.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, csvByScript.StatusCode);
        Assert.DoesNotContain("Section", await csvByScript.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SigningInFromTheRedirect_ComesBackToTheInsightPage()
    {
        var console = new ConsoleClient(_host);
        using var response = await console.SignInAsync("ada", ConsoleHost.AdaPassword, returnUrl: "/admin?from=2026-11-01");

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("/admin?from=2026-11-01", response.Headers.Location?.OriginalString);
        console.Dispose();
    }

    [Fact]
    public async Task TechnicianWhoIsNotAnAdmin_Gets403SayingSo_AndNoLinkInTheConsole()
    {
        using var grace = await SignedInAsync("grace", ConsoleHost.GracePassword);
        using var ada = await SignedInAsync("ada", ConsoleHost.AdaPassword);

        using var page = await grace.SendAsync(Navigate("admin"));
        using var csv = await grace.GetAsync("admin/export.csv");

        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        var text = WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync());
        Assert.Contains("You're signed in as Grace Hopper, a technician but not an admin", text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, csv.StatusCode);
        Assert.False(await AdminFlagAsync(grace));
        Assert.True(await AdminFlagAsync(ada));
    }

    [Theory]
    [InlineData("from=2026-13-45", "The start date \"2026-13-45\" isn't a date the page understands. Use YYYY-MM-DD")]
    [InlineData("from=yesterday&to=2026-11-20", "The start date \"yesterday\" isn't a date")]
    [InlineData("from=2026-11-20&to=2026-11-01", "The range starts (2026-11-20) after it ends (2026-11-01).")]
    [InlineData("from=2020-01-01&to=2026-11-01", "the page shows at most 366 days at a time")]
    public async Task MalformedDateRange_IsAnsweredWith400AndAMessageSayingWhatIsWrong(string query, string message)
    {
        using var admin = await SignedInAsync("ada", ConsoleHost.AdaPassword);

        using var page = await admin.SendAsync(Navigate("admin?" + query));
        using var csv = await admin.GetAsync("admin/export.csv?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        var text = WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync());
        Assert.Contains(message, text, StringComparison.Ordinal);
        Assert.Contains("role=\"alert\"", text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, csv.StatusCode);
        Assert.Contains(message.Replace("\"", "\\\"", StringComparison.Ordinal), await csv.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private TeamsChat Chat(TeamsUser user) => new(_client, _channel, user);

    private async Task<HttpClient> SignedInAsync(string userName, string password)
    {
        using var console = new ConsoleClient(_host);
        using var response = await console.SignInAsync(userName, password);
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        return new HttpClient(new HttpClientHandler { CookieContainer = console.Cookies, UseCookies = true, AllowAutoRedirect = false })
        {
            BaseAddress = _host.BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    private static async Task<bool> AdminFlagAsync(HttpClient client)
    {
        using var session = await client.GetAsync("api/technician/session");
        var json = JsonDocument.Parse(await session.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("admin").GetBoolean();
    }

    /// <summary>What a browser sends when the address bar or a link opens the page.</summary>
    private static HttpRequestMessage Navigate(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        request.Headers.Add("Sec-Fetch-Mode", "navigate");
        return request;
    }

    private static Regex ArticleRow(string articleId, int shown, int fixedIt, int stuck) => new(
        $"<tr class=\"article\" data-article=\"{Regex.Escape(articleId)}\">.*?<td class=\"num\">{shown}</td><td class=\"num\">{fixedIt}</td><td class=\"num\">{stuck}</td>");

    [GeneratedRegex("<tr class=\"gap\" data-count=\"(\\d+)\">(.*?)</tr>", RegexOptions.Singleline)]
    private static partial Regex GapRow();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();

    [GeneratedRegex("id=\"export\" href=\"([^\"]+)\"")]
    private static partial Regex ExportLink();

    /// <summary>Reads the export: RFC 4180 cells, grouped by the "Section,name" rows (header rows dropped).</summary>
    private static class Csv
    {
        public static Dictionary<string, List<string[]>> Sections(string text)
        {
            var sections = new Dictionary<string, List<string[]>>(StringComparer.Ordinal);
            List<string[]>? current = null;
            var expectHeader = false;
            foreach (var row in Rows(text.TrimStart('\uFEFF')))
            {
                if (row is ["Section", var name])
                {
                    current = sections[name] = [];
                    expectHeader = true;
                }
                else if (expectHeader)
                {
                    expectHeader = false;
                }
                else if (current is not null && row is not [""])
                {
                    current.Add(row);
                }
            }

            return sections;
        }

        private static IEnumerable<string[]> Rows(string text)
        {
            var row = new List<string>();
            var cell = new StringBuilder();
            var quoted = false;
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (quoted)
                {
                    if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                    {
                        cell.Append('"');
                        i++;
                    }
                    else if (c == '"')
                    {
                        quoted = false;
                    }
                    else
                    {
                        cell.Append(c);
                    }
                }
                else if (c == '"')
                {
                    quoted = true;
                }
                else if (c == ',')
                {
                    row.Add(cell.ToString());
                    cell.Clear();
                }
                else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    row.Add(cell.ToString());
                    cell.Clear();
                    yield return [.. row];
                    row.Clear();
                    i++;
                }
                else
                {
                    cell.Append(c);
                }
            }
        }
    }
}
