using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using SupportBot.Skills.Conversation;
using SupportBot.Skills.Tickets;
using SupportBot.Skills.Tickets.Embedded;

namespace SupportBot.Tests.Tickets;

/// <summary>
/// The embedded help desk on a real SQLite file: filing exactly once, the numbers people quote, the claim / resolve /
/// rate rules technicians and employees run into, and two bot instances sharing one file.
/// </summary>
public sealed class EmbeddedDeskTests : IDisposable
{
    private static readonly Technician Alex = new("alex", "Alex Wilber");
    private static readonly Technician Grady = new("grady", "Grady Archie");

    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _clock = new(TicketDrafts.Start);
    private readonly EmbeddedTicketDesk _sut;

    public EmbeddedDeskTests()
    {
        _sut = new EmbeddedTicketDesk(new TicketDatabase(_folder.Database), _clock);
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Tickets_AreNumberedFromSB1001Upwards_InTheEmbeddedSystem()
    {
        var first = await _sut.CreateAsync(TicketDrafts.Draft("k1"), default);
        var second = await _sut.CreateAsync(TicketDrafts.Draft("k2"), default);
        var third = await _sut.CreateAsync(TicketDrafts.Draft("k3"), default);

        Assert.Equal(["SB-1001", "SB-1002", "SB-1003"], new[] { first.Number, second.Number, third.Number });
        Assert.Equal("Embedded", first.System);
        Assert.Equal("Embedded", _sut.Name);
    }

    [Fact]
    public async Task SameKeyFiledTwice_MakesOneTicket_AndBothAnswersQuoteTheSameNumber()
    {
        var first = await _sut.CreateAsync(TicketDrafts.Draft("turn-42"), default);
        var again = await _sut.CreateAsync(TicketDrafts.Draft("turn-42", title: "a retried copy"), default);

        Assert.Equal(first, again);
        var ticket = Assert.Single(await _sut.ListAsync(new TicketFilter(), default));
        Assert.Equal("VPN drops every few minutes", ticket.Title);
        Assert.Equal(first, await _sut.FindAsync("turn-42", default));
        Assert.Null(await _sut.FindAsync("never-filed", default));
    }

    [Fact]
    public async Task TwoInstancesFilingTheSameKeyAtOnce_MakeOneTicket()
    {
        var other = new EmbeddedTicketDesk(new TicketDatabase(_folder.Database), _clock);

        var receipts = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            Task.Run(() => (i % 2 == 0 ? _sut : other).CreateAsync(TicketDrafts.Draft("double-click"), default))));

        Assert.Single(receipts.Distinct());
        Assert.Single(await _sut.ListAsync(new TicketFilter(), default));
    }

    [Fact]
    public async Task AFiledTicket_ShowsTechniciansEverythingTheEmployeeAlreadyToldTheBot()
    {
        var draft = TicketDrafts.Draft("k1") with
        {
            Priority = TicketPriority.High,
            PriorityReasons = ["can't work"],
            Transcript =
            [
                new TranscriptLine(Speaker.User, "my vpn keeps dropping", TicketDrafts.Start.AddMinutes(-3)),
                new TranscriptLine(Speaker.Bot, "Try reconnecting to Wi-Fi.", TicketDrafts.Start.AddMinutes(-2)),
            ],
            Articles = [new ArticleShown("vpn-drops", "VPN keeps disconnecting", false)],
            Actions = [new ActionTried("device.sync", "DESKTOP-ADELE01", "Succeeded")],
            DeviceInfo = "Surface Laptop 5, Windows 11",
        };
        var receipt = await _sut.CreateAsync(draft, default);

        var ticket = await _sut.GetAsync(receipt.Number, default);

        Assert.NotNull(ticket);
        Assert.Equal(TicketState.New, ticket.State);
        Assert.Equal(TicketPriority.High, ticket.Priority);
        Assert.Equal(["can't work"], ticket.PriorityReasons);
        Assert.Equal(draft.Title, ticket.Title);
        Assert.Equal(draft.Description, ticket.Description);
        Assert.Equal(draft.Summary, ticket.Summary);
        Assert.Equal("network", ticket.Category);
        Assert.Equal(TicketDrafts.Adele, ticket.Requester);
        Assert.Equal(draft.Transcript, ticket.Transcript);
        Assert.Equal(draft.Articles, ticket.Articles);
        Assert.Equal(draft.Actions, ticket.Actions);
        Assert.Equal("Surface Laptop 5, Windows 11", ticket.DeviceInfo);
        Assert.Equal(draft.CreatedAt, ticket.CreatedAt);
        Assert.Null(ticket.AssignedTo);
        Assert.False(ticket.RelayOpen);
    }

    [Fact]
    public async Task HtmlAndScriptText_IsStoredAndReturnedVerbatim()
    {
        const string title = "<script>alert('owned')</script> Outlook & \"Teams\"";
        const string description = "<img src=x onerror=alert(1)> it says '; DROP TABLE tickets;-- and 100% _broken_ \\ ✓";
        var receipt = await _sut.CreateAsync(TicketDrafts.Draft("k1", title: title, description: description), default);
        await _sut.ClaimAsync(receipt.Number, Alex, default);
        await _sut.AddMessageAsync(receipt.Number, Speaker.User, "Adele Vance", "<b>still</b> broken", default);

        var ticket = await _sut.GetAsync(receipt.Number, default);
        var message = Assert.Single(await _sut.MessagesAsync(receipt.Number, default));

        Assert.Equal(title, ticket!.Title);
        Assert.Equal(description, ticket.Description);
        Assert.Equal("<b>still</b> broken", message.Text);
        Assert.Single(await _sut.ListAsync(new TicketFilter(Search: "<script>"), default));
    }

    [Fact]
    public async Task A50KilobyteDescription_IsStoredWhole()
    {
        var description = string.Concat(Enumerable.Range(0, 5_000).Select(i => $"line {i,4}\n"));
        Assert.True(description.Length >= 50_000);
        var receipt = await _sut.CreateAsync(TicketDrafts.Draft("k1", description: description), default);

        var ticket = await _sut.GetAsync(receipt.Number, default);

        Assert.Equal(description, ticket!.Description);
    }

    [Theory]
    [InlineData("SB-99999")]
    [InlineData("'; DROP TABLE tickets;--")]
    [InlineData("SB-1001'; DROP TABLE tickets;--")]
    [InlineData("SB-1001 OR 1=1")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("SB-")]
    [InlineData("SB-1000")]
    [InlineData("SB--1")]
    [InlineData("SB-+1001")]
    [InlineData("1001")]
    [InlineData("SB-99999999999999999999999")]
    [InlineData("INC0010001")]
    public async Task UnknownOrGarbageNumbers_AreNotFound_AndHarmNothing(string number)
    {
        var real = await _sut.CreateAsync(TicketDrafts.Draft("k1"), default);

        Assert.Null(await _sut.GetAsync(number, default));
        Assert.Equal(DeskOutcome.NotFound, (await _sut.ClaimAsync(number, Alex, default)).Outcome);
        Assert.Equal(DeskOutcome.NotFound, (await _sut.ResolveAsync(number, Alex, "done", default)).Outcome);
        Assert.Equal(DeskOutcome.NotFound, (await _sut.EndRelayAsync(number, Alex, default)).Outcome);
        Assert.Equal(DeskOutcome.NotFound, (await _sut.RateAsync(number, TicketDrafts.Adele.ChannelUserId, 5, default)).Outcome);
        Assert.Empty(await _sut.MessagesAsync(number, default));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => _sut.AddMessageAsync(number, Speaker.Technician, "Alex", "hi", default));

        var ticket = await _sut.GetAsync(real.Number, default);
        Assert.Equal(TicketState.New, ticket!.State);
        Assert.Single(await _sut.ListAsync(new TicketFilter(), default));
    }

    [Fact]
    public async Task Numbers_AreReadWhateverTheCaseOrSurroundingSpaces()
    {
        var receipt = await _sut.CreateAsync(TicketDrafts.Draft("k1"), default);

        Assert.Equal(receipt.Number, (await _sut.GetAsync(" sb-1001 ", default))?.Number);
    }

    [Fact]
    public async Task ClaimingANewTicket_AssignsIt_AndOpensTheRelayToTheEmployee()
    {
        var receipt = await _sut.CreateAsync(TicketDrafts.Draft("k1"), default);
        _clock.Advance(TimeSpan.FromMinutes(7));

        var result = await _sut.ClaimAsync(receipt.Number, Alex, default);

        Assert.Equal(DeskOutcome.Done, result.Outcome);
        Assert.Equal(TicketState.Claimed, result.Ticket!.State);
        Assert.Equal(Alex, result.Ticket.AssignedTo);
        Assert.Equal(TicketDrafts.Start.AddMinutes(7), result.Ticket.ClaimedAt);
        Assert.True(result.Ticket.RelayOpen);
        var relay = await _sut.OpenRelayForAsync("msteams", TicketDrafts.Adele.ChannelUserId, default);
        Assert.Equal(receipt.Number, relay?.Number);
    }

    [Fact]
    public async Task ClaimingAgain_BySameTechnician_IsDone_ByAnother_IsRefusedWithWhoHasIt()
    {
        var receipt = await _sut.CreateAsync(TicketDrafts.Draft("k1"), default);
        await _sut.ClaimAsync(receipt.Number, Alex, default);

        var again = await _sut.ClaimAsync(receipt.Number, Alex with { UserName = "ALEX" }, default);
        var other = await _sut.ClaimAsync(receipt.Number, Grady, default);

        Assert.Equal(DeskOutcome.Done, again.Outcome);
        Assert.Equal(DeskOutcome.ClaimedByOther, other.Outcome);
        Assert.Equal(Alex, other.Ticket!.AssignedTo);
        Assert.Equal(Alex, (await _sut.GetAsync(receipt.Number, default))!.AssignedTo);
    }

    [Fact]
    public async Task ClaimingAResolvedTicket_IsAlreadyResolved()
    {
        var receipt = await _sut.CreateAsync(TicketDrafts.Draft("k1"), default);
        await _sut.ResolveAsync(receipt.Number, Alex, "Reset the VPN profile.", default);

        var result = await _sut.ClaimAsync(receipt.Number, Grady, default);

        Assert.Equal(DeskOutcome.AlreadyResolved, result.Outcome);
        Assert.Equal(TicketState.Resolved, result.Ticket!.State);
        Assert.Equal(Alex, result.Ticket.AssignedTo);
    }

    [Fact]
    public async Task TwoInstancesRacingToClaim_ExactlyOneTechnicianGetsEachTicket()
    {
        var other = new EmbeddedTicketDesk(new TicketDatabase(_folder.Database), _clock);
        var technicians = Enumerable.Range(1, 8).Select(i => new Technician($"tech{i}", $"Technician {i}")).ToList();
        var numbers = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            numbers.Add((await _sut.CreateAsync(TicketDrafts.Draft($"k{i}"), default)).Number);
        }

        foreach (var number in numbers)
        {
            var results = await Task.WhenAll(technicians.Select((t, i) =>
                Task.Run(() => (i % 2 == 0 ? _sut : other).ClaimAsync(number, t, default))));

            var winner = Assert.Single(results, r => r.Outcome == DeskOutcome.Done);
            Assert.All(results.Where(r => r != winner), r => Assert.Equal(DeskOutcome.ClaimedByOther, r.Outcome));
            Assert.All(results, r => Assert.Equal(winner.Ticket!.AssignedTo, r.Ticket!.AssignedTo));
            Assert.Equal(winner.Ticket!.AssignedTo, (await other.GetAsync(number, default))!.AssignedTo);
        }
    }

    [Fact]
    public async Task ResolvingAnUnclaimedTicket_ClaimsItForTheResolver_AndClosesIt()
    {
        var receipt = await _sut.CreateAsync(TicketDrafts.Draft("k1"), default);
        _clock.Advance(TimeSpan.FromMinutes(30));

        var result = await _sut.ResolveAsync(receipt.Number, Grady, "Replaced the dock.", default);

        Assert.Equal(DeskOutcome.Done, result.Outcome);
        Assert.Equal(TicketState.Resolved, result.Ticket!.State);
        Assert.Equal(Grady, result.Ticket.AssignedTo);
        Assert.Equal("Replaced the dock.", result.Ticket.ResolutionNote);
        Assert.Equal(TicketDrafts.Start.AddMinutes(30), result.Ticket.ResolvedAt);
        Assert.NotNull(result.Ticket.ClaimedAt);
    }

    [Fact]
    public async Task ResolvingSomeoneElsesTicket_IsRefused_AndTheTicketStaysOpen()
    {
        var receipt = await _sut.CreateAsync(TicketDrafts.Draft("k1"), default);
        await _sut.ClaimAsync(receipt.Number, Alex, default);

        var result = await _sut.ResolveAsync(receipt.Number, Grady, "closing", default);

        Assert.Equal(DeskOutcome.ClaimedByOther, result.Outcome);
        var ticket = await _sut.GetAsync(receipt.Number, default);
        Assert.Equal(TicketState.Claimed, ticket!.State);
        Assert.Null(ticket.ResolutionNote);
        Assert.True(ticket.RelayOpen);
    }

    [Fact]
    public async Task ResolvingOwnTicket_ClosesTheRelay_AndResolvingAgainIsAlreadyResolved()
    {
        var receipt = await _sut.CreateAsync(TicketDrafts.Draft("k1"), default);
        await _sut.ClaimAsync(receipt.Number, Alex, default);

        var resolved = await _sut.ResolveAsync(receipt.Number, Alex, "Re-enrolled the laptop.", default);
        var again = await _sut.ResolveAsync(receipt.Number, Alex, "second note", default);

        Assert.Equal(DeskOutcome.Done, resolved.Outcome);
        Assert.False(resolved.Ticket!.RelayOpen);
        Assert.Null(await _sut.OpenRelayForAsync("msteams", TicketDrafts.Adele.ChannelUserId, default));
        Assert.Equal(DeskOutcome.AlreadyResolved, again.Outcome);
        Assert.Equal("Re-enrolled the laptop.", (await _sut.GetAsync(receipt.Number, default))!.ResolutionNote);
    }

    [Fact]
    public async Task EndingTheRelay_OnlyTheHolderMay_AndTheTicketStaysClaimed()
    {
        var receipt = await _sut.CreateAsync(TicketDrafts.Draft("k1"), default);

        var beforeClaim = await _sut.EndRelayAsync(receipt.Number, Alex, default);
        await _sut.ClaimAsync(receipt.Number, Alex, default);
        var byOther = await _sut.EndRelayAsync(receipt.Number, Grady, default);
        var byHolder = await _sut.EndRelayAsync(receipt.Number, Alex, default);

        Assert.Equal(DeskOutcome.NotClaimed, beforeClaim.Outcome);
        Assert.Equal(DeskOutcome.ClaimedByOther, byOther.Outcome);
        Assert.Equal(DeskOutcome.Done, byHolder.Outcome);
        Assert.Equal(TicketState.Claimed, byHolder.Ticket!.State);
        Assert.False(byHolder.Ticket.RelayOpen);
        Assert.Null(await _sut.OpenRelayForAsync("msteams", TicketDrafts.Adele.ChannelUserId, default));

        await _sut.ResolveAsync(receipt.Number, Alex, null, default);
        Assert.Equal(DeskOutcome.AlreadyResolved, (await _sut.EndRelayAsync(receipt.Number, Alex, default)).Outcome);
    }

    [Fact]
    public async Task TheOpenRelay_IsTheRequestersNewestClaimedTicket_AndNobodyElses()
    {
        var older = await _sut.CreateAsync(TicketDrafts.Draft("k1"), default);
        var newer = await _sut.CreateAsync(TicketDrafts.Draft("k2"), default);
        var megans = await _sut.CreateAsync(TicketDrafts.Draft("k3", TicketDrafts.Megan), default);
        await _sut.ClaimAsync(older.Number, Alex, default);
        await _sut.ClaimAsync(newer.Number, Grady, default);
        await _sut.ClaimAsync(megans.Number, Alex, default);

        var adeles = await _sut.OpenRelayForAsync("msteams", TicketDrafts.Adele.ChannelUserId, default);
        var onOtherChannel = await _sut.OpenRelayForAsync("slack", TicketDrafts.Adele.ChannelUserId, default);

        Assert.Equal(newer.Number, adeles?.Number);
        Assert.Null(onOtherChannel);
    }

    [Fact]
    public async Task Messages_AreKeptInOrder_WithWhoSaidThem()
    {
        var receipt = await _sut.CreateAsync(TicketDrafts.Draft("k1"), default);
        await _sut.ClaimAsync(receipt.Number, Alex, default);

        var first = await _sut.AddMessageAsync(receipt.Number, Speaker.Technician, "Alex Wilber", "Can you restart it?", default);
        _clock.Advance(TimeSpan.FromMinutes(1));
        await _sut.AddMessageAsync(receipt.Number, Speaker.User, "Adele Vance", "Done, still dropping.", default);

        var messages = await _sut.MessagesAsync(receipt.Number, default);

        Assert.Equal(["Can you restart it?", "Done, still dropping."], messages.Select(m => m.Text));
        Assert.Equal([Speaker.Technician, Speaker.User], messages.Select(m => m.From));
        Assert.Equal(first, messages[0]);
        Assert.Equal(TicketDrafts.Start.AddMinutes(1), messages[1].At);
        Assert.All(messages, m => Assert.Equal("SB-1001", m.Number));
    }

    [Fact]
    public async Task TheRequester_RatesAResolvedTicketOnce_From1To5()
    {
        var receipt = await _sut.CreateAsync(TicketDrafts.Draft("k1"), default);
        var adele = TicketDrafts.Adele.ChannelUserId;

        var beforeResolved = await _sut.RateAsync(receipt.Number, adele, 5, default);
        await _sut.ResolveAsync(receipt.Number, Alex, "fixed", default);
        var byMegan = await _sut.RateAsync(receipt.Number, TicketDrafts.Megan.ChannelUserId, 1, default);
        var zero = await _sut.RateAsync(receipt.Number, adele, 0, default);
        var six = await _sut.RateAsync(receipt.Number, adele, 6, default);
        var rated = await _sut.RateAsync(receipt.Number, adele, 4, default);
        var twice = await _sut.RateAsync(receipt.Number, adele, 1, default);

        Assert.Equal(DeskOutcome.Invalid, beforeResolved.Outcome);
        Assert.Equal(DeskOutcome.Invalid, byMegan.Outcome);
        Assert.Null(byMegan.Ticket);
        Assert.Equal(DeskOutcome.Invalid, zero.Outcome);
        Assert.Equal(DeskOutcome.Invalid, six.Outcome);
        Assert.Equal(DeskOutcome.Done, rated.Outcome);
        Assert.Equal(4, rated.Ticket!.Rating);
        Assert.Equal(DeskOutcome.Invalid, twice.Outcome);
        Assert.Equal(4, (await _sut.GetAsync(receipt.Number, default))!.Rating);
    }

    [Fact]
    public async Task TheQueue_ShowsNewFirst_MostUrgentFirst_AndFilters()
    {
        await _sut.CreateAsync(TicketDrafts.Draft("k1", title: "Printer jammed", priority: TicketPriority.Low, category: "printing"), default);
        await _sut.CreateAsync(TicketDrafts.Draft("k2", title: "Laptop won't boot", priority: TicketPriority.Critical, category: "hardware"), default);
        await _sut.CreateAsync(TicketDrafts.Draft("k3", title: "VPN drops", description: "since the 100% update_2", priority: TicketPriority.High), default);
        await _sut.CreateAsync(TicketDrafts.Draft("k4", TicketDrafts.Megan, title: "Teams camera black"), default);
        await _sut.ClaimAsync("SB-1002", Alex, default);

        async Task<IEnumerable<string>> TitlesAsync(TicketFilter filter) =>
            (await _sut.ListAsync(filter, default)).Select(t => t.Title);

        Assert.Equal(["VPN drops", "Teams camera black", "Printer jammed", "Laptop won't boot"], await TitlesAsync(new TicketFilter()));
        Assert.Equal(["Laptop won't boot"], await TitlesAsync(new TicketFilter(State: TicketState.Claimed)));
        Assert.Equal(["Laptop won't boot"], await TitlesAsync(new TicketFilter(AssignedTo: "ALEX")));
        Assert.Equal(["VPN drops"], await TitlesAsync(new TicketFilter(Priority: TicketPriority.High)));
        Assert.Equal(["Printer jammed"], await TitlesAsync(new TicketFilter(Category: "Printing")));
        Assert.Equal(["Teams camera black"], await TitlesAsync(new TicketFilter(Search: "camera")));
        Assert.Equal(["VPN drops"], await TitlesAsync(new TicketFilter(Search: "100%")));
        Assert.Equal(["VPN drops"], await TitlesAsync(new TicketFilter(Search: "update_")));
        Assert.Equal(["VPN drops"], await TitlesAsync(new TicketFilter(Search: "%")));
        Assert.Equal(["VPN drops"], await TitlesAsync(new TicketFilter(Search: "_")));
        Assert.Equal(["VPN drops"], await TitlesAsync(new TicketFilter(Search: "sb-1003")));
        Assert.Empty(await TitlesAsync(new TicketFilter(Search: "' OR 1=1 --")));
        Assert.Empty(await TitlesAsync(new TicketFilter(State: TicketState.New, Search: "boot")));
    }

    [Fact]
    public async Task TheRequester_SeesOnlyTheirOwnTickets_NewestFirst()
    {
        await _sut.CreateAsync(TicketDrafts.Draft("k1", title: "first"), default);
        await _sut.CreateAsync(TicketDrafts.Draft("k2", TicketDrafts.Megan, title: "megan's"), default);
        await _sut.CreateAsync(TicketDrafts.Draft("k3", title: "second"), default);

        var tickets = await _sut.ForRequesterAsync("msteams", TicketDrafts.Adele.ChannelUserId, default);

        Assert.Equal(["second", "first"], tickets.Select(t => t.Title));
        Assert.Empty(await _sut.ForRequesterAsync("slack", TicketDrafts.Adele.ChannelUserId, default));
    }

    [Fact]
    public async Task TicketsSurviveARestart_AndNumberingCarriesOn()
    {
        await _sut.CreateAsync(TicketDrafts.Draft("k1"), default);
        SqliteConnection.ClearAllPools();

        var restarted = new EmbeddedTicketDesk(new TicketDatabase(_folder.Database), _clock);
        var next = await restarted.CreateAsync(TicketDrafts.Draft("k2"), default);

        Assert.Equal("SB-1002", next.Number);
        Assert.Equal(2, (await restarted.ListAsync(new TicketFilter(), default)).Count);
        using var connection = new SqliteConnection($"Data Source={_folder.Database}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", command.ExecuteScalar());
        command.CommandText = "SELECT version FROM schema_version;";
        Assert.Equal((long)TicketDatabase.SchemaVersion, command.ExecuteScalar());
    }

    [Fact]
    public void ADatabaseFromANewerBuild_IsRefusedAtStart_NamingTheFile()
    {
        using (var connection = new SqliteConnection($"Data Source={_folder.Database};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE schema_version SET version = 99;";
            command.ExecuteNonQuery();
        }

        var ex = Assert.Throws<InvalidOperationException>(() => new TicketDatabase(_folder.Database));

        Assert.Contains(_folder.Database, ex.Message, StringComparison.Ordinal);
        Assert.Contains("99", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDatabaseFolder_IsCreatedWhenMissing()
    {
        var path = Path.Combine(_folder.Path, "nested", "deeper", "tickets.db");

        _ = new TicketDatabase(path);

        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task Outbox_AddsEachKeyOnce_AndCountsWhatWaits()
    {
        var outbox = new SqliteEscalationOutbox(new TicketDatabase(_folder.Database), _clock);

        var first = await outbox.AddAsync(TicketDrafts.Draft("k1"), default);
        var again = await outbox.AddAsync(TicketDrafts.Draft("k1", title: "changed"), default);
        await outbox.AddAsync(TicketDrafts.Draft("k2"), default);

        Assert.Equal("VPN drops every few minutes", again.Draft.Title);
        Assert.Equal(first.Draft.CreatedAt, again.Draft.CreatedAt);
        Assert.Equal(2, await outbox.PendingCountAsync(default));
        await outbox.MarkFiledAsync("k1", new TicketReceipt("SB-1001", "Embedded"), default);
        Assert.Equal(1, await outbox.PendingCountAsync(default));
        Assert.Equal(new TicketReceipt("SB-1001", "Embedded"), (await outbox.FindAsync("k1", default))!.Receipt);
        Assert.Equal(["k2"], (await outbox.DueAsync(_clock.GetUtcNow(), 10, default)).Select(e => e.Draft.IdempotencyKey));
    }

    [Fact]
    public async Task Outbox_RetryWaitsUntilItsTime()
    {
        var outbox = new SqliteEscalationOutbox(new TicketDatabase(_folder.Database), _clock);
        await outbox.AddAsync(TicketDrafts.Draft("k1"), default);
        Assert.True(await outbox.TryLeaseAsync("k1", TimeSpan.FromMinutes(1), default));

        await outbox.MarkRetryAsync("k1", _clock.GetUtcNow().AddSeconds(30), "Unavailable: 503", default);

        Assert.Empty(await outbox.DueAsync(_clock.GetUtcNow().AddSeconds(29), 10, default));
        var due = Assert.Single(await outbox.DueAsync(_clock.GetUtcNow().AddSeconds(30), 10, default));
        Assert.Equal(1, due.Attempts);
        Assert.Equal("Unavailable: 503", due.LastError);
    }

    [Fact]
    public async Task Outbox_TwoInstancesLeasingOneEntry_OnlyOneGetsIt_UntilTheLeaseRunsOut()
    {
        var a = new SqliteEscalationOutbox(new TicketDatabase(_folder.Database), _clock);
        var b = new SqliteEscalationOutbox(new TicketDatabase(_folder.Database), _clock);
        await a.AddAsync(TicketDrafts.Draft("k1"), default);

        var leases = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            Task.Run(() => (i % 2 == 0 ? a : b).TryLeaseAsync("k1", TimeSpan.FromMinutes(2), default))));

        Assert.Single(leases, l => l);
        _clock.Advance(TimeSpan.FromMinutes(2) - TimeSpan.FromSeconds(1));
        Assert.False(await b.TryLeaseAsync("k1", TimeSpan.FromMinutes(2), default));
        _clock.Advance(TimeSpan.FromSeconds(1));

        // The first holder vanished mid-attempt: the next one may take over, and knows an attempt was made.
        Assert.True(await b.TryLeaseAsync("k1", TimeSpan.FromMinutes(2), default));
        Assert.Equal(1, (await a.FindAsync("k1", default))!.Attempts);
    }
}

/// <summary>Drafts as the bot builds them, for the ticket tests.</summary>
internal static class TicketDrafts
{
    public static readonly DateTimeOffset Start = new(2025, 3, 14, 9, 30, 0, TimeSpan.Zero);

    public static readonly Requester Adele = new(
        "Adele Vance", "fa3c0f5c-c02b-494f-af8e-5cd3c163a222", "AdeleV@contoso.com", "msteams", "29:adele", """{"conversation":{"id":"a:1"}}""");

    public static readonly Requester Megan = new(
        "Megan Bowen", "48d31887-5fad-4d73-a9f5-3c356e68a038", "MeganB@contoso.com", "msteams", "29:megan", null);

    public static TicketDraft Draft(
        string key,
        Requester? requester = null,
        string title = "VPN drops every few minutes",
        string description = "My VPN disconnects every few minutes since this morning.",
        TicketPriority priority = TicketPriority.Medium,
        string category = "network") => new()
        {
            IdempotencyKey = key,
            Requester = requester ?? Adele,
            Title = title,
            Description = description,
            Summary = "VPN disconnects repeatedly; reconnecting Wi-Fi didn't help.",
            Priority = priority,
            Category = category,
            CreatedAt = Start,
        };
}

/// <summary>A folder for one test's database files, removed afterwards.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("supportbot-tickets-").FullName;

    public string Database => File("tickets.db");

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        // Pooled connections keep the file open; let them go before deleting it.
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A connection still closing in another test: the temp folder is the OS's to clean.
        }
    }
}
