using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SupportBot.Skills.Conversation;
using SupportBot.Skills.Tickets;
using SupportBot.Skills.Tickets.ServiceNow;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.Tickets;

/// <summary>
/// Escalations filed in ServiceNow through the Table API, against a local instance that speaks its documented shapes:
/// what an incident carries, how it is found again by its idempotency key, and how each failure is reported.
/// </summary>
public sealed class ServiceNowTicketSystemTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2025, 3, 14, 9, 30, 0, TimeSpan.Zero);

    // One client for all tests, as the host's factory shares handlers.
    private static readonly HttpClient Http = new();

    private ServiceNowServer _instance = null!;

    public async Task InitializeAsync() => _instance = await ServiceNowServer.StartAsync();

    public async Task DisposeAsync() => await _instance.DisposeAsync();

    [Fact]
    public async Task Create_ReturnsTheIncidentNumberAndALinkToIt()
    {
        var sut = ServiceNow();

        var receipt = await sut.CreateAsync(Draft("conv-1:esc-1"), CancellationToken.None);

        var stored = Assert.Single(_instance.Incidents);
        Assert.Equal("INC0010001", receipt.Number);
        Assert.Equal("ServiceNow", receipt.System);
        Assert.Equal($"{_instance.InstanceUrl}/nav_to.do?uri=incident.do?sys_id={stored["sys_id"]}", receipt.Url);
    }

    [Fact]
    public async Task Create_PostsTheIncidentWithBasicAuthAsJson()
    {
        var sut = ServiceNow();

        await sut.CreateAsync(Draft("conv-1:esc-1"), CancellationToken.None);

        var request = Assert.Single(_instance.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/api/now/table/incident", request.Path);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ServiceNowServer.UserName}:{ServiceNowServer.Password}")), request.Headers["Authorization"]);
        Assert.Contains("application/json", request.Headers["Accept"], StringComparison.Ordinal);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_TheIncidentCarriesTheWholeStory()
    {
        var sut = ServiceNow(assignmentGroup: "Service Desk L1");

        await sut.CreateAsync(Draft("conv-1:esc-1"), CancellationToken.None);

        var incident = Assert.Single(_instance.Incidents);
        Assert.Equal("Outlook keeps asking for my password", (string?)incident["short_description"]);
        Assert.Equal("email", (string?)incident["category"]);
        Assert.Equal("adele.vance@contoso.example", (string?)incident["caller_id"]);
        Assert.Equal("chat", (string?)incident["contact_type"]);
        Assert.Equal("Service Desk L1", (string?)incident["assignment_group"]);
        Assert.Equal("conv-1:esc-1", (string?)incident["correlation_id"]);
        Assert.Equal("SupportBot", (string?)incident["correlation_display"]);
        var description = (string?)incident["description"] ?? string.Empty;
        Assert.StartsWith("Since this morning Outlook prompts for my password every few minutes.", description, StringComparison.Ordinal);
        string[] parts =
        [
            "Summary: Outlook credential prompts loop after the password change; restart and sign-out did not help.",
            "Priority: High (urgency 1, impact 2)",
            "Why: can't work; VIP",
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
            "Filed by SupportBot, correlation id conv-1:esc-1",
        ];
        Assert.All(parts, part => Assert.Contains(part, description, StringComparison.Ordinal));
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

        var incident = Assert.Single(_instance.Incidents);
        Assert.Equal(urgency, (string?)incident["urgency"]);
        Assert.Equal(impact, (string?)incident["impact"]);
    }

    [Fact]
    public async Task Create_ForAGuestWithoutEmailAndNoAssignmentGroup_LeavesCallerAndGroupOut()
    {
        var sut = ServiceNow();
        var draft = Draft("conv-1:esc-1");

        await sut.CreateAsync(draft with { Requester = draft.Requester with { Email = null, DirectoryId = null } }, CancellationToken.None);

        var incident = Assert.Single(_instance.Incidents);
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

        var incident = Assert.Single(_instance.Incidents);
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
        var query = _instance.Requests[^1];
        Assert.Equal("GET", query.Method);
        Assert.Equal("correlation_id=conv-2:esc-1", query.Query["sysparm_query"]);
        Assert.Equal("sys_id,number", query.Query["sysparm_fields"]);
        Assert.Equal("1", query.Query["sysparm_limit"]);
    }

    [Fact]
    public async Task Find_AnUnknownKey_ReturnsNull()
    {
        var sut = ServiceNow();
        await sut.CreateAsync(Draft("conv-1:esc-1"), CancellationToken.None);

        var found = await sut.FindAsync("conv-9:esc-9", CancellationToken.None);

        Assert.Null(found);
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
    public async Task WrongPassword_IsUnauthorized_AndTheMessageHoldsNoSecretAndNoTicketText()
    {
        var sut = ServiceNow(password: "not-the-password-7x");

        var ex = await Assert.ThrowsAsync<TicketSystemException>(() => sut.CreateAsync(Draft("conv-1:esc-1"), CancellationToken.None));

        Assert.Equal(TicketSystemFailure.Unauthorized, ex.Failure);
        Assert.Contains("Tickets:ServiceNow:UserName", ex.Message, StringComparison.Ordinal);
        AssertNothingSecret(ex, "not-the-password-7x");
        Assert.Empty(_instance.Incidents);
    }

    [Fact]
    public async Task Forbidden_IsReportedAsForbidden()
    {
        var sut = ServiceNow();
        _instance.Fail(403);

        var ex = await Assert.ThrowsAsync<TicketSystemException>(() => sut.CreateAsync(Draft("conv-1:esc-1"), CancellationToken.None));

        Assert.Equal(TicketSystemFailure.Forbidden, ex.Failure);
        AssertNothingSecret(ex, ServiceNowServer.Password);
    }

    [Fact]
    public async Task RateLimited_IsThrottled_WithRetryAfterInSeconds()
    {
        var sut = ServiceNow();
        _instance.Fail(429, retryAfter: "42");

        var ex = await Assert.ThrowsAsync<TicketSystemException>(() => sut.CreateAsync(Draft("conv-1:esc-1"), CancellationToken.None));

        Assert.Equal(TicketSystemFailure.Throttled, ex.Failure);
        Assert.Equal(TimeSpan.FromSeconds(42), ex.RetryAfter);
    }

    [Fact]
    public async Task RateLimited_IsThrottled_WithRetryAfterAsAnHttpDate()
    {
        var sut = ServiceNow();
        _instance.Fail(429, retryAfter: DateTimeOffset.UtcNow.AddSeconds(120).ToString("R", CultureInfo.InvariantCulture));

        var ex = await Assert.ThrowsAsync<TicketSystemException>(() => sut.FindAsync("conv-1:esc-1", CancellationToken.None));

        Assert.Equal(TicketSystemFailure.Throttled, ex.Failure);
        Assert.InRange(ex.RetryAfter!.Value, TimeSpan.FromSeconds(115), TimeSpan.FromSeconds(121));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    public async Task ServerError_IsUnavailable(int status)
    {
        var sut = ServiceNow();
        _instance.Fail(status);

        var ex = await Assert.ThrowsAsync<TicketSystemException>(() => sut.CreateAsync(Draft("conv-1:esc-1"), CancellationToken.None));

        Assert.Equal(TicketSystemFailure.Unavailable, ex.Failure);
        Assert.Empty(_instance.Incidents);
    }

    [Fact]
    public async Task BadRequest_IsRejected_WithoutQuotingTheTicket()
    {
        var sut = ServiceNow();
        _instance.Fail(400);

        var ex = await Assert.ThrowsAsync<TicketSystemException>(() => sut.CreateAsync(Draft("conv-1:esc-1"), CancellationToken.None));

        Assert.Equal(TicketSystemFailure.Rejected, ex.Failure);
        AssertNothingSecret(ex, ServiceNowServer.Password);
    }

    [Fact]
    public async Task SlowInstance_IsUnavailable_WithinTheDeadline()
    {
        var sut = ServiceNow(timeout: TimeSpan.FromSeconds(1));
        _instance.Delay(TimeSpan.FromSeconds(20));
        var clock = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<TicketSystemException>(() => sut.CreateAsync(Draft("conv-1:esc-1"), CancellationToken.None));

        Assert.Equal(TicketSystemFailure.Unavailable, ex.Failure);
        Assert.Contains("did not answer within 1 seconds", ex.Message, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(4));
        Assert.Empty(_instance.Incidents);
    }

    [Fact]
    public async Task NothingListening_IsUnavailable()
    {
        using var closed = new ClosedPort();
        var sut = ServiceNow(instanceUrl: $"http://127.0.0.1:{closed.Port}");

        var ex = await Assert.ThrowsAsync<TicketSystemException>(() => sut.FindAsync("conv-1:esc-1", CancellationToken.None));

        Assert.Equal(TicketSystemFailure.Unavailable, ex.Failure);
    }

    [Fact]
    public async Task CallerCancelling_IsACancellationNotAnOutage()
    {
        var sut = ServiceNow(timeout: TimeSpan.FromSeconds(30));
        _instance.Delay(TimeSpan.FromSeconds(20));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sut.CreateAsync(Draft("conv-1:esc-1"), cancel.Token));
    }

    [Fact]
    public async Task CrashBetweenSentAndRecorded_CreateFails_ThenFindReturnsTheStoredIncident_SoARetryFilesNoDuplicate()
    {
        var sut = ServiceNow();
        _instance.CrashAfterRecording();

        var ex = await Assert.ThrowsAsync<TicketSystemException>(() => sut.CreateAsync(Draft("conv-1:esc-1"), CancellationToken.None));
        var found = await sut.FindAsync("conv-1:esc-1", CancellationToken.None);

        Assert.Equal(TicketSystemFailure.Unavailable, ex.Failure);
        var stored = Assert.Single(_instance.Incidents);
        Assert.NotNull(found);
        Assert.Equal((string?)stored["number"], found.Number);
        Assert.Equal($"{_instance.InstanceUrl}/nav_to.do?uri=incident.do?sys_id={stored["sys_id"]}", found.Url);
    }

    [Fact]
    public void MissingInstanceUrl_FailsAtConstruction_NamingTheSetting()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => ServiceNow(instanceUrl: ""));

        Assert.Contains("Tickets:ServiceNow:InstanceUrl", ex.Message, StringComparison.Ordinal);
    }

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
                InstanceUrl = instanceUrl ?? _instance.InstanceUrl,
                UserName = ServiceNowServer.UserName,
                Password = password,
                AssignmentGroup = assignmentGroup,
            },
        };
        return new ServiceNowTicketSystem(Http, Options.Create(options), NullLogger<ServiceNowTicketSystem>.Instance);
    }

    private static void AssertNothingSecret(TicketSystemException ex, string password)
    {
        var all = string.Join('\n', Chain(ex).Select(e => e.Message));
        Assert.DoesNotContain(password, all, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ServiceNowServer.UserName}:{password}")), all, StringComparison.Ordinal);
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

    internal static TicketDraft Draft(string key) => new()
    {
        IdempotencyKey = key,
        Requester = new Requester("Adele Vance", "8b3c0a52-4f51-4f6e-9a0e-0c6d2f1c7e11", "adele.vance@contoso.example", "msteams", "29:1adele", null),
        Title = "Outlook keeps asking for my password",
        Description = "Since this morning Outlook prompts for my password every few minutes.",
        Category = "email",
        Priority = TicketPriority.High,
        PriorityReasons = ["can't work", "VIP"],
        Summary = "Outlook credential prompts loop after the password change; restart and sign-out did not help.",
        Transcript =
        [
            new TranscriptLine(Speaker.User, "Outlook keeps asking for my password", Start),
            new TranscriptLine(Speaker.Bot, "Let's try signing you out everywhere.", Start.AddMinutes(1)),
            new TranscriptLine(Speaker.User, "Still asking. I need a person.", Start.AddMinutes(3)),
        ],
        Articles =
        [
            new ArticleShown("kb-outlook-prompts", "Fix Outlook password prompts", false),
            new ArticleShown("kb-password-reset", "Reset your password", true),
            new ArticleShown("kb-outlook-safe", "Outlook safe mode", null),
        ],
        Actions =
        [
            new ActionTried("restart-device", "LAPTOP-ADELE01", "Restart sent; the prompts came back"),
            new ActionTried("revoke-sessions", null, "Sessions revoked"),
        ],
        DeviceInfo = "LAPTOP-ADELE01, Windows 11 23H2",
        CreatedAt = Start.AddMinutes(4),
    };
}
