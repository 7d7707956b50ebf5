using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using SupportBot.Skills.Conversation;
using SupportBot.Skills.Tickets;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.Tickets;

/// <summary>
/// What every remote ticket system's connector does the same way, above all how each failure is reported: each test
/// runs once per system (<see cref="JiraTicketSystemTests"/>, <see cref="ServiceNowTicketSystemTests"/>) against its
/// local stand-in, which scripts the failure. The subclasses say how to connect and what a receipt looks like, and
/// test what only their system does (some through the shared assertions here).
/// </summary>
/// <typeparam name="TServer">The stand-in the connector talks to.</typeparam>
/// <param name="userName">The basic-auth user name the stand-in accepts.</param>
/// <param name="secret">The password or API token the stand-in accepts.</param>
/// <param name="credentialsSetting">The setting a wrong secret's message tells the operator to check.</param>
public abstract class TicketSystemContractTests<TServer>(string userName, string secret, string credentialsSetting) : IAsyncLifetime
    where TServer : ScriptedTicketServer
{
    /// <summary>When the conversation in <see cref="Draft"/> started.</summary>
    protected static readonly DateTimeOffset Start = new(2025, 3, 14, 9, 30, 0, TimeSpan.Zero);

    // One client for all tests, as the host's factory shares handlers.
    protected static readonly HttpClient Http = new();

    private const string WrongSecret = "not-the-secret-7x9q";

    protected TServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    [Fact]
    public async Task WrongCredentials_AreUnauthorized_AndTheMessageHoldsNoSecretAndNoTicketText()
    {
        var sut = Connect(secret: WrongSecret);

        var ex = await Assert.ThrowsAsync<TicketSystemException>(() => sut.CreateAsync(Draft("conv-1:esc-1"), CancellationToken.None));

        Assert.Equal(TicketSystemFailure.Unauthorized, ex.Failure);
        Assert.Contains(credentialsSetting, ex.Message, StringComparison.Ordinal);
        AssertNothingSecret(ex, WrongSecret);
        Assert.Empty(Server.Records);
    }

    [Fact]
    public async Task WrongCredentials_OnFind_AreUnauthorized()
    {
        var sut = Connect(secret: WrongSecret);

        var ex = await Assert.ThrowsAsync<TicketSystemException>(() => sut.FindAsync("conv-1:esc-1", CancellationToken.None));

        Assert.Equal(TicketSystemFailure.Unauthorized, ex.Failure);
    }

    [Fact]
    public async Task RateLimited_IsThrottled_WithRetryAfterInSeconds()
    {
        var sut = Connect();
        Server.Fail(429, retryAfter: "42");

        var ex = await Assert.ThrowsAsync<TicketSystemException>(() => sut.CreateAsync(Draft("conv-1:esc-1"), CancellationToken.None));

        Assert.Equal(TicketSystemFailure.Throttled, ex.Failure);
        Assert.Equal(TimeSpan.FromSeconds(42), ex.RetryAfter);
    }

    [Fact]
    public async Task RateLimited_IsThrottled_WithRetryAfterAsAnHttpDate()
    {
        var sut = Connect();
        Server.Fail(429, retryAfter: DateTimeOffset.UtcNow.AddSeconds(120).ToString("R", CultureInfo.InvariantCulture));

        var ex = await Assert.ThrowsAsync<TicketSystemException>(() => sut.FindAsync("conv-1:esc-1", CancellationToken.None));

        Assert.Equal(TicketSystemFailure.Throttled, ex.Failure);
        Assert.InRange(ex.RetryAfter!.Value, TimeSpan.FromSeconds(115), TimeSpan.FromSeconds(121));
    }

    [Theory]
    [InlineData(400, TicketSystemFailure.Rejected)]
    [InlineData(403, TicketSystemFailure.Forbidden)]
    [InlineData(500, TicketSystemFailure.Unavailable)]
    [InlineData(503, TicketSystemFailure.Unavailable)]
    public async Task AnErrorStatus_IsReportedAsTheFailureItMeans_WithoutQuotingTheTicketOrTheSecret(int status, TicketSystemFailure failure)
    {
        var sut = Connect();
        Server.Fail(status, times: 2);

        var create = await Assert.ThrowsAsync<TicketSystemException>(() => sut.CreateAsync(Draft("conv-1:esc-1"), CancellationToken.None));
        var find = await Assert.ThrowsAsync<TicketSystemException>(() => sut.FindAsync("conv-1:esc-1", CancellationToken.None));

        Assert.Equal(failure, create.Failure);
        Assert.Equal(failure, find.Failure);
        AssertNothingSecret(create, secret);
        AssertNothingSecret(find, secret);
        Assert.Empty(Server.Records);
    }

    [Fact]
    public async Task SlowSystem_IsUnavailable_WithinTheDeadline()
    {
        var sut = Connect(timeout: TimeSpan.FromSeconds(1));
        Server.Delay(TimeSpan.FromSeconds(20));
        var clock = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<TicketSystemException>(() => sut.CreateAsync(Draft("conv-1:esc-1"), CancellationToken.None));

        Assert.Equal(TicketSystemFailure.Unavailable, ex.Failure);
        Assert.Contains("did not answer within 1 seconds", ex.Message, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(4));
        Assert.Empty(Server.Records);
    }

    [Fact]
    public async Task NothingListening_IsUnavailable()
    {
        using var closed = new ClosedPort();
        var sut = Connect(url: $"http://127.0.0.1:{closed.Port}");

        var create = await Assert.ThrowsAsync<TicketSystemException>(() => sut.CreateAsync(Draft("conv-1:esc-1"), CancellationToken.None));
        var find = await Assert.ThrowsAsync<TicketSystemException>(() => sut.FindAsync("conv-1:esc-1", CancellationToken.None));

        Assert.Equal(TicketSystemFailure.Unavailable, create.Failure);
        Assert.Equal(TicketSystemFailure.Unavailable, find.Failure);
    }

    [Fact]
    public async Task CallerCancelling_IsACancellationNotAnOutage()
    {
        var sut = Connect(timeout: TimeSpan.FromSeconds(30));
        Server.Delay(TimeSpan.FromSeconds(20));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sut.CreateAsync(Draft("conv-1:esc-1"), cancel.Token));
    }

    [Fact]
    public Task CrashBetweenSentAndRecorded_CreateFails_ThenFindReturnsTheStoredTicket_SoARetryFilesNoDuplicate() =>
        AssertALostCreateIsFoundAgainAsync(Connect());

    [Fact]
    public Task Find_AnUnknownKey_ReturnsNull() => AssertAnUnknownKeyIsNotFoundAsync(Connect());

    private protected static TicketDraft Draft(string key) => new()
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

    protected abstract Task<TServer> StartAsync();

    /// <summary>The connector under test, set up for <see cref="Server"/> except where told otherwise.</summary>
    protected abstract ITicketSystem Connect(string? url = null, string? secret = null, TimeSpan? timeout = null);

    /// <summary>The receipt that finding <paramref name="stored"/> again returns.</summary>
    protected abstract TicketReceipt ReceiptFor(JsonObject stored);

    /// <summary>The value of the Authorization header for the user name and <paramref name="password"/>.</summary>
    private string BasicAuth(string password) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{userName}:{password}"));

    /// <summary>The one request sent: a POST to <paramref name="path"/> with basic auth, sending and accepting JSON.</summary>
    protected TicketServerRequest AssertPostedWithBasicAuthAsJson(string path)
    {
        var request = Assert.Single(Server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal(path, request.Path);
        Assert.Equal(BasicAuth(secret), request.Headers["Authorization"]);
        Assert.Contains("application/json", request.Headers["Accept"], StringComparison.Ordinal);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        return request;
    }

    /// <summary>The description tells what <see cref="Draft"/> holds: summary, priority and why, requester, device, what was tried, and the conversation.</summary>
    protected static void AssertTellsTheWholeStory(string description)
    {
        string[] parts =
        [
            "Summary: Outlook credential prompts loop after the password change; restart and sign-out did not help.",
            "Priority: High",
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
        ];
        Assert.All(parts, part => Assert.Contains(part, description, StringComparison.Ordinal));
    }

    /// <summary>With one ticket filed, finding a key nobody filed under returns nothing.</summary>
    protected async Task AssertAnUnknownKeyIsNotFoundAsync(ITicketSystem sut)
    {
        await sut.CreateAsync(Draft("conv-1:esc-1"), CancellationToken.None);

        var found = await sut.FindAsync("conv-9:esc-9", CancellationToken.None);

        Assert.Null(found);
    }

    /// <summary>
    /// The system stores the ticket and then the answer is lost: the create fails as Unavailable, and finding its key
    /// returns the stored ticket, so the retry that follows files no duplicate.
    /// </summary>
    protected async Task AssertALostCreateIsFoundAgainAsync(ITicketSystem sut)
    {
        Server.CrashAfterRecording();

        var ex = await Assert.ThrowsAsync<TicketSystemException>(() => sut.CreateAsync(Draft("conv-1:esc-1"), CancellationToken.None));
        var found = await sut.FindAsync("conv-1:esc-1", CancellationToken.None);

        Assert.Equal(TicketSystemFailure.Unavailable, ex.Failure);
        var stored = Assert.Single(Server.Records);
        Assert.Equal(ReceiptFor(stored), found);
    }

    /// <summary>No message in the chain holds the secret, the Authorization header, or anything from the ticket.</summary>
    private void AssertNothingSecret(TicketSystemException ex, string password)
    {
        var all = string.Join('\n', Chain(ex).Select(e => e.Message));
        Assert.DoesNotContain(password, all, StringComparison.Ordinal);
        Assert.DoesNotContain(BasicAuth(password)["Basic ".Length..], all, StringComparison.Ordinal);
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
