using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SupportBot.Skills.Tickets;
using SupportBot.Skills.Tickets.Jira;

namespace SupportBot.Tests.Tickets;

/// <summary>
/// Escalations filed as Jira Service Management customer requests, against a local site that speaks the documented
/// shapes: what a request carries, how it is found again by its idempotency key (in a custom field or, without one,
/// in the description); how each failure is reported is in <see cref="TicketSystemContractTests{TServer}"/>.
/// </summary>
public sealed class JiraTicketSystemTests() : TicketSystemContractTests<JiraServer>(JiraServer.Email, JiraServer.ApiToken, credentialsSetting: "Tickets:Jira:ApiToken")
{
    private JiraServer Site => Server;

    [Fact]
    public async Task Create_ReturnsTheIssueKeyAndThePortalLink()
    {
        var sut = Jira();

        var receipt = await sut.CreateAsync(Draft("conv-1:esc-1"), CancellationToken.None);

        Assert.Single(Site.Issues);
        Assert.Equal("HELP-1", receipt.Number);
        Assert.Equal("Jira", receipt.System);
        Assert.Equal($"{Site.BaseUrl}/servicedesk/customer/portal/{JiraServer.ServiceDeskId}/HELP-1", receipt.Url);
    }

    [Fact]
    public async Task Create_PostsTheCustomerRequestWithBasicAuth()
    {
        var sut = Jira();

        await sut.CreateAsync(Draft("conv-1:esc-1"), CancellationToken.None);

        var request = AssertPostedWithBasicAuthAsJson("/rest/servicedeskapi/request");
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

        var issue = Assert.Single(Site.Issues);
        Assert.Equal("Outlook keeps asking for my password", (string?)issue["summary"]);
        Assert.Equal("conv-1:esc-1", (string?)issue[JiraServer.IdempotencyField]);
        Assert.Equal("adele.vance@contoso.example", (string?)issue["raiseOnBehalfOf"]);
        var description = (string?)issue["description"] ?? string.Empty;
        Assert.StartsWith("{noformat}\nSince this morning Outlook prompts for my password every few minutes.", description, StringComparison.Ordinal);
        AssertTellsTheWholeStory(description);
        Assert.Contains("Category: email", description, StringComparison.Ordinal);
        Assert.EndsWith("{noformat}\n\nSupportBot-Key: conv-1:esc-1", description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_EmployeeTextCannotBreakOutOfTheNoformatBlock()
    {
        var sut = Jira();

        await sut.CreateAsync(Draft("conv-1:esc-1") with { Description = "before {noformat} *bold* [link|http://x]" }, CancellationToken.None);

        var description = (string)Assert.Single(Site.Issues)["description"]!;
        Assert.Equal(2, description.Split("{noformat}").Length - 1);
        Assert.Contains("*bold* [link|http://x]", description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_WithoutIdempotencyFieldOrEmail_SendsNeitherAndKeepsTheKeyLine()
    {
        var sut = Jira(idempotencyField: null);
        var draft = Draft("conv-1:esc-1");

        await sut.CreateAsync(draft with { Requester = draft.Requester with { Email = null } }, CancellationToken.None);

        var body = JsonNode.Parse(Assert.Single(Site.Requests).Body)!;
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

        Assert.Equal(new TicketReceipt("HELP-2", "Jira", $"{Site.BaseUrl}/browse/HELP-2"), found);
        var search = Site.Requests[^1];
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
        Assert.Equal("text ~ \"\\\"SupportBot-Key: conv-1:esc-1\\\"\"", Site.Requests[^1].Query["jql"]);
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

    [Fact]
    public Task Find_AnUnknownKey_WithoutIdempotencyField_ReturnsNull() => AssertAnUnknownKeyIsNotFoundAsync(Jira(idempotencyField: null));

    [Fact]
    public async Task Find_AKeyWithQuotes_IsEscapedInTheJql()
    {
        var sut = Jira();
        await sut.CreateAsync(Draft("say \"hi\" \\ bye"), CancellationToken.None);

        var found = await sut.FindAsync("say \"hi\" \\ bye", CancellationToken.None);

        Assert.Equal("HELP-1", found?.Number);
    }

    [Fact]
    public async Task AWrongRequestType_IsRejected()
    {
        var sut = Jira(requestTypeId: "999");

        var ex = await Assert.ThrowsAsync<TicketSystemException>(() => sut.CreateAsync(Draft("conv-1:esc-1"), CancellationToken.None));

        Assert.Equal(TicketSystemFailure.Rejected, ex.Failure);
        Assert.Empty(Site.Issues);
    }

    [Fact]
    public Task CrashBetweenSentAndRecorded_WithoutIdempotencyField_FindReadsTheKeyLine_SoARetryFilesNoDuplicate() =>
        AssertALostCreateIsFoundAgainAsync(Jira(idempotencyField: null));

    [Fact]
    public void MissingRequestType_FailsAtConstruction_NamingTheSetting()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Jira(requestTypeId: " "));

        Assert.Contains("Tickets:Jira:RequestTypeId", ex.Message, StringComparison.Ordinal);
    }

    protected override Task<JiraServer> StartAsync() => JiraServer.StartAsync();

    protected override ITicketSystem Connect(string? url, string? secret, TimeSpan? timeout) =>
        Jira(apiToken: secret ?? JiraServer.ApiToken, baseUrl: url, timeout: timeout);

    protected override TicketReceipt ReceiptFor(JsonObject stored) =>
        new((string)stored["key"]!, "Jira", $"{Site.BaseUrl}/browse/{stored["key"]}");

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
                BaseUrl = baseUrl ?? Site.BaseUrl,
                Email = JiraServer.Email,
                ApiToken = apiToken,
                ServiceDeskId = JiraServer.ServiceDeskId,
                RequestTypeId = requestTypeId,
                IdempotencyField = idempotencyField,
            },
        };
        return new JiraTicketSystem(Http, Options.Create(options), NullLogger<JiraTicketSystem>.Instance);
    }
}
