using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SupportBot.Skills.Conversation;
using SupportBot.Skills.Tickets;
using SupportBot.Skills.Tickets.ServiceNow;

namespace SupportBot.Tests.Tickets;

/// <summary>
/// Escalations filed in ServiceNow through the Table API, against a local instance that speaks its documented shapes:
/// what an incident carries and how it is found again by its idempotency key; how each failure is reported is in
/// <see cref="TicketSystemContractTests{TServer}"/>.
/// </summary>
public sealed class ServiceNowTicketSystemTests() : TicketSystemContractTests<ServiceNowServer>(ServiceNowServer.UserName, ServiceNowServer.Password, credentialsSetting: "Tickets:ServiceNow:UserName")
{
    private ServiceNowServer Instance => Server;

    [Fact]
    public async Task Create_ReturnsTheIncidentNumberAndALinkToIt()
    {
        var sut = ServiceNow();

        var receipt = await sut.CreateAsync(Draft("conv-1:esc-1"), CancellationToken.None);

        var stored = Assert.Single(Instance.Incidents);
        Assert.Equal("INC0010001", receipt.Number);
        Assert.Equal("ServiceNow", receipt.System);
        Assert.Equal($"{Instance.InstanceUrl}/nav_to.do?uri=incident.do?sys_id={stored["sys_id"]}", receipt.Url);
    }

    [Fact]
    public async Task Create_PostsTheIncidentWithBasicAuthAsJson()
    {
        var sut = ServiceNow();

        await sut.CreateAsync(Draft("conv-1:esc-1"), CancellationToken.None);

        AssertPostedWithBasicAuthAsJson("/api/now/table/incident");
    }

    [Fact]
    public async Task Create_TheIncidentCarriesTheWholeStory()
    {
        var sut = ServiceNow(assignmentGroup: "Service Desk L1");

        await sut.CreateAsync(Draft("conv-1:esc-1"), CancellationToken.None);

        var incident = Assert.Single(Instance.Incidents);
        Assert.Equal("Outlook keeps asking for my password", (string?)incident["short_description"]);
        Assert.Equal("email", (string?)incident["category"]);
        Assert.Equal("adele.vance@contoso.example", (string?)incident["caller_id"]);
        Assert.Equal("chat", (string?)incident["contact_type"]);
        Assert.Equal("Service Desk L1", (string?)incident["assignment_group"]);
        Assert.Equal("conv-1:esc-1", (string?)incident["correlation_id"]);
        Assert.Equal("SupportBot", (string?)incident["correlation_display"]);
        var description = (string?)incident["description"] ?? string.Empty;
        Assert.StartsWith("Since this morning Outlook prompts for my password every few minutes.", description, StringComparison.Ordinal);
        AssertTellsTheWholeStory(description);
        Assert.Contains("Priority: High (urgency 1, impact 2)", description, StringComparison.Ordinal);
        Assert.Contains("Filed by SupportBot, correlation id conv-1:esc-1", description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TicketPriority.Critical, "1", "1")]
    [InlineData(TicketPriority.High, "1", "2")]
    [InlineData(TicketPriority.Medium, "2", "2")]
    [InlineData(TicketPriority.Low, "3", "2")]
    public async Task Create_MapsThePriorityToUrgencyAndImpact(TicketPriority priority, string urgency, string impact)
    {
        var sut = ServiceNow();

        await sut.CreateAsync(Draft("conv-1:esc-1") with { Priority = priority }, CancellationToken.None);

        var incident = Assert.Single(Instance.Incidents);
        Assert.Equal(urgency, (string?)incident["urgency"]);
        Assert.Equal(impact, (string?)incident["impact"]);
    }

    [Fact]
    public async Task Create_ForAGuestWithoutEmailAndNoAssignmentGroup_LeavesCallerAndGroupOut()
    {
        var sut = ServiceNow();
        var draft = Draft("conv-1:esc-1");

        await sut.CreateAsync(draft with { Requester = draft.Requester with { Email = null, DirectoryId = null } }, CancellationToken.None);

        var incident = Assert.Single(Instance.Incidents);
        Assert.False(incident.ContainsKey("caller_id"));
        Assert.False(incident.ContainsKey("assignment_group"));
        Assert.Contains("Requester: Adele Vance via msteams (not verified in the directory)", (string?)incident["description"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_ALongConversation_IsTrimmedFromTheOldestLines_KeepingTheLatestAndTheKey()
    {
        var sut = ServiceNow();
        var lines = Enumerable.Range(0, 100)
            .Select(i => new TranscriptLine(Speaker.User, $"message {i:D3} " + new string('x', 80), Start.AddMinutes(i)))
            .ToList();

        await sut.CreateAsync(Draft("conv-1:esc-1") with { Transcript = lines, Title = new string('t', 300) }, CancellationToken.None);

        var incident = Assert.Single(Instance.Incidents);
        var description = (string)incident["description"]!;
        Assert.InRange(description.Length, 1, 4000);
        Assert.InRange(((string)incident["short_description"]!).Length, 1, 160);
        Assert.Contains("message 099", description, StringComparison.Ordinal);
        Assert.DoesNotContain("message 000", description, StringComparison.Ordinal);
        Assert.Contains("earlier line(s) left out", description, StringComparison.Ordinal);
        Assert.EndsWith("correlation id conv-1:esc-1", description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Find_ByIdempotencyKey_ReturnsTheIncidentFiledUnderIt()
    {
        var sut = ServiceNow();
        await sut.CreateAsync(Draft("conv-1:esc-1"), CancellationToken.None);
        var filed = await sut.CreateAsync(Draft("conv-2:esc-1"), CancellationToken.None);

        var found = await sut.FindAsync("conv-2:esc-1", CancellationToken.None);

        Assert.Equal(filed, found);
        var query = Instance.Requests[^1];
        Assert.Equal("GET", query.Method);
        Assert.Equal("correlation_id=conv-2:esc-1", query.Query["sysparm_query"]);
        Assert.Equal("sys_id,number", query.Query["sysparm_fields"]);
        Assert.Equal("1", query.Query["sysparm_limit"]);
    }

    [Fact]
    public async Task Find_AKeyWithACaret_IsNotSplitIntoTwoConditions()
    {
        var sut = ServiceNow();
        await sut.CreateAsync(Draft("a^b"), CancellationToken.None);
        await sut.CreateAsync(Draft("a"), CancellationToken.None);

        var found = await sut.FindAsync("a^b", CancellationToken.None);

        Assert.Equal("INC0010001", found?.Number);
    }

    [Fact]
    public void MissingInstanceUrl_FailsAtConstruction_NamingTheSetting()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => ServiceNow(instanceUrl: ""));

        Assert.Contains("Tickets:ServiceNow:InstanceUrl", ex.Message, StringComparison.Ordinal);
    }

    protected override Task<ServiceNowServer> StartAsync() => ServiceNowServer.StartAsync();

    protected override ITicketSystem Connect(string? url, string? secret, TimeSpan? timeout) =>
        ServiceNow(instanceUrl: url, password: secret ?? ServiceNowServer.Password, timeout: timeout);

    protected override TicketReceipt ReceiptFor(JsonObject stored) =>
        new((string)stored["number"]!, "ServiceNow", $"{Instance.InstanceUrl}/nav_to.do?uri=incident.do?sys_id={stored["sys_id"]}");

    private ServiceNowTicketSystem ServiceNow(
        string? instanceUrl = null,
        string password = ServiceNowServer.Password,
        string? assignmentGroup = null,
        TimeSpan? timeout = null)
    {
        var options = new TicketOptions
        {
            System = TicketSystemKind.ServiceNow,
            Timeout = timeout ?? TimeSpan.FromSeconds(5),
            ServiceNow =
            {
                InstanceUrl = instanceUrl ?? Instance.InstanceUrl,
                UserName = ServiceNowServer.UserName,
                Password = password,
                AssignmentGroup = assignmentGroup,
            },
        };
        return new ServiceNowTicketSystem(Http, Options.Create(options), NullLogger<ServiceNowTicketSystem>.Instance);
    }
}
