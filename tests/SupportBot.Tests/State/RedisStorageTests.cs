using Microsoft.Bot.Builder;
using Microsoft.Extensions.Options;
using Newtonsoft.Json;
using StackExchange.Redis;
using SupportBot.Bot.State;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.State;

/// <summary>RedisStorage against a real redis-server, with the Bot Framework's ETag semantics.</summary>
[Collection(RedisGroup.Name)]
public sealed class RedisStorageTests(RedisServer redis)
{
    private readonly string _prefix = $"t{Guid.NewGuid():N}:";

    [Fact]
    public async Task WrittenState_ReadsBackAsTheSameTypes()
    {
        var sut = NewStorage();
        var ticket = new Note { Text = "printer on floor 3", Count = 2 };
        var state = new Dictionary<string, object> { ["note"] = ticket, ["answered"] = true };

        await sut.WriteAsync(new Dictionary<string, object> { ["conv/1"] = state });
        var read = await sut.ReadAsync(["conv/1", "conv/missing"]);

        var back = Assert.IsType<Dictionary<string, object>>(Assert.Single(read).Value);
        var note = Assert.IsType<Note>(back["note"]);
        Assert.Equal("printer on floor 3", note.Text);
        Assert.Equal(2, note.Count);
        Assert.Equal(true, back["answered"]);
    }

    [Fact]
    public async Task WriteWithStaleEtag_Fails_AndTheNewerValueSurvives()
    {
        var sut = NewStorage();
        await sut.WriteAsync(Item("k", new Note { Text = "v1" }));
        var reader1 = (Note)(await sut.ReadAsync(["k"]))["k"];
        var reader2 = (Note)(await sut.ReadAsync(["k"]))["k"];

        reader1.Text = "v2 from reader 1";
        await sut.WriteAsync(Item("k", reader1));
        reader2.Text = "v2 from reader 2";
        var conflict = await Assert.ThrowsAsync<EtagConflictException>(() => sut.WriteAsync(Item("k", reader2)));

        Assert.Equal("k", conflict.Key);
        Assert.Equal("v2 from reader 1", ((Note)(await sut.ReadAsync(["k"]))["k"]).Text);
    }

    [Fact]
    public async Task WriteWithStarEtag_OverwritesWhateverIsStored()
    {
        var sut = NewStorage();
        await sut.WriteAsync(Item("k", new Note { Text = "v1" }));
        await sut.WriteAsync(Item("k", new Note { Text = "v2" }));

        await sut.WriteAsync(Item("k", new Note { Text = "forced", ETag = "*" }));

        Assert.Equal("forced", ((Note)(await sut.ReadAsync(["k"]))["k"]).Text);
    }

    [Fact]
    public async Task WriteWithoutEtag_LastWriteWins()
    {
        var sut = NewStorage();
        await sut.WriteAsync(Item("k", new Dictionary<string, object> { ["v"] = "first" }));

        await sut.WriteAsync(Item("k", new Dictionary<string, object> { ["v"] = "second" }));

        Assert.Equal("second", ((Dictionary<string, object>)(await sut.ReadAsync(["k"]))["k"])["v"]);
    }

    [Fact]
    public async Task EveryWrite_ExpiresAfterTheConfiguredTimeToLive()
    {
        var sut = NewStorage(ttl: TimeSpan.FromMinutes(5));

        await sut.WriteAsync(Item("k", new Note { Text = "x" }));

        var ttl = await redis.Connection.GetDatabase().KeyTimeToLiveAsync($"{_prefix}state:k");
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task TwoConcurrentWritersWithTheSameEtag_ExactlyOneWins()
    {
        var sut = NewStorage();
        await sut.WriteAsync(Item("k", new Note { Text = "original" }));
        var etag = ((Note)(await sut.ReadAsync(["k"]))["k"]).ETag;

        var writers = Enumerable.Range(0, 8).Select(async i =>
        {
            try
            {
                await sut.WriteAsync(Item("k", new Note { Text = $"writer {i}", ETag = etag }));
                return $"writer {i}";
            }
            catch (EtagConflictException)
            {
                return null;
            }
        });
        var winners = (await Task.WhenAll(writers)).Where(w => w is not null).ToList();

        var winner = Assert.Single(winners);
        Assert.Equal(winner, ((Note)(await sut.ReadAsync(["k"]))["k"]).Text);
    }

    [Fact]
    public async Task Delete_RemovesTheItem()
    {
        var sut = NewStorage();
        await sut.WriteAsync(Item("k", new Note { Text = "x" }));

        await sut.DeleteAsync(["k"]);

        Assert.Empty(await sut.ReadAsync(["k"]));
    }

    [Fact]
    public async Task StoredTypeNamesOutsideTheAllowList_AreRefused()
    {
        var sut = NewStorage();
        var hostile = "{\"$type\":\"System.IO.FileInfo, System.Private.CoreLib\",\"fileName\":\"/etc/passwd\"}";
        await redis.Connection.GetDatabase().HashSetAsync($"{_prefix}state:k", [new HashEntry("etag", "1"), new HashEntry("doc", hostile)]);

        await Assert.ThrowsAsync<JsonSerializationException>(() => sut.ReadAsync(["k"]));
    }

    private RedisStorage NewStorage(TimeSpan? ttl = null) =>
        new(redis.Connection, Options.Create(new StateOptions { KeyPrefix = _prefix, TimeToLive = ttl ?? TimeSpan.FromDays(1) }));

    private static Dictionary<string, object> Item(string key, object value) => new() { [key] = value };

    public sealed class Note : IStoreItem
    {
        public string? Text { get; set; }

        public int Count { get; set; }

        public string? ETag { get; set; }
    }
}
