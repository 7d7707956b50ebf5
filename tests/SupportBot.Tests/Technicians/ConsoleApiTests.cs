using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SupportBot.Skills.Conversation;
using SupportBot.Skills.Tickets;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.Technicians;

/// <summary>
/// The technician console's API over real HTTP, on the real host with the embedded (SQLite) desk and the bot's real
/// notifier: employees' chats are a recorded channel, so what the employee would read is checked too.
/// </summary>
public sealed class ConsoleApiTests : IAsyncLifetime
{
    private const string Script = "<script>alert('x')</script><img src=x onerror=\"alert(1)\"> & \"quotes\"";

    private BotHost _host = null!;
    private ChannelRecorder _channel = null!;
    private ConsoleClient _ada = null!;
    private ConsoleClient _grace = null!;

    public async Task InitializeAsync()
    {
        _host = BotHost.Start(ConsoleHost.Settings(ConsoleHost.NewFolder()));
        _channel = await ChannelRecorder.StartAsync();
        _ada = await ConsoleClient.SignedInAsync(_host, "ada", ConsoleHost.AdaPassword);
        _grace = await ConsoleClient.SignedInAsync(_host, "grace", ConsoleHost.GracePassword);
    }

    public async Task DisposeAsync()
    {
        _ada.Dispose();
        _grace.Dispose();
        await _channel.DisposeAsync();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Queue_ListsTickets_MostUrgentFirst_AndFilters()
    {
        var tag = Tag();
        var low = await FileAsync($"{tag} printer toner low", TicketPriority.Low, category: "printing");
        var critical = await FileAsync($"{tag} whole floor offline", TicketPriority.Critical, category: "network");

        var all = await _ada.GetJsonAsync($"api/technician/tickets?q={tag}");
        var lowOnly = await _ada.GetJsonAsync($"api/technician/tickets?q={tag}&priority=low");
        var network = await _ada.GetJsonAsync($"api/technician/tickets?q={tag}&category=Network");
        var claimed = await _ada.GetJsonAsync($"api/technician/tickets?q={tag}&state=claimed");

        Assert.Equal([critical, low], Numbers(all));
        var first = all[0];
        Assert.Equal("Critical", first.GetProperty("priority").GetString());
        Assert.Equal("New", first.GetProperty("state").GetString());
        Assert.Equal("Adele Vance", first.GetProperty("requester").GetString());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("assignedTo").ValueKind);
        Assert.Equal([low], Numbers(lowOnly));
        Assert.Equal([critical], Numbers(network));
        Assert.Empty(Numbers(claimed));
    }

    [Fact]
    public async Task Queue_Mine_ShowsOnlyTicketsIHold_AndOpenHidesResolvedOnes()
    {
        var tag = Tag();
        var adas = await FileAsync($"{tag} vpn drops");
        var graces = await FileAsync($"{tag} teams camera");
        var resolved = await FileAsync($"{tag} old printer");
        await Expect(HttpStatusCode.OK, _ada.PostAsync($"api/technician/tickets/{adas}/claim"));
        await Expect(HttpStatusCode.OK, _grace.PostAsync($"api/technician/tickets/{graces}/claim"));
        await Expect(HttpStatusCode.OK, _ada.PostAsync($"api/technician/tickets/{resolved}/resolve", new { note = "Replaced." }));

        var mine = await _ada.GetJsonAsync($"api/technician/tickets?q={tag}&assigned=me&state=open");
        var open = await _ada.GetJsonAsync($"api/technician/tickets?q={tag}&state=open");
        var any = await _ada.GetJsonAsync($"api/technician/tickets?q={tag}&state=any");

        Assert.Equal([adas], Numbers(mine));
        Assert.Equal(new[] { adas, graces }.Order(), Numbers(open).Order());
        Assert.Contains(resolved, Numbers(any));
        Assert.Equal("Grace Hopper", open.EnumerateArray().Single(t => t.GetProperty("number").GetString() == graces)
            .GetProperty("assignedTo").GetProperty("displayName").GetString());
    }

    [Theory]
    [InlineData("state=done", "'state' must be")]
    [InlineData("state=1", "'state' must be")]
    [InlineData("priority=urgent", "'priority' must be")]
    [InlineData("assigned=grace", "'assigned' must be me or any.")]
    public async Task Queue_WithAnUnknownFilter_Is400_SayingWhichOne(string query, string message)
    {
        using var response = await _ada.GetAsync($"api/technician/tickets?{query}");

        var problem = await Problem(response, HttpStatusCode.BadRequest);
        Assert.Contains(message, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detail_HasTheWholeStory_AndNotTheEmployeesConversationReference()
    {
        var number = await FileAsync($"{Tag()} laptop slow", TicketPriority.High, reference: Reference(Activities.NewConversationId()));

        var ticket = await _ada.GetJsonAsync($"api/technician/tickets/{number}");

        Assert.Equal(number, ticket.GetProperty("number").GetString());
        Assert.Equal("High", ticket.GetProperty("priority").GetString());
        Assert.Equal(["can't work"], ticket.GetProperty("priorityReasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("AdeleV@contoso.com", ticket.GetProperty("requester").GetProperty("email").GetString());
        Assert.Equal("msteams", ticket.GetProperty("requester").GetProperty("channel").GetString());
        Assert.Equal("My laptop is really slow since this morning.", ticket.GetProperty("description").GetString());
        var transcript = ticket.GetProperty("transcript").EnumerateArray().ToList();
        Assert.Equal(["User", "Bot"], transcript.Select(l => l.GetProperty("speaker").GetString()));
        var article = Assert.Single(ticket.GetProperty("articles").EnumerateArray());
        Assert.False(article.GetProperty("helped").GetBoolean());
        Assert.Equal("Restarted", Assert.Single(ticket.GetProperty("actions").EnumerateArray()).GetProperty("outcome").GetString());
        Assert.Empty(ticket.GetProperty("messages").EnumerateArray());
        var can = ticket.GetProperty("can");
        Assert.True(can.GetProperty("claim").GetBoolean());
        Assert.False(can.GetProperty("reply").GetBoolean());
        var raw = ticket.GetRawText();
        Assert.DoesNotContain(_channel.ServiceUrl.TrimEnd('/'), raw, StringComparison.Ordinal);
        Assert.DoesNotContain("conversationReference", raw, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Claim_TellsTheEmployee_ThenAReply_ReachesTheirChat_AndIsKeptOnTheTicket()
    {
        var conversation = Activities.NewConversationId();
        var number = await FileAsync($"{Tag()} outlook keeps asking for password", reference: Reference(conversation));

        var claim = await Json(await _ada.PostAsync($"api/technician/tickets/{number}/claim"), HttpStatusCode.OK);
        var reply = await Json(await _ada.PostAsync($"api/technician/tickets/{number}/reply", new { text = "  Hi Adele, can you try signing out of Outlook?  " }), HttpStatusCode.Created);

        Assert.True(claim.GetProperty("delivered").GetBoolean());
        Assert.Equal("Claimed", claim.GetProperty("ticket").GetProperty("state").GetString());
        Assert.True(claim.GetProperty("ticket").GetProperty("relayOpen").GetBoolean());
        Assert.True(reply.GetProperty("delivered").GetBoolean());
        Assert.Equal("Hi Adele, can you try signing out of Outlook?", reply.GetProperty("message").GetProperty("text").GetString());
        Assert.Equal("Technician", reply.GetProperty("message").GetProperty("from").GetString());
        Assert.Equal("Ada Lovelace", reply.GetProperty("message").GetProperty("author").GetString());
        var employeeSaw = (await _channel.WaitForMessagesAsync(conversation, 2)).Text();
        Assert.Contains("Ada Lovelace", employeeSaw, StringComparison.Ordinal);
        Assert.Contains("Hi Adele, can you try signing out of Outlook?", employeeSaw, StringComparison.Ordinal);
        var ticket = await _ada.GetJsonAsync($"api/technician/tickets/{number}");
        Assert.Equal("Hi Adele, can you try signing out of Outlook?", Assert.Single(ticket.GetProperty("messages").EnumerateArray()).GetProperty("text").GetString());
        Assert.True(ticket.GetProperty("can").GetProperty("reply").GetBoolean());
    }

    [Fact]
    public async Task ClaimByAda_ThenClaimByGrace_Is409NamingAda_AndAdaKeepsIt()
    {
        var number = await FileAsync($"{Tag()} monitor flickers");
        await Expect(HttpStatusCode.OK, _ada.PostAsync($"api/technician/tickets/{number}/claim"));

        using var response = await _grace.PostAsync($"api/technician/tickets/{number}/claim");

        var problem = await Problem(response, HttpStatusCode.Conflict);
        Assert.Equal("Ada Lovelace (ada) holds this ticket.", problem.GetProperty("detail").GetString());
        Assert.Equal("claimedByOther", problem.GetProperty("code").GetString());
        var ticket = await _grace.GetJsonAsync($"api/technician/tickets/{number}");
        Assert.Equal("ada", ticket.GetProperty("assignedTo").GetProperty("userName").GetString());
        Assert.False(ticket.GetProperty("can").GetProperty("claim").GetBoolean());
        Assert.False(ticket.GetProperty("can").GetProperty("reply").GetBoolean());
    }

    [Fact]
    public async Task Reply_ToAnUnclaimedTicket_Is409ClaimItFirst_AndStoresNothing()
    {
        var number = await FileAsync($"{Tag()} keyboard missing keys");

        using var response = await _ada.PostAsync($"api/technician/tickets/{number}/reply", new { text = "On my way." });

        var problem = await Problem(response, HttpStatusCode.Conflict);
        Assert.Equal("Claim it first.", problem.GetProperty("detail").GetString());
        var ticket = await _ada.GetJsonAsync($"api/technician/tickets/{number}");
        Assert.Empty(ticket.GetProperty("messages").EnumerateArray());
        Assert.Equal("New", ticket.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Reply_OnSomeoneElsesTicket_Is409NamingThem()
    {
        var number = await FileAsync($"{Tag()} dock not charging");
        await Expect(HttpStatusCode.OK, _ada.PostAsync($"api/technician/tickets/{number}/claim"));

        using var response = await _grace.PostAsync($"api/technician/tickets/{number}/reply", new { text = "I can help too." });

        var problem = await Problem(response, HttpStatusCode.Conflict);
        Assert.Equal("Ada Lovelace (ada) holds this ticket.", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\t ")]
    [InlineData(null)]
    public async Task Reply_Empty_Is400(string? text)
    {
        var number = await ClaimedByAdaAsync();

        using var response = await _ada.PostAsync($"api/technician/tickets/{number}/reply", new { text });

        var problem = await Problem(response, HttpStatusCode.BadRequest);
        Assert.Equal("Write a reply first: 'text' is empty.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Reply_LongerThan4000Characters_Is400_And4000IsFine()
    {
        var number = await ClaimedByAdaAsync();

        using var tooLong = await _ada.PostAsync($"api/technician/tickets/{number}/reply", new { text = new string('a', 4001) });
        using var longest = await _ada.PostAsync($"api/technician/tickets/{number}/reply", new { text = "  " + new string('b', 4000) + "  " });

        var problem = await Problem(tooLong, HttpStatusCode.BadRequest);
        Assert.Equal("A reply can be at most 4000 characters; this one has 4001.", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Created, longest.StatusCode);
        var ticket = await _ada.GetJsonAsync($"api/technician/tickets/{number}");
        Assert.Equal(new string('b', 4000), Assert.Single(ticket.GetProperty("messages").EnumerateArray()).GetProperty("text").GetString());
    }

    [Fact]
    public async Task Reply_ThatIsNotJson_Is400()
    {
        var number = await ClaimedByAdaAsync();

        using var response = await _ada.PostRawAsync($"api/technician/tickets/{number}/reply", new StringContent("text=hello", Encoding.UTF8, "application/json"));

        await Problem(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Resolve_ThenResolveAgain_Is409AlreadyResolved_AndTheNoteStays()
    {
        var conversation = Activities.NewConversationId();
        var number = await FileAsync($"{Tag()} wifi password", reference: Reference(conversation));
        await Expect(HttpStatusCode.OK, _ada.PostAsync($"api/technician/tickets/{number}/claim"));

        var resolved = await Json(await _ada.PostAsync($"api/technician/tickets/{number}/resolve", new { note = "Gave the guest network details." }), HttpStatusCode.OK);
        using var again = await _ada.PostAsync($"api/technician/tickets/{number}/resolve", new { note = "Second note." });
        using var claim = await _grace.PostAsync($"api/technician/tickets/{number}/claim");

        Assert.True(resolved.GetProperty("delivered").GetBoolean());
        Assert.Equal("Resolved", resolved.GetProperty("ticket").GetProperty("state").GetString());
        Assert.Equal("alreadyResolved", (await Problem(again, HttpStatusCode.Conflict)).GetProperty("code").GetString());
        Assert.Equal("alreadyResolved", (await Problem(claim, HttpStatusCode.Conflict)).GetProperty("code").GetString());
        var ticket = await _ada.GetJsonAsync($"api/technician/tickets/{number}");
        Assert.Equal("Gave the guest network details.", ticket.GetProperty("resolutionNote").GetString());
        Assert.Contains("is resolved", (await _channel.WaitForMessagesAsync(conversation, 2)).Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EndChat_ClosesTheRelay_TellsTheEmployee_AndClaimingAgainReopensIt()
    {
        var conversation = Activities.NewConversationId();
        var number = await FileAsync($"{Tag()} printer jam", reference: Reference(conversation));
        await Expect(HttpStatusCode.OK, _ada.PostAsync($"api/technician/tickets/{number}/claim"));

        var ended = await Json(await _ada.PostAsync($"api/technician/tickets/{number}/end-relay"), HttpStatusCode.OK);
        var reopened = await Json(await _ada.PostAsync($"api/technician/tickets/{number}/claim"), HttpStatusCode.OK);

        Assert.False(ended.GetProperty("ticket").GetProperty("relayOpen").GetBoolean());
        Assert.True(ended.GetProperty("delivered").GetBoolean());
        Assert.True(ended.GetProperty("ticket").GetProperty("can").GetProperty("claim").GetBoolean());
        Assert.Equal("Claimed", ended.GetProperty("ticket").GetProperty("state").GetString());
        Assert.Contains("has left the chat", (await _channel.WaitForMessagesAsync(conversation, 2)).Text(), StringComparison.Ordinal);
        Assert.True(reopened.GetProperty("ticket").GetProperty("relayOpen").GetBoolean());
    }

    [Fact]
    public async Task EndChat_OnAnUnclaimedTicket_Is409()
    {
        var number = await FileAsync($"{Tag()} mouse");

        using var response = await _ada.PostAsync($"api/technician/tickets/{number}/end-relay");

        Assert.Equal("notClaimed", (await Problem(response, HttpStatusCode.Conflict)).GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("SB-999999")]
    [InlineData("SB-1")]
    [InlineData("1001")]
    [InlineData("sb-00")]
    [InlineData("%3Cscript%3Ealert(1)%3C%2Fscript%3E")]
    [InlineData("SB-1001'%20OR%20'1'='1")]
    [InlineData("..%2F..%2Fappsettings.json")]
    [InlineData("SB-100000000000000000000000000000000000000000000001")]
    public async Task GuessedOrForgedNumbers_Are404_WithNoData(string number)
    {
        await FileAsync($"{Tag()} something real");

        using var get = await _ada.GetAsync($"api/technician/tickets/{number}");
        using var claim = await _ada.PostAsync($"api/technician/tickets/{number}/claim");
        using var reply = await _ada.PostAsync($"api/technician/tickets/{number}/reply", new { text = "hello" });

        foreach (var response in new[] { get, claim, reply })
        {
            var problem = await Problem(response, HttpStatusCode.NotFound);
            Assert.Equal("There is no ticket with that number.", problem.GetProperty("detail").GetString());
            Assert.False(problem.TryGetProperty("ticket", out _));
            Assert.DoesNotContain("Adele", problem.GetRawText(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task HtmlAndScriptInATicket_ComeBackAsJsonText_ExactlyAsWritten()
    {
        var draft = ConsoleHost.Draft(Script + " title", description: Script + " description") with
        {
            Summary = Script,
            Transcript = [new(Speaker.User, Script, DateTimeOffset.UtcNow)],
            Articles = [new ArticleShown("evil", Script, null)],
        };
        var number = await ConsoleHost.FileAsync(_host, draft);

        using var response = await _ada.GetAsync($"api/technician/tickets/{number}");

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var ticket = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(Script + " title", ticket.GetProperty("title").GetString());
        Assert.Equal(Script + " description", ticket.GetProperty("description").GetString());
        Assert.Equal(Script, ticket.GetProperty("summary").GetString());
        Assert.Equal(Script, ticket.GetProperty("transcript")[0].GetProperty("text").GetString());
        Assert.Equal(Script, ticket.GetProperty("articles")[0].GetProperty("title").GetString());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task AFiftyKilobyteDescription_IsReturnedWhole()
    {
        var description = string.Concat(Enumerable.Range(0, 50 * 1024 / 10).Select(i => $"line {i,4}\n"));
        var number = await FileAsync($"{Tag()} long log pasted", description: description);

        var ticket = await _ada.GetJsonAsync($"api/technician/tickets/{number}");

        Assert.Equal(description, ticket.GetProperty("description").GetString());
        Assert.True(description.Length >= 50 * 1024 - 10);
    }

    [Fact]
    public async Task Changes_WithoutTheAntiforgeryToken_Are400_AndChangeNothing()
    {
        var number = await FileAsync($"{Tag()} headset");

        using var missing = await _ada.PostAsync($"api/technician/tickets/{number}/claim", withToken: false);
        using var someoneElses = await _ada.PostAsync($"api/technician/tickets/{number}/claim", token: _grace.ApiToken);
        using var resolve = await _ada.PostAsync($"api/technician/tickets/{number}/resolve", withToken: false);

        foreach (var response in new[] { missing, someoneElses, resolve })
        {
            Assert.Equal("antiforgery", (await Problem(response, HttpStatusCode.BadRequest)).GetProperty("code").GetString());
        }

        var ticket = await _ada.GetJsonAsync($"api/technician/tickets/{number}");
        Assert.Equal("New", ticket.GetProperty("state").GetString());
    }

    [Fact]
    public async Task WhenTheEmployeeCantBeReached_TheChangeAndTheMessageAreKept_AndTheAnswerSaysSo()
    {
        // No conversation to reach them in: the bot's notifier refuses, as it does for a chat that no longer exists.
        var number = await FileAsync($"{Tag()} from a chat long gone", reference: null);

        var claim = await Json(await _ada.PostAsync($"api/technician/tickets/{number}/claim"), HttpStatusCode.OK);
        var reply = await Json(await _ada.PostAsync($"api/technician/tickets/{number}/reply", new { text = "Are you still there?" }), HttpStatusCode.Created);
        var resolve = await Json(await _ada.PostAsync($"api/technician/tickets/{number}/resolve"), HttpStatusCode.OK);

        foreach (var answer in new[] { claim, reply, resolve })
        {
            Assert.False(answer.GetProperty("delivered").GetBoolean());
            Assert.StartsWith("The change is saved, but the employee could not be told in their chat:", answer.GetProperty("reason").GetString(), StringComparison.Ordinal);
        }

        var ticket = await _ada.GetJsonAsync($"api/technician/tickets/{number}");
        Assert.Equal("Resolved", ticket.GetProperty("state").GetString());
        Assert.Equal("Are you still there?", Assert.Single(ticket.GetProperty("messages").EnumerateArray()).GetProperty("text").GetString());
        Assert.Contains(_host.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains($"Ticket {number} changed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheRealHost_RegistersTheDeskAndTheNotifier_TheConsoleUses()
    {
        Assert.NotNull(_host.Services.GetService<ITicketDesk>());
        Assert.NotNull(_host.Services.GetService<ITicketNotifier>());
        using var anonymous = new ConsoleClient(_host);
        using var response = await anonymous.GetAsync("technician/technician.css");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static string Tag() => "t" + Guid.NewGuid().ToString("N")[..10];

    private static List<string?> Numbers(JsonElement queue) => [.. queue.EnumerateArray().Select(t => t.GetProperty("number").GetString())];

    private string Reference(string conversationId) => ConsoleHost.ReferenceTo(_channel, conversationId);

    private Task<string> FileAsync(
        string title,
        TicketPriority priority = TicketPriority.Medium,
        string? description = null,
        string? reference = null,
        string category = "hardware") =>
        ConsoleHost.FileAsync(_host, ConsoleHost.Draft(title, priority, description, reference, category));

    private async Task<string> ClaimedByAdaAsync()
    {
        var number = await FileAsync($"{Tag()} claimed by ada");
        await Expect(HttpStatusCode.OK, _ada.PostAsync($"api/technician/tickets/{number}/claim"));
        return number;
    }

    private static async Task Expect(HttpStatusCode status, Task<HttpResponseMessage> call)
    {
        using var response = await call;
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response, HttpStatusCode status)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
            return JsonDocument.Parse(text).RootElement.Clone();
        }
    }

    private static async Task<JsonElement> Problem(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
