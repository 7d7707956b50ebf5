using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using SupportBot.Bot.State;
using SupportBot.Skills.SelfHelp;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.SelfHelp;

/// <summary>Pending confirmations in a real redis-server, shared by two bot instances.</summary>
[Collection(RedisGroup.Name)]
public sealed class RedisConfirmationStoreTests(RedisServer redis)
{
    private readonly string _prefix = $"t{Guid.NewGuid():N}:";
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    [Fact]
    public async Task ASavedConfirmation_IsFoundAgain_Unused()
    {
        var sut = NewStore(redis.Connection);
        var pending = Pending(TimeSpan.FromMinutes(10));

        await sut.SaveAsync(pending, CancellationToken.None);
        var found = await sut.FindAsync(pending.Token, CancellationToken.None);

        Assert.NotNull(found);
        Assert.Equal(pending, found.Value.Pending);
        Assert.False(found.Value.Used);
    }

    [Fact]
    public async Task AnUnknownToken_FindsNothing()
    {
        var sut = NewStore(redis.Connection);

        Assert.Null(await sut.FindAsync("made-up", CancellationToken.None));
        Assert.Null(await sut.FindAsync(PendingConfirmation.NewToken(), CancellationToken.None));
        Assert.False(await sut.TryUseAsync("made-up", CancellationToken.None));
        Assert.Null(await sut.FindAsync("made-up", CancellationToken.None));
    }

    [Fact]
    public async Task TryUse_SucceedsOnce_ThenTheConfirmationReadsAsUsed()
    {
        var sut = NewStore(redis.Connection);
        var pending = Pending(TimeSpan.FromMinutes(10));
        await sut.SaveAsync(pending, CancellationToken.None);

        var first = await sut.TryUseAsync(pending.Token, CancellationToken.None);
        var second = await sut.TryUseAsync(pending.Token, CancellationToken.None);

        Assert.True(first);
        Assert.False(second);
        Assert.True((await sut.FindAsync(pending.Token, CancellationToken.None))!.Value.Used);
    }

    [Fact]
    public async Task ClicksRacingOnTwoBotInstances_ExactlyOneWins()
    {
        await using var firstInstance = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        await using var secondInstance = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var stores = new[] { NewStore(firstInstance), NewStore(secondInstance) };
        var pending = Pending(TimeSpan.FromMinutes(10));
        await stores[0].SaveAsync(pending, CancellationToken.None);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var clicks = Enumerable.Range(0, 8)
            .Select(i => Task.Run(async () =>
            {
                await start.Task;
                return await stores[i % 2].TryUseAsync(pending.Token, CancellationToken.None);
            }))
            .ToList();
        start.SetResult();
        var results = await Task.WhenAll(clicks);

        Assert.Single(results, used => used);
        Assert.True((await stores[1].FindAsync(pending.Token, CancellationToken.None))!.Value.Used);
    }

    [Fact]
    public async Task AConfirmationSavedByOneInstance_IsFoundByTheOther()
    {
        await using var otherInstance = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var pending = Pending(TimeSpan.FromMinutes(10));

        await NewStore(redis.Connection).SaveAsync(pending, CancellationToken.None);
        var found = await NewStore(otherInstance).FindAsync(pending.Token, CancellationToken.None);

        Assert.Equal(pending, found?.Pending);
    }

    [Fact]
    public async Task TheKey_ExpiresAnHourAfterTheCardDoes()
    {
        var sut = NewStore(redis.Connection);
        var pending = Pending(TimeSpan.FromMinutes(10));

        await sut.SaveAsync(pending, CancellationToken.None);

        var ttl = await redis.Connection.GetDatabase().KeyTimeToLiveAsync($"{_prefix}confirm:{pending.Token}");
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMinutes(69), TimeSpan.FromMinutes(70));
    }

    [Fact]
    public async Task AConfirmationLongPastItsExpiry_IsGoneFromRedis()
    {
        var sut = NewStore(redis.Connection);
        var pending = Pending(-TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        await sut.SaveAsync(pending, CancellationToken.None);
        Assert.NotNull(await sut.FindAsync(pending.Token, CancellationToken.None));

        await Task.Delay(TimeSpan.FromSeconds(1.5));

        Assert.Null(await sut.FindAsync(pending.Token, CancellationToken.None));
    }

    private RedisConfirmationStore NewStore(IConnectionMultiplexer connection) =>
        new(connection, Options.Create(new StateOptions { KeyPrefix = _prefix }), _clock);

    private PendingConfirmation Pending(TimeSpan lifetime) => new(
        PendingConfirmation.NewToken(), "device.restart", "29:adele", "fa3c0f5c-c02b-494f-af8e-5cd3c163a222",
        "677d1297-b493-4bbb-8f34-5ee2436b4619", "DESKTOP-ADELE01", Guid.NewGuid().ToString("N"), _clock.GetUtcNow() + lifetime);
}
