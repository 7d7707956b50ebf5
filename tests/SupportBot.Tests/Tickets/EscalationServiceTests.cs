using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;
using SupportBot.Skills.Tickets;
using SupportBot.Skills.Tickets.Embedded;

namespace SupportBot.Tests.Tickets;

/// <summary>
/// Escalations through the SQLite outbox to a ticket system that fails the ways real ones do (down, throttled,
/// timing out after it already filed): nothing is lost, nothing is filed twice, and the employee hears the number once.
/// The ticket system is Moq'd over a real embedded desk in its own file, so "tickets in the system" can be counted.
/// </summary>
public sealed class EscalationServiceTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _clock = new(TicketDrafts.Start);
    private readonly TicketOptions _options = new();
    private readonly EmbeddedTicketDesk _remote;
    private readonly SqliteEscalationOutbox _outbox;
    private readonly Mock<ITicketSystem> _system = new();
    private readonly Mock<ITicketNotifier> _notifier = new();
    private readonly ListLogger<EscalationService> _log = new();
    private readonly EscalationService _sut;
    private volatile Exception? _failure;

    public EscalationServiceTests()
    {
        _remote = new EmbeddedTicketDesk(new TicketDatabase(_folder.File("remote-system.db")), _clock);
        _outbox = new SqliteEscalationOutbox(new TicketDatabase(_folder.Database), _clock);
        _system.Setup(s => s.Name).Returns("ServiceNow");
        _system.Setup(s => s.CreateAsync(It.IsAny<TicketDraft>(), It.IsAny<CancellationToken>()))
            .Returns((TicketDraft d, CancellationToken ct) => _failure is { } f ? Task.FromException<TicketReceipt>(f) : _remote.CreateAsync(d, ct));
        _system.Setup(s => s.FindAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns((string key, CancellationToken ct) => _failure is { } f ? Task.FromException<TicketReceipt?>(f) : _remote.FindAsync(key, ct));
        _sut = Service(_outbox, _log);
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Escalate_WhenTheSystemAnswers_FilesNow_WithTheNumberToQuote()
    {
        var result = await _sut.EscalateAsync(TicketDrafts.Draft("turn-1"), default);

        Assert.Equal(EscalationStatus.Filed, result.Status);
        Assert.Equal("SB-1001", result.Receipt?.Number);
        Assert.Null(result.Problem);
        Assert.Equal(0, await _outbox.PendingCountAsync(default));
        Assert.Single(await Tickets());

        // The turn itself tells the employee; a "your ticket was filed" message later would be a duplicate.
        _notifier.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Escalate_WhenTicketSystemDown_QueuesAndFilesLater()
    {
        var draft = TicketDrafts.Draft("turn-1", description: "my password is in this text, keep it out of logs");
        _failure = new HttpRequestException("Connection refused (contoso.service-now.com:443)");

        var result = await _sut.EscalateAsync(draft, default);

        Assert.Equal(EscalationStatus.Queued, result.Status);
        Assert.Equal("the ticket system is unavailable right now", result.Problem);
        Assert.Null(result.Receipt);
        Assert.Equal(1, await _outbox.PendingCountAsync(default));
        Assert.Empty(await Tickets());
        var logged = Assert.Single(_log.Entries, e => e.Level >= LogLevel.Warning);
        Assert.Contains("turn-1", logged.Message, StringComparison.Ordinal);
        Assert.Contains("Unavailable", logged.Message, StringComparison.Ordinal);
        Assert.Contains("Connection refused", logged.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_log.Entries, e => e.Message.Contains("password", StringComparison.OrdinalIgnoreCase)
            || e.Message.Contains(draft.Title, StringComparison.Ordinal));

        _failure = null;
        Assert.Equal(0, await _sut.DrainAsync(default));
        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, await _sut.DrainAsync(default));
        Assert.Equal(0, await _sut.DrainAsync(default));

        var ticket = Assert.Single(await Tickets());
        Assert.Equal(draft.Description, ticket.Description);
        _notifier.Verify(n => n.TicketFiledAsync(
            It.Is<TicketDraft>(d => d.IdempotencyKey == "turn-1"), new TicketReceipt("SB-1001", "Embedded", null), It.IsAny<CancellationToken>()), Times.Once);
        _notifier.VerifyNoOtherCalls();
        Assert.Equal(0, await _outbox.PendingCountAsync(default));

        var askedAgain = await _sut.EscalateAsync(draft, default);
        Assert.Equal(EscalationStatus.Filed, askedAgain.Status);
        Assert.Equal("SB-1001", askedAgain.Receipt?.Number);
    }

    [Fact]
    public async Task Escalate_WhenThrottled_WaitsAsLongAsTheSystemAsked()
    {
        _failure = new TicketSystemException(TicketSystemFailure.Throttled, "429 Too Many Requests", TimeSpan.FromSeconds(90));

        var result = await _sut.EscalateAsync(TicketDrafts.Draft("turn-1"), default);
        _failure = null;
        var clickedAgain = await _sut.EscalateAsync(TicketDrafts.Draft("turn-1"), default);
        _clock.Advance(TimeSpan.FromSeconds(89));
        var tooEarly = await _sut.DrainAsync(default);

        Assert.Equal(EscalationStatus.Queued, result.Status);
        Assert.Equal("the ticket system is busy", result.Problem);
        Assert.Equal(EscalationStatus.Queued, clickedAgain.Status);
        Assert.Equal("the ticket system is busy", clickedAgain.Problem);
        Assert.Equal(0, tooEarly);
        _system.Verify(s => s.CreateAsync(It.IsAny<TicketDraft>(), It.IsAny<CancellationToken>()), Times.Once);

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await _sut.DrainAsync(default));
        Assert.Single(await Tickets());
    }

    [Fact]
    public async Task Failures_AreRetriedAfter5Seconds_DoublingUpToTheLongestWait()
    {
        _options.MaxRetryDelay = TimeSpan.FromSeconds(30);
        _failure = new TicketSystemException(TicketSystemFailure.Unavailable, "503 Service Unavailable");
        await _sut.EscalateAsync(TicketDrafts.Draft("turn-1"), default);
        var attempts = 1;

        foreach (var wait in new[] { 5, 10, 20, 30, 30 })
        {
            _clock.Advance(TimeSpan.FromSeconds(wait - 1));
            await _sut.DrainAsync(default);
            Assert.Equal(attempts, CallsToTheSystem());

            _clock.Advance(TimeSpan.FromSeconds(1));
            await _sut.DrainAsync(default);
            Assert.Equal(++attempts, CallsToTheSystem());
        }

        var entry = await _outbox.FindAsync("turn-1", default);
        Assert.Equal(6, entry!.Attempts);
        Assert.Equal("Unavailable: 503 Service Unavailable", entry.LastError);
        Assert.Empty(await Tickets());
    }

    [Theory]
    [InlineData(TicketSystemFailure.Unavailable, "the ticket system is unavailable right now")]
    [InlineData(TicketSystemFailure.Unauthorized, "the ticket system is unavailable right now")]
    [InlineData(TicketSystemFailure.Forbidden, "the ticket system is unavailable right now")]
    [InlineData(TicketSystemFailure.Rejected, "the ticket system is unavailable right now")]
    [InlineData(TicketSystemFailure.Throttled, "the ticket system is busy")]
    public async Task EveryFailure_QueuesTheEscalation_WithAReasonTheEmployeeCanRead(TicketSystemFailure failure, string problem)
    {
        _failure = new TicketSystemException(failure, $"{failure} from the ticket system");

        var result = await _sut.EscalateAsync(TicketDrafts.Draft("turn-1"), default);

        Assert.Equal(EscalationStatus.Queued, result.Status);
        Assert.Equal(problem, result.Problem);
        Assert.Equal(1, await _outbox.PendingCountAsync(default));
    }

    [Fact]
    public async Task TimeoutsAndOtherExceptions_CountAsUnavailable()
    {
        _failure = new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout of 10 seconds elapsing.");
        var timedOut = await _sut.EscalateAsync(TicketDrafts.Draft("turn-1"), default);
        _failure = new TimeoutException();
        var other = await _sut.EscalateAsync(TicketDrafts.Draft("turn-2"), default);

        Assert.Equal(("the ticket system is unavailable right now", EscalationStatus.Queued), (timedOut.Problem, timedOut.Status));
        Assert.Equal(("the ticket system is unavailable right now", EscalationStatus.Queued), (other.Problem, other.Status));
        Assert.Equal("Unavailable: timed out", (await _outbox.FindAsync("turn-1", default))!.LastError);
        Assert.Equal(2, await _outbox.PendingCountAsync(default));
    }

    [Fact]
    public async Task ACrashBetweenSentAndRecorded_FindsTheTicketInsteadOfFilingItAgain()
    {
        var first = true;
        _system.Setup(s => s.CreateAsync(It.IsAny<TicketDraft>(), It.IsAny<CancellationToken>()))
            .Returns(async (TicketDraft d, CancellationToken ct) =>
            {
                var receipt = await _remote.CreateAsync(d, ct);
                if (first)
                {
                    // The system filed it; its answer never arrived.
                    first = false;
                    throw new TaskCanceledException("The operation was canceled.");
                }

                return receipt;
            });

        var result = await _sut.EscalateAsync(TicketDrafts.Draft("turn-1"), default);
        _clock.Advance(TimeSpan.FromSeconds(5));
        var filed = await _sut.DrainAsync(default);

        Assert.Equal(EscalationStatus.Queued, result.Status);
        Assert.Equal(1, filed);
        Assert.Single(await Tickets());
        _system.Verify(s => s.CreateAsync(It.IsAny<TicketDraft>(), It.IsAny<CancellationToken>()), Times.Once);
        _system.Verify(s => s.FindAsync("turn-1", It.IsAny<CancellationToken>()), Times.Once);
        _notifier.Verify(n => n.TicketFiledAsync(
            It.IsAny<TicketDraft>(), new TicketReceipt("SB-1001", "Embedded", null), It.IsAny<CancellationToken>()), Times.Once);
        Assert.Equal("SB-1001", (await _outbox.FindAsync("turn-1", default))!.Receipt?.Number);
    }

    [Fact]
    public async Task AnInstanceKilledMidAttempt_TheNextOneFindsTheTicketOnceTheLeaseRunsOut()
    {
        var draft = TicketDrafts.Draft("turn-1");
        await _outbox.AddAsync(draft, default);
        Assert.True(await _outbox.TryLeaseAsync("turn-1", TimeSpan.FromMinutes(2), default));
        await _remote.CreateAsync(draft, default);

        // The dead instance's lease still holds the entry.
        Assert.Equal(0, await _sut.DrainAsync(default));
        _clock.Advance(TimeSpan.FromMinutes(2));
        var filed = await _sut.DrainAsync(default);

        Assert.Equal(1, filed);
        Assert.Single(await Tickets());
        _system.Verify(s => s.CreateAsync(It.IsAny<TicketDraft>(), It.IsAny<CancellationToken>()), Times.Never);
        _notifier.Verify(n => n.TicketFiledAsync(
            It.IsAny<TicketDraft>(), new TicketReceipt("SB-1001", "Embedded", null), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task ADoubleClickOrRedeliveredTurn_FilesOneTicket_AndQuotesItsNumberAgain()
    {
        var first = await _sut.EscalateAsync(TicketDrafts.Draft("turn-1"), default);
        var second = await _sut.EscalateAsync(TicketDrafts.Draft("turn-1"), default);

        Assert.Equal(EscalationStatus.Filed, second.Status);
        Assert.Equal(first.Receipt, second.Receipt);
        Assert.Single(await Tickets());
        _system.Verify(s => s.CreateAsync(It.IsAny<TicketDraft>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task ClicksOnTwoInstancesAtOnce_FileOneTicket()
    {
        var other = Service(new SqliteEscalationOutbox(new TicketDatabase(_folder.Database), _clock), NullLogger<EscalationService>.Instance);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => (i % 2 == 0 ? _sut : other).EscalateAsync(TicketDrafts.Draft("turn-1"), default))));

        Assert.Single(await Tickets());
        _system.Verify(s => s.CreateAsync(It.IsAny<TicketDraft>(), It.IsAny<CancellationToken>()), Times.Once);
        Assert.Contains(results, r => r.Status == EscalationStatus.Filed);
        Assert.All(results.Where(r => r.Status == EscalationStatus.Filed), r => Assert.Equal("SB-1001", r.Receipt?.Number));
        Assert.All(results, r => Assert.Null(r.Problem));
    }

    [Fact]
    public async Task ANotifierFailure_IsLogged_AndNeverUndoesOrRepeatsTheFiling()
    {
        _failure = new HttpRequestException("503");
        await _sut.EscalateAsync(TicketDrafts.Draft("turn-1"), default);
        _failure = null;
        _notifier.Setup(n => n.TicketFiledAsync(It.IsAny<TicketDraft>(), It.IsAny<TicketReceipt>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("Teams said 403"));
        _clock.Advance(TimeSpan.FromSeconds(5));

        var filed = await _sut.DrainAsync(default);
        _clock.Advance(TimeSpan.FromMinutes(10));
        var later = await _sut.DrainAsync(default);

        Assert.Equal(1, filed);
        Assert.Equal(0, later);
        Assert.Single(await Tickets());
        Assert.Equal(0, await _outbox.PendingCountAsync(default));
        _notifier.Verify(n => n.TicketFiledAsync(It.IsAny<TicketDraft>(), It.IsAny<TicketReceipt>(), It.IsAny<CancellationToken>()), Times.Once);
        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("SB-1001", StringComparison.Ordinal)
            && e.Exception is InvalidOperationException);
    }

    [Fact]
    public async Task TwoInstancesDrainingTheSameFile_DeliverEachEntryOnce()
    {
        _failure = new HttpRequestException("Connection refused");
        var keys = Enumerable.Range(1, 20).Select(i => $"turn-{i}").ToList();
        foreach (var key in keys)
        {
            await _sut.EscalateAsync(TicketDrafts.Draft(key), default);
        }

        _failure = null;
        _system.Setup(s => s.CreateAsync(It.IsAny<TicketDraft>(), It.IsAny<CancellationToken>()))
            .Returns(async (TicketDraft d, CancellationToken ct) =>
            {
                // Slow enough that both instances are mid-drain together.
                await Task.Delay(5, ct);
                return await _remote.CreateAsync(d, ct);
            });
        var told = new ConcurrentBag<string>();
        _notifier.Setup(n => n.TicketFiledAsync(It.IsAny<TicketDraft>(), It.IsAny<TicketReceipt>(), It.IsAny<CancellationToken>()))
            .Callback((TicketDraft d, TicketReceipt _, CancellationToken _) => told.Add(d.IdempotencyKey))
            .Returns(Task.CompletedTask);
        var other = Service(new SqliteEscalationOutbox(new TicketDatabase(_folder.Database), _clock), NullLogger<EscalationService>.Instance);
        _clock.Advance(TimeSpan.FromSeconds(5));

        var filed = await Task.WhenAll(Task.Run(() => _sut.DrainAsync(default)), Task.Run(() => other.DrainAsync(default)));

        Assert.Equal(20, filed.Sum());
        Assert.Equal(20, (await Tickets()).Count);
        Assert.Equal(keys.Order(StringComparer.Ordinal), told.Order(StringComparer.Ordinal));
        foreach (var key in keys)
        {
            // Once when it was queued (the system was down), once when delivered.
            _system.Verify(s => s.CreateAsync(It.Is<TicketDraft>(d => d.IdempotencyKey == key), It.IsAny<CancellationToken>()), Times.Exactly(2));
        }

        Assert.Equal(0, await _outbox.PendingCountAsync(default));
    }

    [Fact]
    public async Task TheDrainer_FilesQueuedEscalationsAtStart_AndOnEveryInterval()
    {
        var told = new ConcurrentQueue<string>();
        var signal = new SemaphoreSlim(0);
        _notifier.Setup(n => n.TicketFiledAsync(It.IsAny<TicketDraft>(), It.IsAny<TicketReceipt>(), It.IsAny<CancellationToken>()))
            .Callback((TicketDraft d, TicketReceipt r, CancellationToken _) =>
            {
                told.Enqueue($"{d.IdempotencyKey} {r.Number}");
                signal.Release();
            })
            .Returns(Task.CompletedTask);
        _failure = new HttpRequestException("down");
        await _sut.EscalateAsync(TicketDrafts.Draft("before-start"), default);
        _failure = null;
        _clock.Advance(TimeSpan.FromSeconds(5));
        using var sut = new OutboxDrainer(_sut, Options.Create(_options), _clock, NullLogger<OutboxDrainer>.Instance);

        await sut.StartAsync(default);
        Assert.True(await signal.WaitAsync(TimeSpan.FromSeconds(10)));
        _failure = new HttpRequestException("down");
        await _sut.EscalateAsync(TicketDrafts.Draft("while-running"), default);
        _failure = null;
        _clock.Advance(_options.OutboxInterval);
        Assert.True(await signal.WaitAsync(TimeSpan.FromSeconds(10)));
        await sut.StopAsync(default);

        Assert.Equal(["before-start SB-1001", "while-running SB-1002"], told);
    }

    [Fact]
    public async Task TheDrainer_KeepsGoingAfterARoundFails()
    {
        var outbox = new Mock<IEscalationOutbox>();
        var rounds = new SemaphoreSlim(0);
        var calls = 0;
        outbox.Setup(o => o.DueAsync(It.IsAny<DateTimeOffset>(), It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .Returns(() =>
            {
                rounds.Release();
                return Interlocked.Increment(ref calls) == 1
                    ? Task.FromException<IReadOnlyList<OutboxEntry>>(new SqliteException("database is locked", 5))
                    : Task.FromResult<IReadOnlyList<OutboxEntry>>([]);
            });
        var log = new ListLogger<OutboxDrainer>();
        var service = Service(outbox.Object, NullLogger<EscalationService>.Instance);
        using var sut = new OutboxDrainer(service, Options.Create(_options), _clock, log);

        await sut.StartAsync(default);
        Assert.True(await rounds.WaitAsync(TimeSpan.FromSeconds(10)));
        _clock.Advance(_options.OutboxInterval);
        Assert.True(await rounds.WaitAsync(TimeSpan.FromSeconds(10)));
        await sut.StopAsync(default);

        Assert.Contains(log.Entries, e => e.Level == LogLevel.Error && e.Exception is SqliteException);
        Assert.NotNull(sut.ExecuteTask);
        Assert.True(sut.ExecuteTask.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task AddTickets_InEmbeddedMode_KeepsTicketsAndTheOutboxInOneFileUnderTheContentRoot()
    {
        using var host = BuildHost(new Dictionary<string, string?> { ["Tickets:DatabaseFile"] = "data/desk.db" });
        await host.StartAsync();

        var system = host.Services.GetRequiredService<ITicketSystem>();
        var desk = host.Services.GetRequiredService<ITicketDesk>();
        var escalations = host.Services.GetRequiredService<EscalationService>();
        var result = await escalations.EscalateAsync(TicketDrafts.Draft("turn-1"), default);
        await host.StopAsync();

        Assert.True(File.Exists(Path.Combine(_folder.Path, "data", "desk.db")));
        Assert.Equal("Embedded", system.Name);
        Assert.Same(system, desk);
        Assert.Equal("SB-1001", result.Receipt?.Number);
        Assert.Equal("VPN drops every few minutes", Assert.Single(await desk.ListAsync(new TicketFilter(), default)).Title);
        Assert.Contains(host.Services.GetServices<IHostedService>(), s => s is OutboxDrainer);
    }

    [Theory]
    [InlineData("ServiceNow", "InstanceUrl", "Tickets:ServiceNow:UserName, Tickets:ServiceNow:Password")]
    [InlineData("ServiceNow", "UserName", "Tickets:ServiceNow:InstanceUrl, Tickets:ServiceNow:Password")]
    [InlineData("Jira", "BaseUrl", "Tickets:Jira:Email, Tickets:Jira:ApiToken, Tickets:Jira:ServiceDeskId, Tickets:Jira:RequestTypeId")]
    [InlineData("Jira", "ApiToken", "Tickets:Jira:BaseUrl, Tickets:Jira:Email, Tickets:Jira:ServiceDeskId, Tickets:Jira:RequestTypeId")]
    public async Task AddTickets_WithAnExternalSystemMissingSettings_FailsAtStart_NamingEachMissingSetting(string system, string present, string missing)
    {
        using var host = BuildHost(
            new Dictionary<string, string?>
            {
                ["Tickets:System"] = system,
                [$"Tickets:{system}:{present}"] = "set",
            },
            services => services.AddSingleton(Mock.Of<ITicketSystem>()));

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains($"Tickets:System is {system} but these settings are missing: {missing}.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddTickets_WithServiceNow_LeavesFilingToItsAdapter_ButKeepsTheOutboxLocal()
    {
        var adapter = new Mock<ITicketSystem>();
        adapter.Setup(a => a.Name).Returns("ServiceNow");
        using var host = BuildHost(
            new Dictionary<string, string?>
            {
                ["Tickets:System"] = "ServiceNow",
                ["Tickets:ServiceNow:InstanceUrl"] = "https://contoso.service-now.com",
                ["Tickets:ServiceNow:UserName"] = "supportbot",
                ["Tickets:ServiceNow:Password"] = "secret",
            },
            services => services.AddSingleton(adapter.Object));
        await host.StartAsync();

        var system = host.Services.GetRequiredService<ITicketSystem>();
        var outbox = host.Services.GetRequiredService<IEscalationOutbox>();
        await host.StopAsync();

        Assert.Same(adapter.Object, system);
        Assert.IsType<SqliteEscalationOutbox>(outbox);
        Assert.IsType<EmbeddedTicketDesk>(host.Services.GetRequiredService<ITicketDesk>());
    }

    private EscalationService Service(IEscalationOutbox outbox, ILogger<EscalationService> logger) =>
        new(_system.Object, outbox, _notifier.Object, Options.Create(_options), _clock, logger);

    // A retry after a failure looks the ticket up (FindAsync) before it would create one.
    private int CallsToTheSystem() => _system.Invocations.Count(i => i.Method.Name is nameof(ITicketSystem.CreateAsync) or nameof(ITicketSystem.FindAsync));

    private Task<IReadOnlyList<TicketRecord>> Tickets() => _remote.ListAsync(new TicketFilter(), default);

    private IHost BuildHost(Dictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = _folder.Path,
            EnvironmentName = Environments.Production,
        });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton<TimeProvider>(_clock);
        builder.Services.AddSingleton(_notifier.Object);
        services?.Invoke(builder.Services);
        builder.AddTickets();
        return builder.Build();
    }
}

/// <summary>Keeps what was logged, so a test can check what an operator would read.</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, string Message, Exception? Exception)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((logLevel, formatter(state, exception), exception));
}
