using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SupportBot.Skills.Tickets;
using SupportBot.Skills.Tickets.Jira;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.Tickets;

/// <summary>
/// Escalations filed as Jira Service Management customer requests, against a local site that speaks the documented
/// shapes: what a request carries, how it is found again by its idempotency key (in a custom field or, without one,
/// in the description), and how each failure is reported.
/// </summary>
public sealed class JiraTicketSystemTests : IAsyncLifetime
{
    // One client for all tests, as the host's factory shares handlers.
    private static readonly HttpClient Http = new();

    private JiraServer _site = null!;

    public async Task InitializeAsync() => _site = await JiraServer.StartAsync();

    public async Task DisposeAsync() => await _site.DisposeAsync();

    [Fact]
    public async Task Create_ReturnsTheIssueKeyAndThePortalLink()
    {
        var sut = Jira();

        var receipt = await sut.CreateAsync(Draft("conv-1:esc-1"), CancellationToken.None);

        Assert.Single(_site.Issues);
        Assert.Equal("HELP-1", receipt.Number);
        Assert.Equal("Jira", receipt.System);
        Assert.Equal($"{_site.BaseUrl}/servicedesk/customer/portal/{JiraServer.ServiceDeskId}/HELP-1", receipt.Url);
    }

    [Fact]
    public async Task Create_PostsTheCustomerRequestWithBasicAuth()
    {
        var sut = Jira();

        await sut.CreateAsync(Draft("conv-1:esc-1"), CancellationToken.None);

        var request = Assert.Single(_site.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/rest/servicedeskapi/request", request.Path);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{JiraServer.Email}:{JiraServer.ApiToken}")), request.Headers["Authorization"]);
        Assert.Contains("application/json", request.Headers["Accept"], StringComparison.Ordinal);
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal(JiraServer.ServiceDeskId, (string?)body["serviceDeskId"]);
        Assert.Equal(JiraServer.RequestTypeId, (string?)body["requestTypeId"]);
        Assert.Equal("adele.vance@contoso.example", (string?)body["raiseOnBehalfOf"]);
    }

    [Fact]
    public async Task Create_TheRequestCarriesTheWholeStoryAndTheKey()
    {
        var sut = Jira();

        await sut.CreateAsync(Draft("conv-1:esc-1"), CancellationToken.None);

        var issue = Assert.Single(_site.Issues);
        Assert.Equal("Outlook keeps asking for my password", (string?)issue["summary"]);
        Assert.Equal("conv-1:esc-1", (string?)issue[JiraServer.IdempotencyField]);
        Assert.Equal("adele.vance@contoso.example", (string?)issue["raiseOnBehalfOf"]);
        var description = (string?)issue["description"] ?? string.Empty;
        Assert.StartsWith("{noformat}\nSince this morning Outlook prompts for my password every few minutes.", description, StringComparison.Ordinal);
        string[] parts =
        [
            "Summary: Outlook credential prompts loop after the password change; restart and sign-out did not help.",
            "Priority: High",
            "Why: can't work; VIP",
            "Category: email",
            "Requester: Adele Vance <adele.vance@contoso.example> via msteams",
            "Device: LAPTOP-ADELE01, Windows 11 23H2",
            "- Fix Outlook password prompts (kb-outlook-prompts): did not help",
            "- Reset your password (kb-password-reset): helped",
            "- Outlook safe mode (kb-outlook-safe): no feedback",
            "- restart-device on LAPTOP-ADELE01: Restart sent; the prompts came back",
            "- revoke-sessions: Sessions revoked",
            "[2025-03-14 09:30 UTC] Employee: Outlook keeps asking for my password",
            "[2025-03-14 09:31 UTC] SupportBot: Let's try signing you out everywhere.",
            "[2025-03-14 09:33 UTC] Employee: Still asking. I need a person.",
        ];
        Assert.All(parts, part => Assert.Contains(part, description, StringComparison.Ordinal));
        Assert.EndsWith("{noformat}\n\nSupportBot-Key: conv-1:esc-1", description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_EmployeeTextCannotBreakOutOfTheNoformatBlock()
    {
        var sut = Jira();

        await sut.CreateAsync(Draft("conv-1:esc-1") with { Description = "before {noformat} *bold* [link|http://x]" }, CancellationToken.None);

        var description = (string)Assert.Single(_site.Issues)["description"]!;
        Assert.Equal(2, description.Split("{noformat}").Length - 1);
        Assert.Contains("*bold* [link|http://x]", description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_WithoutIdempotencyFieldOrEmail_SendsNeitherAndKeepsTheKeyLine()
    {
        var sut = Jira(idempotencyField: null);
        var draft = Draft("conv-1:esc-1");

        await sut.CreateAsync(draft with { Requester = draft.Requester with { Email = null } }, CancellationToken.None);

        var body = JsonNode.Parse(Assert.Single(_site.Requests).Body)!;
        Assert.Null(body["raiseOnBehalfOf"]);
        Assert.Equal(["summary", "description"], body["requestFieldValues"]!.AsObject().Select(f => f.Key));
        Assert.EndsWith("SupportBot-Key: conv-1:esc-1", (string?)body["requestFieldValues"]!["description"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Find_ByIdempotencyField_ReturnsTheIssueFiledUnderTheKey()
    {
        var sut = Jira();
        await sut.CreateAsync(Draft("conv-1:esc-1"), CancellationToken.None);
        await sut.CreateAsync(Draft("conv-2:esc-1"), CancellationToken.None);

        var found = await sut.FindAsync("conv-2:esc-1", CancellationToken.None);

        Assert.Equal(new TicketReceipt("HELP-2", "Jira", $"{_site.BaseUrl}/browse/HELP-2"), found);
        var search = _site.Requests[^1];
        Assert.Equal("/rest/api/3/search/jql", search.Path);
        Assert.Equal("cf[10050] ~ \"\\\"conv-2:esc-1\\\"\"", search.Query["jql"]);
        Assert.Equal("key,customfield_10050", search.Query["fields"]);
    }

    [Fact]
    public async Task Find_WithoutIdempotencyField_FindsTheKeyLineInTheDescription()
    {
        var sut = Jira(idempotencyField: null);
        await sut.CreateAsync(Draft("conv-1:esc-1"), CancellationToken.None);
        await sut.CreateAsync(Draft("conv-2:esc-1"), CancellationToken.None);

        var found = await sut.FindAsync("conv-1:esc-1", CancellationToken.None);

        Assert.Equal("HELP-1", found?.Number);
        Assert.Equal("text ~ \"\\\"SupportBot-Key: conv-1:esc-1\\\"\"", _site.Requests[^1].Query["jql"]);
    }

    [Theory]
    [InlineData(JiraServer.IdempotencyField)]
    [InlineData(null)]
    public async Task Find_WhenTheTextSearchAlsoMatchesALongerKey_ReturnsOnlyTheExactOne(string? idempotencyField)
    {
        var sut = Jira(idempotencyField);
        await sut.CreateAsync(Draft("conv-1:esc-1"), CancellationToken.None);
        await sut.CreateAsync(Draft("conv-1:esc-1:retry"), CancellationToken.None);

        var found = await sut.FindAsync("conv-1:esc-1", CancellationToken.None);

        Assert.Equal("HELP-1", found?.Number);
    }

    [Theory]
    [InlineData(JiraServer.IdempotencyField)]
    [InlineData(null)]
    public async Task Find_AnUnknownKey_ReturnsNull(string? idempotencyField)
    {
        var sut = Jira(idempotencyField);
        await sut.CreateAsync(Draft("conv-1:esc-1"), CancellationToken.None);

        var found = await sut.FindAsync("conv-9:esc-9", CancellationToken.None);

        Assert.Null(found);
    }

    [Fact]
    public async Task Find_AKeyWithQuotes_IsEscapedInTheJql()
    {
        var sut = Jira();
        await sut.CreateAsync(Draft("say \"hi\" \\ bye"), CancellationToken.None);

        var found = await sut.FindAsync("say \"hi\" \\ bye", CancellationToken.None);

        Assert.Equal("HELP-1", found?.Number);
    }

    [Fact]
    public async Task WrongApiToken_IsUnauthorized_AndTheMessageHoldsNoSecretAndNoTicketText()
    {
        var sut = Jira(apiToken: "ATATT-wrong-token-9q");

        var ex = await Assert.ThrowsAsync<TicketSystemException>(() => sut.CreateAsync(Draft("conv-1:esc-1"), CancellationToken.None));

        Assert.Equal(TicketSystemFailure.Unauthorized, ex.Failure);
        Assert.Contains("Tickets:Jira:ApiToken", ex.Message, StringComparison.Ordinal);
        AssertNothingSecret(ex, "ATATT-wrong-token-9q");
        Assert.Empty(_site.Issues);
    }

    [Fact]
    public async Task WrongApiToken_OnFind_IsUnauthorized()
    {
        var sut = Jira(apiToken: "ATATT-wrong-token-9q");

        var ex = await Assert.ThrowsAsync<TicketSystemException>(() => sut.FindAsync("conv-1:esc-1", CancellationToken.None));

        Assert.Equal(TicketSystemFailure.Unauthorized, ex.Failure);
    }

    [Fact]
    public async Task Forbidden_IsReportedAsForbidden()
    {
        var sut = Jira();
        _site.Fail(403);

        var ex = await Assert.ThrowsAsync<TicketSystemException>(() => sut.CreateAsync(Draft("conv-1:esc-1"), CancellationToken.None));

        Assert.Equal(TicketSystemFailure.Forbidden, ex.Failure);
    }

    [Fact]
    public async Task RateLimited_IsThrottled_WithRetryAfter()
    {
        var sut = Jira();
        _site.Fail(429, retryAfter: "17");

        var ex = await Assert.ThrowsAsync<TicketSystemException>(() => sut.CreateAsync(Draft("conv-1:esc-1"), CancellationToken.None));

        Assert.Equal(TicketSystemFailure.Throttled, ex.Failure);
        Assert.Equal(TimeSpan.FromSeconds(17), ex.RetryAfter);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    public async Task ServerError_IsUnavailable(int status)
    {
        var sut = Jira();
        _site.Fail(status);

        var ex = await Assert.ThrowsAsync<TicketSystemException>(() => sut.FindAsync("conv-1:esc-1", CancellationToken.None));

        Assert.Equal(TicketSystemFailure.Unavailable, ex.Failure);
    }

    [Fact]
    public async Task BadRequest_IsRejected_WithoutQuotingTheTicket()
    {
        var sut = Jira();
        _site.Fail(400);

        var ex = await Assert.ThrowsAsync<TicketSystemException>(() => sut.CreateAsync(Draft("conv-1:esc-1"), CancellationToken.None));

        Assert.Equal(TicketSystemFailure.Rejected, ex.Failure);
        AssertNothingSecret(ex, JiraServer.ApiToken);
    }

    [Fact]
    public async Task AWrongRequestType_IsRejected()
    {
        var sut = Jira(requestTypeId: "999");

        var ex = await Assert.ThrowsAsync<TicketSystemException>(() => sut.CreateAsync(Draft("conv-1:esc-1"), CancellationToken.None));

        Assert.Equal(TicketSystemFailure.Rejected, ex.Failure);
        Assert.Empty(_site.Issues);
    }

    [Fact]
    public async Task SlowSite_IsUnavailable_WithinTheDeadline()
    {
        var sut = Jira(timeout: TimeSpan.FromSeconds(1));
        _site.Delay(TimeSpan.FromSeconds(20));
        var clock = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<TicketSystemException>(() => sut.CreateAsync(Draft("conv-1:esc-1"), CancellationToken.None));

        Assert.Equal(TicketSystemFailure.Unavailable, ex.Failure);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(4));
        Assert.Empty(_site.Issues);
    }

    [Fact]
    public async Task NothingListening_IsUnavailable()
    {
        using var closed = new ClosedPort();
        var sut = Jira(baseUrl: $"http://127.0.0.1:{closed.Port}");

        var ex = await Assert.ThrowsAsync<TicketSystemException>(() => sut.CreateAsync(Draft("conv-1:esc-1"), CancellationToken.None));

        Assert.Equal(TicketSystemFailure.Unavailable, ex.Failure);
    }

    [Theory]
    [InlineData(JiraServer.IdempotencyField)]
    [InlineData(null)]
    public async Task CrashBetweenSentAndRecorded_CreateFails_ThenFindReturnsTheStoredIssue_SoARetryFilesNoDuplicate(string? idempotencyField)
    {
        var sut = Jira(idempotencyField);
        _site.CrashAfterRecording();

        var ex = await Assert.ThrowsAsync<TicketSystemException>(() => sut.CreateAsync(Draft("conv-1:esc-1"), CancellationToken.None));
        var found = await sut.FindAsync("conv-1:esc-1", CancellationToken.None);

        Assert.Equal(TicketSystemFailure.Unavailable, ex.Failure);
        var stored = Assert.Single(_site.Issues);
        Assert.Equal(new TicketReceipt((string)stored["key"]!, "Jira", $"{_site.BaseUrl}/browse/{stored["key"]}"), found);
    }

    [Fact]
    public void MissingRequestType_FailsAtConstruction_NamingTheSetting()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Jira(requestTypeId: " "));

        Assert.Contains("Tickets:Jira:RequestTypeId", ex.Message, StringComparison.Ordinal);
    }

    private JiraTicketSystem Jira(
        string? idempotencyField = JiraServer.IdempotencyField,
        string apiToken = JiraServer.ApiToken,
        string requestTypeId = JiraServer.RequestTypeId,
        string? baseUrl = null,
        TimeSpan? timeout = null)
    {
        var options = new TicketOptions
        {
            System = TicketSystemKind.Jira,
            Timeout = timeout ?? TimeSpan.FromSeconds(5),
            Jira =
            {
                BaseUrl = baseUrl ?? _site.BaseUrl,
                Email = JiraServer.Email,
                ApiToken = apiToken,
                ServiceDeskId = JiraServer.ServiceDeskId,
                RequestTypeId = requestTypeId,
                IdempotencyField = idempotencyField,
            },
        };
        return new JiraTicketSystem(Http, Options.Create(options), NullLogger<JiraTicketSystem>.Instance);
    }

    private static TicketDraft Draft(string key) => ServiceNowTicketSystemTests.Draft(key);

    private static void AssertNothingSecret(TicketSystemException ex, string token)
    {
        var all = string.Join('\n', Chain(ex).Select(e => e.Message));
        Assert.DoesNotContain(token, all, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes($"{JiraServer.Email}:{token}")), all, StringComparison.Ordinal);
        Assert.DoesNotContain("Basic ", all, StringComparison.Ordinal);
        Assert.DoesNotContain("Outlook", all, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("adele", all, StringComparison.OrdinalIgnoreCase);
    }

    private static IEnumerable<Exception> Chain(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }
}
