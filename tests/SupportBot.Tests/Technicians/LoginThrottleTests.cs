using Microsoft.Extensions.Time.Testing;
using SupportBot.Bot.Technicians;

namespace SupportBot.Tests.Technicians;

public sealed class LoginThrottleTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void FiveFailuresWithinFiveMinutes_LockTheNameForFiveMinutes_ThenItMayTryAgain()
    {
        var sut = new LoginThrottle(_time);

        for (var i = 0; i < 4; i++)
        {
            Assert.Null(sut.TryBegin("ada"));
            Assert.False(sut.Failed("ada"));
            _time.Advance(TimeSpan.FromSeconds(30));
        }

        Assert.Null(sut.TryBegin("ada"));
        Assert.True(sut.Failed("ada"));

        Assert.Equal(TimeSpan.FromMinutes(5), sut.TryBegin("ada"));
        _time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(TimeSpan.FromMinutes(1), sut.TryBegin("ADA "));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(sut.TryBegin("ada"));
    }

    [Fact]
    public void FailuresSpreadOverMoreThanFiveMinutes_DoNotLock()
    {
        var sut = new LoginThrottle(_time);

        for (var i = 0; i < 10; i++)
        {
            Assert.Null(sut.TryBegin("ada"));
            Assert.False(sut.Failed("ada"));
            _time.Advance(TimeSpan.FromMinutes(1.5));
        }
    }

    [Fact]
    public void ASuccess_ForgetsEarlierFailures()
    {
        var sut = new LoginThrottle(_time);
        for (var i = 0; i < 4; i++)
        {
            sut.TryBegin("ada");
            sut.Failed("ada");
        }

        sut.TryBegin("ada");
        sut.Succeeded("ada");

        for (var i = 0; i < 4; i++)
        {
            Assert.Null(sut.TryBegin("ada"));
            Assert.False(sut.Failed("ada"));
        }
    }

    [Fact]
    public void ParallelAttempts_CountBeforeTheyFinish_SoABurstGetsNoMoreTries()
    {
        var sut = new LoginThrottle(_time);

        var allowed = Enumerable.Range(0, 20).Count(_ => sut.TryBegin("ada") is null);

        Assert.Equal(LoginThrottle.MaxFailures, allowed);
    }

    [Fact]
    public void OneNamesFailures_DoNotLockAnother()
    {
        var sut = new LoginThrottle(_time);
        for (var i = 0; i < LoginThrottle.MaxFailures; i++)
        {
            sut.TryBegin("mallory");
            sut.Failed("mallory");
        }

        Assert.NotNull(sut.TryBegin("mallory"));
        Assert.Null(sut.TryBegin("ada"));
    }
}
