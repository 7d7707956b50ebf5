using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SupportBot.Bot.State;
using SupportBot.Skills.Conversation;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.Conversation;

/// <summary>
/// The conversation's story is kept apart from its state (appended every turn, read when a ticket is written): what
/// a ticket carries must survive turns, instances and the bounds that keep it small.
/// </summary>
[Collection(RedisGroup.Name)]
public sealed class StoryStoreTests(RedisServer redis)
{
    private static readonly DateTimeOffset Start = new(2026, 3, 4, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task InMemory_LinesOfManyTurns_ReadBackInOrder_PerConversation()
    {
        var sut = new InMemoryStoryStore(new FakeTimeProvider(Start));

        await sut.AppendAsync("msteams:a", [Line(Speaker.User, "my vpn drops", 0), Line(Speaker.Bot, "Try reconnecting", 1)], default);
        await sut.AppendAsync("msteams:b", [Line(Speaker.User, "someone else's chat", 2)], default);
        await sut.AppendAsync("msteams:a", [Line(Speaker.User, "still drops", 3)], default);

        Assert.Equal(["my vpn drops", "Try reconnecting", "still drops"], (await sut.ReadAsync("msteams:a", default)).Select(l => l.Text));
        Assert.Empty(await sut.ReadAsync("msteams:unknown", default));
    }

    [Fact]
    public async Task Redis_TwoInstancesAppendingToOneConversation_ReadTheWholeStory_TrimmedToTheBounds()
    {
        var options = Options.Create(new StateOptions { KeyPrefix = $"t{Guid.NewGuid():N}:" });
        var instanceA = new RedisStoryStore(redis.Connection, options);
        var instanceB = new RedisStoryStore(redis.Connection, options);

        for (var i = 0; i < Transcript.MaxLines + 10; i++)
        {
            var store = i % 2 == 0 ? instanceA : instanceB;
            await store.AppendAsync("msteams:a", [Line(Speaker.User, $"line {i}", i)], default);
        }

        var story = await instanceB.ReadAsync("msteams:a", default);
        Assert.Equal($"line {Transcript.MaxLines + 9}", story[^1].Text);
        Assert.True(story.Count <= Transcript.MaxLines);
        Assert.Equal(Enumerable.Range(Transcript.MaxLines + 10 - story.Count, story.Count).Select(i => $"line {i}"), story.Select(l => l.Text));
        var ttl = await redis.Connection.GetDatabase().KeyTimeToLiveAsync($"{options.Value.KeyPrefix}story:msteams:a");
        Assert.InRange(ttl!.Value, options.Value.TimeToLive - TimeSpan.FromMinutes(1), options.Value.TimeToLive);
    }

    [Fact]
    public void Transcript_KeepsTheNewestLinesWithinItsCharacterBudget_AndCutsTheBotsLongAnswers()
    {
        var sut = new Transcript();
        var answer = string.Concat(Enumerable.Repeat("Open Settings, choose Printers, then Add a printer. ", 100));

        sut.Add(Speaker.User, "how do I set up the printer?", Start);
        sut.Add(Speaker.Bot, answer, Start.AddSeconds(1));
        const string Complaint = "the printer on floor three still shows a paper jam after I cleared it, and the tray light keeps blinking orange; ";
        for (var i = 0; i < 95; i++)
        {
            sut.Add(Speaker.User, $"Try {i}: {Complaint}{Complaint}", Start.AddSeconds(2 + i));
        }

        Assert.True(sut.Lines.Sum(l => l.Text.Length) <= Transcript.MaxCharacters);
        Assert.True(sut.Lines.Count < 95);
        Assert.Equal($"Try 94: {Complaint}{Complaint}".Trim(), sut.Lines[^1].Text);
        Assert.DoesNotContain(sut.Lines, l => l.Text == "how do I set up the printer?");

        var fresh = new Transcript();
        fresh.Add(Speaker.Bot, answer, Start);
        Assert.Equal(Transcript.MaxBotLineLength, fresh.Lines[0].Text.Length);
        Assert.EndsWith("…", fresh.Lines[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Transcript_ForgetsLinesOlderThanAWeek_WhenTheNextOneIsAdded()
    {
        var sut = new Transcript();
        sut.Add(Speaker.User, "last month's printer problem", Start);
        sut.Add(Speaker.User, "today's VPN problem", Start + Transcript.MaxAge + TimeSpan.FromDays(1));

        Assert.Equal(["today's VPN problem"], sut.Lines.Select(l => l.Text));
    }

    private static TranscriptLine Line(Speaker speaker, string text, int second) => new(speaker, text, Start.AddSeconds(second));
}
