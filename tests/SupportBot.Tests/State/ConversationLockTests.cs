using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SupportBot.Bot.State;

namespace SupportBot.Tests.State;

/// <summary>
/// Two messages of one conversation take turns, so neither loses the other's state change; a turn that hangs
/// makes the next message fail after the timeout (the channel retries) instead of waiting forever.
/// </summary>
public sealed class ConversationLockTests
{
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(20);

    // Real time, only so that a bug fails the test instead of hanging it; never part of what is asserted.
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2025, 3, 4, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task SecondMessageOfAConversation_WaitsUntilTheFirstTurnReleases()
    {
        var sut = NewLock();
        var first = await sut.AcquireAsync("conv-a", CancellationToken.None).WaitAsync(Guard);

        var second = sut.AcquireAsync("conv-a", CancellationToken.None);
        Assert.False(second.IsCompleted, "the second turn must not start while the first holds the conversation");

        await first.DisposeAsync();
        var secondHold = await second.WaitAsync(Guard);
        await secondHold.DisposeAsync();
    }

    [Fact]
    public async Task AnotherConversation_IsNotBlocked()
    {
        var sut = NewLock();
        await using var first = await sut.AcquireAsync("conv-a", CancellationToken.None).WaitAsync(Guard);
        var waiterOnA = sut.AcquireAsync("conv-a", CancellationToken.None);

        var other = sut.AcquireAsync("conv-b", CancellationToken.None);

        // Throws TimeoutException if conv-b were held up by conv-a.
        await using var otherHold = await other.WaitAsync(Guard);
        Assert.False(waiterOnA.IsCompleted, "conv-a is still busy while conv-b goes ahead");
        await first.DisposeAsync();
        await using var waiterHold = await waiterOnA.WaitAsync(Guard);
    }

    [Fact]
    public async Task WhenTheHolderKeepsItPastTheTimeout_TheWaiterFailsWithConversationBusy()
    {
        var sut = NewLock();
        await using var first = await sut.AcquireAsync("conv-a", CancellationToken.None).WaitAsync(Guard);
        var waiter = sut.AcquireAsync("conv-a", CancellationToken.None);

        _clock.Advance(LockTimeout - TimeSpan.FromSeconds(1));
        Assert.False(waiter.IsCompleted, "the waiter gives up only once the whole timeout has passed");
        _clock.Advance(TimeSpan.FromSeconds(1));

        var busy = await Assert.ThrowsAsync<ConversationBusyException>(() => waiter.WaitAsync(Guard));
        Assert.Contains("conv-a", busy.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AfterAWaiterTimesOut_TheHolderStillHoldsIt_AndTheNextMessageGetsItOnRelease()
    {
        var sut = NewLock();
        var first = await sut.AcquireAsync("conv-a", CancellationToken.None).WaitAsync(Guard);
        var timedOut = sut.AcquireAsync("conv-a", CancellationToken.None);
        _clock.Advance(LockTimeout);
        await Assert.ThrowsAsync<ConversationBusyException>(() => timedOut.WaitAsync(Guard));

        var next = sut.AcquireAsync("conv-a", CancellationToken.None);
        Assert.False(next.IsCompleted, "a timed-out waiter must not free the conversation for someone else");

        await first.DisposeAsync();
        await using var nextHold = await next.WaitAsync(Guard);
    }

    [Fact]
    public async Task ReleasingTwice_DoesNotLetTwoTurnsInAtOnce()
    {
        var sut = NewLock();
        var first = await sut.AcquireAsync("conv-a", CancellationToken.None).WaitAsync(Guard);
        var second = sut.AcquireAsync("conv-a", CancellationToken.None);
        var third = sut.AcquireAsync("conv-a", CancellationToken.None);

        await first.DisposeAsync();
        await first.DisposeAsync();
        await using var secondHold = await second.WaitAsync(Guard);

        // With the second turn still holding it, the third can only time out; had the extra release let it in,
        // it would already hold the conversation and the clock would not matter.
        _clock.Advance(LockTimeout);
        await Assert.ThrowsAsync<ConversationBusyException>(() => third.WaitAsync(Guard));
    }

    [Fact]
    public async Task WhenTheCallerGivesUp_TheWaiterIsCancelled_NotReportedAsBusy()
    {
        var sut = NewLock();
        await using var first = await sut.AcquireAsync("conv-a", CancellationToken.None).WaitAsync(Guard);
        using var aborted = new CancellationTokenSource();
        var waiter = sut.AcquireAsync("conv-a", aborted.Token);

        await aborted.CancelAsync();

        // Busy would tell the channel to retry a message whose request is already gone.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiter.WaitAsync(Guard));
    }

    private InProcessConversationLock NewLock() =>
        new(Options.Create(new StateOptions { TurnLockTimeout = LockTimeout }), _clock);
}
