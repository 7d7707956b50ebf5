using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Newtonsoft.Json.Linq;
using SupportBot.Bot.Observability;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.Observability;

// ActivitySource and Meter listeners are process-wide: while one of these hosts exports, it would also see the turns of
// hosts other tests run at the same time. This collection runs alone.
[CollectionDefinition(nameof(ExclusiveTelemetry), DisableParallelization = true)]
public sealed class ExclusiveTelemetry;

/// <summary>
/// The real bot host exporting traces, metrics and logs over OTLP/HTTP to a local receiver while employees chat in
/// Teams: the spans hang together per turn, the counters count what happened, and nothing personal or secret leaves.
/// </summary>
[Collection(nameof(ExclusiveTelemetry))]
public sealed class TelemetryExportTests
{
    private const string Question = "my printer is jammed again on the third floor";
    private const string Description = "The quarterly forecast workbook freezes Excel every single morning";
    private const string JiraToken = "ATATT3xFfGF0-jira-telemetry-secret-9Zq";
    private const string ServiceNowPassword = "Sn0w-telemetry-P4ss!";
    private const string BearerToken = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0ZWxlbWV0cnktdGVzdCJ9.dGVsZW1ldHJ5LXNpZ25hdHVyZQ";

    [Fact]
    public async Task RealTurns_AreTracedUnderTheirRequest_Counted_AndLogged_WithoutPersonalDataOrSecrets()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var channel = await ChannelRecorder.StartAsync();
        var host = BotHost.Start(new Dictionary<string, string?>
        {
            ["Telemetry:OtlpEndpoint"] = receiver.Endpoint,
            ["Telemetry:ExportInterval"] = "00:00:00.100",
            ["Telemetry:MetricExportInterval"] = "00:00:00.200",
            ["Logging:LogLevel:SupportBot"] = "Debug",
            ["Tickets:Jira:ApiToken"] = JiraToken,
            ["Tickets:ServiceNow:Password"] = ServiceNowPassword,
        });
        string conversations;
        try
        {
            using var client = host.NewClient();

            // A knowledge answer that fixed it.
            var knowledge = new TeamsChat(client, channel, DemoPeople.Adele);
            var answer = await knowledge.SayAsync(Question);
            Assert.Contains("/kb/printer-troubleshoot", answer[^1].ToString(), StringComparison.Ordinal);
            await knowledge.SayAsync("That fixed it");

            // A self-help action, confirmed on the card.
            var action = new TeamsChat(client, channel, DemoPeople.Adele);
            var asked = await action.SayAsync("restart my laptop");
            var done = await action.SubmitAsync(asked.ConfirmData());
            Assert.Contains("will restart", done.Text(), StringComparison.Ordinal);

            // A handoff filed as a ticket.
            var handoff = new TeamsChat(client, channel, DemoPeople.Adele);
            await handoff.SayAsync("talk to a person");
            await handoff.SayAsync(Description);
            var filed = await handoff.SayAsync("Send it");
            Assert.Matches(@"SB-\d+", filed.Text());

            // A caller with a token the bot can't accept: refused, and the token stays out of telemetry.
            var refused = await client.PostAsync(Activities.Message(channel.ServiceUrl, Activities.NewConversationId(), "hello"), BearerToken);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

            conversations = string.Join(" ", knowledge.ConversationId, action.ConversationId, handoff.ConversationId);
            Assert.True(
                await receiver.WaitForAsync(r => r.Counter("supportbot.escalations") >= 1 && r.Spans.Any(s => s.Name == "escalate") && r.Logs.Count > 0),
                "the turns' telemetry did not arrive");
        }
        finally
        {
            // Stopping flushes whatever is still batched.
            await host.DisposeAsync();
        }

        // Traces: request span > turn > stages, with the connector reply (HttpClient) in the same trace.
        var spans = receiver.Spans;
        var answered = Assert.Single(spans, s => s.Name == "turn" && s.Attributes.GetValueOrDefault("supportbot.outcome") == "answer");
        Assert.Equal(("msteams", "message"), (answered.Attributes["supportbot.channel"], answered.Attributes["supportbot.activity_type"]));
        var request = Assert.Single(spans, s => s.SpanId == answered.ParentSpanId);
        Assert.Equal((2, "POST /api/messages", answered.TraceId), (request.Kind, request.Name, request.TraceId));
        var stages = spans.Where(s => s.ParentSpanId == answered.SpanId).Select(s => s.Name).ToList();
        Assert.Contains("understand", stages);
        Assert.Contains("search", stages);
        Assert.Contains("answer", stages);
        var reply = Assert.Single(spans, s => s.Kind == 3 && s.TraceId == answered.TraceId &&
            s.Attributes.GetValueOrDefault("url.full", string.Empty).StartsWith(channel.ServiceUrl + "v3/conversations/", StringComparison.Ordinal));
        Assert.Contains(answered, Ancestors(spans, reply));
        Assert.Equal("search", spans.Single(s => s.Name == "search" && s.TraceId == answered.TraceId).Name);
        Assert.Equal("Answer", spans.Single(s => s.Name == "search" && s.TraceId == answered.TraceId).Attributes["supportbot.answer_kind"]);

        var acted = spans.Where(s => s.Name == "turn" && s.Attributes.GetValueOrDefault("supportbot.outcome") == "act").ToList();
        Assert.Equal(2, acted.Count);
        Assert.All(acted, turn => Assert.Contains(spans, s => s.ParentSpanId == turn.SpanId && s.Name == "act" && s.Attributes["supportbot.action"] == "device.restart"));

        var escalated = Assert.Single(spans, s => s.Name == "turn" && s.Attributes.GetValueOrDefault("supportbot.outcome") == "escalate");
        Assert.Contains(spans, s => s.ParentSpanId == escalated.SpanId && s.Name == "escalate");

        // Metrics: what happened, counted once each.
        Assert.Equal(7, receiver.Counter("supportbot.turns", ("supportbot.activity_type", "message")));
        Assert.Equal(1, receiver.Counter("supportbot.turns", ("supportbot.outcome", "answer")));
        Assert.Equal(2, receiver.Counter("supportbot.turns", ("supportbot.outcome", "act")));
        Assert.Equal(1, receiver.Counter("supportbot.turns", ("supportbot.outcome", "escalate")));
        Assert.Equal(1, receiver.Counter("supportbot.answers", ("supportbot.channel", "msteams")));
        Assert.Equal(1, receiver.Counter("supportbot.actions", ("supportbot.action", "device.restart"), ("supportbot.outcome", "AwaitingConfirmation")));
        Assert.Equal(1, receiver.Counter("supportbot.actions", ("supportbot.action", "device.restart"), ("supportbot.outcome", "Succeeded")));
        Assert.Equal(1, receiver.Counter("supportbot.deflections", ("supportbot.deflection", "feedback")));
        Assert.Equal(1, receiver.Counter("supportbot.deflections", ("supportbot.deflection", "action")));
        Assert.Equal(1, receiver.Counter("supportbot.escalations", ("supportbot.status", "filed"), ("supportbot.category", "general")));
        Assert.Equal(0, receiver.Counter("supportbot.errors"));
        Assert.Contains("http.server.request.duration", receiver.MetricNames);
        Assert.Contains("http.client.request.duration", receiver.MetricNames);
        Assert.Contains(receiver.MetricNames, n => n.StartsWith("dotnet.", StringComparison.Ordinal));

        // Logs: Information and up only, even though the app logs SupportBot's Debug lines.
        var logs = receiver.Logs;
        Assert.Contains(logs, l => l.Severity is >= 13 and <= 16 && l.Body.StartsWith("Rejected activity", StringComparison.Ordinal));
        Assert.DoesNotContain(logs, l => l.Severity < 9);

        // Nothing personal or secret, anywhere in what was sent.
        var raw = receiver.RawText();
        string[] forbidden =
        [
            "AdeleV@contoso.com", "Adele Vance", DemoPeople.Adele.Id, DemoPeople.Adele.AadObjectId, "DESKTOP-ADELE01",
            Question, Description, JiraToken, ServiceNowPassword, BearerToken,
            .. BearerToken.Split('.'), .. conversations.Split(' '),
        ];
        Assert.All(forbidden, value => Assert.DoesNotContain(value, raw, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task WithNothingConfigured_NothingIsExported_AndTheBotAnswersAsBefore()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var channel = await ChannelRecorder.StartAsync();
        var host = BotHost.Start();
        try
        {
            using var client = host.NewClient();

            var answer = await new TeamsChat(client, channel, DemoPeople.Adele).SayAsync(Question);

            Assert.Contains("/kb/printer-troubleshoot", answer[^1].ToString(), StringComparison.Ordinal);
            var pipeline = host.Services.GetServices<IHostedService>().OfType<TelemetryPipeline>().Single();
            Assert.False(pipeline.IsExporting);
        }
        finally
        {
            await host.DisposeAsync();
        }

        Assert.Empty(receiver.Received);
    }

    private static readonly string[] EnvelopeKinds = ["RequestData", "MessageData"];

    [Fact]
    public async Task AzureMonitor_ConnectionStringWithALocalIngestionEndpoint_ReceivesTheTurnsTelemetry()
    {
        var envelopes = new ConcurrentQueue<(string Path, string Body)>();
        await using var ingestion = await LoopbackServer.StartAsync(app => app.MapPost("/{**path}", async (string path, HttpRequest request) =>
        {
            var body = request.Headers.ContentEncoding == "gzip" ? new GZipStream(request.Body, CompressionMode.Decompress) : request.Body;
            using var reader = new StreamReader(body);
            var text = await reader.ReadToEndAsync();
            envelopes.Enqueue((path, text));
            var count = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
            return Results.Json(new { itemsReceived = count, itemsAccepted = count, errors = Array.Empty<object>() });
        }));
        await using var channel = await ChannelRecorder.StartAsync();
        var host = BotHost.Start(new Dictionary<string, string?>
        {
            ["Telemetry:AzureMonitorConnectionString"] = $"InstrumentationKey=6d1c3c1e-4d1a-4c4e-9b7e-0a1b2c3d4e5f;IngestionEndpoint={ingestion.BaseUrl}",
            ["Telemetry:AzureMonitorUseManagedIdentity"] = "false",
        });
        try
        {
            using var client = host.NewClient();
            var answer = await new TeamsChat(client, channel, DemoPeople.Adele).SayAsync(Question);
            Assert.Contains("/kb/printer-troubleshoot", answer[^1].ToString(), StringComparison.Ordinal);

            // The exporter sends on its own schedule as well as at shutdown; let a scheduled batch go out first.
            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (DateTime.UtcNow < deadline &&
                   !EnvelopeKinds.All(kind => envelopes.Any(e => e.Path.EndsWith("v2.1/track", StringComparison.Ordinal) && e.Body.Contains($"\"{kind}\"", StringComparison.Ordinal))))
            {
                await Task.Delay(200);
            }
        }
        finally
        {
            await host.DisposeAsync();
        }

        var track = envelopes.Where(e => e.Path.EndsWith("v2.1/track", StringComparison.Ordinal)).Select(e => e.Body).ToList();
        Assert.NotEmpty(track);
        var items = track.SelectMany(b => b.Split('\n', StringSplitOptions.RemoveEmptyEntries)).Select(JObject.Parse).ToList();
        // Spans and the bot's logs in Azure Monitor's envelope format. (Which spans a turn makes, and their nesting,
        // is checked over OTLP above: with the bot and the test in one process, which spans reach Azure Monitor's
        // batches before shutdown varies from run to run.)
        Assert.Contains(items, i => (string?)i["data"]?["baseType"] == "RequestData");
        Assert.Contains(items, i => (string?)i["data"]?["baseType"] == "MessageData");
        Assert.All(items, i => Assert.Equal("6d1c3c1e-4d1a-4c4e-9b7e-0a1b2c3d4e5f", (string?)i["iKey"]));
        var raw = string.Join("\n", track);
        Assert.DoesNotContain(Question, raw, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("AdeleV@contoso.com", raw, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void ABadCollectorAddress_StopsTheBotAtStartUp_NamingTheSetting()
    {
        var reason = BotHost.StartExpectingFailure(new Dictionary<string, string?> { ["Telemetry:OtlpEndpoint"] = "otel-collector:4318" });

        Assert.Contains("Telemetry:OtlpEndpoint", reason, StringComparison.Ordinal);
    }

    private static IEnumerable<OtlpSpan> Ancestors(IReadOnlyList<OtlpSpan> spans, OtlpSpan span)
    {
        for (var parent = spans.FirstOrDefault(s => s.SpanId == span.ParentSpanId); parent is not null; parent = spans.FirstOrDefault(s => s.SpanId == parent.ParentSpanId))
        {
            yield return parent;
        }
    }
}
