using SupportBot.Skills.Conversation;

namespace SupportBot.Tests.Skills;

public sealed class TranscriptTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 4, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Add_BeyondMaxLines_KeepsOnlyTheMostRecentLines_InOrder()
    {
        var sut = new Transcript();
        var total = Transcript.MaxLines + 5;

        for (var i = 0; i < total; i++)
        {
            sut.Add(i % 2 == 0 ? Speaker.User : Speaker.Bot, $"line {i}", Start.AddSeconds(i));
        }

        Assert.Equal(Transcript.MaxLines, sut.Lines.Count);
        Assert.Equal("line 5", sut.Lines[0].Text);
        Assert.Equal(Start.AddSeconds(5), sut.Lines[0].At);
        Assert.Equal($"line {total - 1}", sut.Lines[^1].Text);
        Assert.Equal(Enumerable.Range(5, Transcript.MaxLines).Select(i => $"line {i}"), sut.Lines.Select(l => l.Text));
    }

    [Fact]
    public void Add_UpToMaxLines_KeepsEveryLine()
    {
        var sut = new Transcript();

        for (var i = 0; i < Transcript.MaxLines; i++)
        {
            sut.Add(Speaker.User, $"line {i}", Start);
        }

        Assert.Equal(Transcript.MaxLines, sut.Lines.Count);
        Assert.Equal("line 0", sut.Lines[0].Text);
    }

    [Fact]
    public void Add_OverLongLine_IsCutToMaxLineLength_EndingWithAnEllipsis()
    {
        var sut = new Transcript();
        var text = string.Concat(Enumerable.Repeat("0123456789", (Transcript.MaxLineLength / 10) + 5));

        sut.Add(Speaker.User, text, Start);

        var line = Assert.Single(sut.Lines);
        Assert.Equal(Transcript.MaxLineLength, line.Text.Length);
        Assert.EndsWith("…", line.Text, StringComparison.Ordinal);
        Assert.Equal(text[..(Transcript.MaxLineLength - 1)], line.Text[..^1]);
    }

    [Fact]
    public void Add_LineOfExactlyMaxLineLength_IsKeptWhole()
    {
        var sut = new Transcript();
        var text = new string('x', Transcript.MaxLineLength);

        sut.Add(Speaker.Technician, text, Start);

        Assert.Equal(text, Assert.Single(sut.Lines).Text);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\r\n\t")]
    public void Add_BlankText_AddsNothing(string? text)
    {
        var sut = new Transcript();
        sut.Add(Speaker.User, "printer offline", Start);

        sut.Add(Speaker.Bot, text, Start.AddSeconds(1));

        Assert.Equal("printer offline", Assert.Single(sut.Lines).Text);
    }

    [Fact]
    public void Add_KeepsWhoSaidItAndWhen_WithSurroundingSpaceTrimmed()
    {
        var sut = new Transcript();

        sut.Add(Speaker.Technician, "  I've reset it, try again  ", Start);

        var line = Assert.Single(sut.Lines);
        Assert.Equal(new TranscriptLine(Speaker.Technician, "I've reset it, try again", Start), line);
    }
}
