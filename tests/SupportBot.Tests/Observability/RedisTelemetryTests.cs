using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.Observability;

/// <summary>Redis commands are traced inside the turn that ran them, by command name only: keys name people.</summary>
[Collection(nameof(ExclusiveTelemetry))]
public sealed class RedisTelemetryTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task RedisCommands_AreSpansOfTheTurn_WithoutTheirKeys()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var channel = await ChannelRecorder.StartAsync();
        var host = BotHost.Start(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
            ["State:KeyPrefix"] = $"telemetry-{Guid.NewGuid().ToString("N")[..12]}:",
            ["Telemetry:OtlpEndpoint"] = receiver.Endpoint,
            ["Telemetry:ExportInterval"] = "00:00:00.100",
        });
        var chat = new TeamsChat(host.NewClient(), channel, DemoPeople.Adele);
        try
        {
            var answer = await chat.SayAsync("my printer is jammed");
            Assert.Contains("/kb/printer-troubleshoot", answer[^1].ToString(), StringComparison.Ordinal);
            Assert.True(await receiver.WaitForAsync(r => r.Spans.Any(IsRedis)), "no Redis spans arrived");
        }
        finally
        {
            await host.DisposeAsync();
        }

        var spans = receiver.Spans;
        var turn = Assert.Single(spans, s => s.Name == "turn");
        var commands = spans.Where(IsRedis).ToList();
        Assert.Contains(commands, c => c.TraceId == turn.TraceId);
        Assert.All(commands, c =>
        {
            Assert.Equal("redis", c.Attributes.GetValueOrDefault("db.system.name") ?? c.Attributes.GetValueOrDefault("db.system"));
            var statement = c.Attributes.GetValueOrDefault("db.query.text") ?? c.Attributes.GetValueOrDefault("db.statement") ?? c.Name;
            Assert.DoesNotContain(' ', statement);
        });
        var raw = receiver.RawText();
        Assert.DoesNotContain(chat.ConversationId, raw, StringComparison.Ordinal);
        Assert.DoesNotContain("telemetry-", raw, StringComparison.Ordinal);
    }

    private static bool IsRedis(OtlpSpan span) => span.Scope.Contains("StackExchangeRedis", StringComparison.Ordinal);
}
