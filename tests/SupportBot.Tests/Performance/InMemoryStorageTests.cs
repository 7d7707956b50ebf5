using Microsoft.Bot.Builder;
using SupportBot.Bot.State;

namespace SupportBot.Tests.Performance;

/// <summary>The embedded default's state store keeps the Bot Framework's ETag rules (as RedisStorage does).</summary>
public sealed class InMemoryStorageTests
{
    private readonly InMemoryStorage _sut = new();

    [Fact]
    public async Task WrittenState_ReadsBackAsTheSameTypes_AndIsACopy()
    {
        var note = new Note { Text = "printer on floor 3" };
        await _sut.WriteAsync(new Dictionary<string, object> { ["conv/1"] = new Dictionary<string, object> { ["note"] = note, ["answered"] = true } });
        note.Text = "changed after writing";

        var read = await _sut.ReadAsync(["conv/1", "conv/missing"]);

        var back = Assert.IsType<Dictionary<string, object>>(Assert.Single(read).Value);
        Assert.Equal("printer on floor 3", Assert.IsType<Note>(back["note"]).Text);
        Assert.Equal(true, back["answered"]);
    }

    [Fact]
    public async Task WriteWithStaleEtag_Fails_AndTheNewerValueSurvives()
    {
        await _sut.WriteAsync(Item("k", new Note { Text = "v1" }));
        var reader1 = (Note)(await _sut.ReadAsync(["k"]))["k"];
        var reader2 = (Note)(await _sut.ReadAsync(["k"]))["k"];

        reader1.Text = "v2 from reader 1";
        await _sut.WriteAsync(Item("k", reader1));
        reader2.Text = "v2 from reader 2";

        var conflict = await Assert.ThrowsAsync<EtagConflictException>(() => _sut.WriteAsync(Item("k", reader2)));
        Assert.Equal("k", conflict.Key);
        Assert.Equal("v2 from reader 1", ((Note)(await _sut.ReadAsync(["k"]))["k"]).Text);
    }

    [Fact]
    public async Task StarEtag_OrNone_Overwrites_AndDeleteForgets()
    {
        await _sut.WriteAsync(Item("k", new Note { Text = "v1" }));
        await _sut.WriteAsync(Item("k", new Note { Text = "forced", ETag = "*" }));
        Assert.Equal("forced", ((Note)(await _sut.ReadAsync(["k"]))["k"]).Text);

        await _sut.DeleteAsync(["k"]);
        Assert.Empty(await _sut.ReadAsync(["k"]));
    }

    [Fact]
    public async Task ConcurrentWritersWithTheSameEtag_ExactlyOneWins()
    {
        await _sut.WriteAsync(Item("k", new Note { Text = "v1" }));
        var readers = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ => (Note)(await _sut.ReadAsync(["k"]))["k"]));

        var outcomes = await Task.WhenAll(readers.Select((reader, i) => Task.Run(async () =>
        {
            reader.Text = $"writer {i}";
            try
            {
                await _sut.WriteAsync(Item("k", reader));
                return true;
            }
            catch (EtagConflictException)
            {
                return false;
            }
        })));

        Assert.Equal(1, outcomes.Count(won => won));
    }

    private static Dictionary<string, object> Item(string key, object value) => new() { [key] = value };

    public sealed class Note : IStoreItem
    {
        public string Text { get; set; } = string.Empty;

        public string? ETag { get; set; }
    }
}
