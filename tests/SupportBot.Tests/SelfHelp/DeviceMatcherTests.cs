using SupportBot.Skills.SelfHelp;

namespace SupportBot.Tests.SelfHelp;

/// <summary>Which of the caller's own devices a phrase means: by name, part of a name, or kind.</summary>
public sealed class DeviceMatcherTests
{
    private static readonly ManagedDevice Desktop = Device("d1", "DESKTOP-ADELE01", "Windows");
    private static readonly ManagedDevice MacBook = Device("d2", "ADELE-MBP", "macOS");
    private static readonly ManagedDevice IPhone = Device("d3", "Adele's iPhone", "iOS");
    private static readonly ManagedDevice Pixel = Device("d4", "Pixel 8", "Android");
    private static readonly ManagedDevice Surface = Device("d5", "MEGAN-SURFACE", "Windows");
    private static readonly ManagedDevice Surface2 = Device("d6", "MEGAN-SURFACE-2", "Windows");

    private static readonly IReadOnlyList<ManagedDevice> Adeles = [Desktop, MacBook, IPhone, Pixel];

    [Theory]
    [InlineData("DESKTOP-ADELE01", "DESKTOP-ADELE01")]
    [InlineData("desktop-adele01", "DESKTOP-ADELE01")]
    [InlineData("Adele's iPhone", "Adele's iPhone")]
    [InlineData("adele01", "DESKTOP-ADELE01")]
    [InlineData("mbp", "ADELE-MBP")]
    [InlineData("pixel", "Pixel 8")]
    public void ByNameOrPartOfIt_FindsThatOneDevice(string phrase, string expected)
    {
        var matches = DeviceMatcher.Match(phrase, Adeles);

        Assert.Equal([expected], matches.Select(d => d.Name));
    }

    [Theory]
    [InlineData("laptop", new[] { "DESKTOP-ADELE01", "ADELE-MBP" })]
    [InlineData("my work laptop", new[] { "DESKTOP-ADELE01", "ADELE-MBP" })]
    [InlineData("computer", new[] { "DESKTOP-ADELE01", "ADELE-MBP" })]
    [InlineData("phone", new[] { "Adele's iPhone", "Pixel 8" })]
    [InlineData("my phone", new[] { "Adele's iPhone", "Pixel 8" })]
    [InlineData("iphone", new[] { "Adele's iPhone" })]
    [InlineData("mac", new[] { "ADELE-MBP" })]
    [InlineData("Adele's laptop", new[] { "DESKTOP-ADELE01", "ADELE-MBP" })]
    public void ByKind_FindsEveryDeviceOfThatKind(string phrase, string[] expected)
    {
        var matches = DeviceMatcher.Match(phrase, Adeles);

        Assert.Equal(expected, matches.Select(d => d.Name));
    }

    [Theory]
    [InlineData("my surface")]
    [InlineData("surface")]
    [InlineData("the Surface")]
    public void ANameTwoDevicesShare_FindsBoth_SoTheBotAsksWhich(string phrase)
    {
        var matches = DeviceMatcher.Match(phrase, [Surface, Surface2]);

        Assert.Equal(["MEGAN-SURFACE", "MEGAN-SURFACE-2"], matches.Select(d => d.Name));
    }

    [Fact]
    public void TheFullNameOfOneOfTwoSimilarDevices_FindsOnlyThatOne()
    {
        var matches = DeviceMatcher.Match("MEGAN-SURFACE", [Surface, Surface2]);

        Assert.Equal(["MEGAN-SURFACE"], matches.Select(d => d.Name));
    }

    [Theory]
    [InlineData("toaster")]
    [InlineData("DESKTOP-ANNA02")]
    [InlineData("tablet")]
    public void ANameNoneOfTheDevicesHas_FindsNothing(string phrase)
    {
        Assert.Empty(DeviceMatcher.Match(phrase, Adeles));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("device")]
    [InlineData("it")]
    [InlineData("my device")]
    public void NoParticularDevice_WithExactlyOneDevice_MeansThatOne(string? phrase)
    {
        var matches = DeviceMatcher.Match(phrase, [Desktop]);

        Assert.Equal(["DESKTOP-ADELE01"], matches.Select(d => d.Name));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("device")]
    public void NoParticularDevice_WithSeveralDevices_FindsNothing_SoTheBotAsksWhich(string? phrase)
    {
        Assert.Empty(DeviceMatcher.Match(phrase, Adeles));
    }

    [Theory]
    [InlineData("laptop", true)]
    [InlineData("phone", true)]
    [InlineData("device", true)]
    [InlineData("my laptop", true)]
    [InlineData("DESKTOP-ADELE01", false)]
    [InlineData("toaster", false)]
    public void IsGeneric_TellsAKindFromAName(string phrase, bool generic)
    {
        Assert.Equal(generic, DeviceMatcher.IsGeneric(phrase));
    }

    private static ManagedDevice Device(string id, string name, string os) => new(id, name, os, null, null, "compliant", null);
}
