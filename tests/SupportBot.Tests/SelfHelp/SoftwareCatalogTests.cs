using SupportBot.Skills.SelfHelp;

namespace SupportBot.Tests.SelfHelp;

/// <summary>The starter software catalog as shipped, matched the way people type app names; broken files are named.</summary>
public sealed class SoftwareCatalogTests : IDisposable
{
    private static readonly Lazy<SoftwareCatalog> Starter = new(() =>
        SoftwareCatalog.Load(Path.Combine(AppContext.BaseDirectory, "knowledge", "software.json")));

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("supportbot-catalog-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Theory]
    [InlineData("visio", "Microsoft Visio")]
    [InlineData("Visio", "Microsoft Visio")]
    [InlineData("Notepad ++", "Notepad++")]
    [InlineData("notepad++", "Notepad++")]
    [InlineData("VS Code", "Visual Studio Code")]
    [InlineData("vscode", "Visual Studio Code")]
    [InlineData("acrobat", "Adobe Acrobat Pro")]
    [InlineData("reader", "Adobe Acrobat Reader")]
    [InlineData("7zip", "7-Zip")]
    public void AnExactNameOrAlias_FindsThatAppAlone(string query, string app)
    {
        var sut = Starter.Value;

        var match = sut.Match(query);

        Assert.False(match.IsAmbiguous);
        Assert.Equal(app, match.Only?.Name);
    }

    [Fact]
    public void Adobe_IsAmbiguous_BetweenTheThreeAdobeApps()
    {
        var sut = Starter.Value;

        var match = sut.Match("adobe");

        Assert.True(match.IsAmbiguous);
        Assert.Null(match.Only);
        Assert.Equal(
            ["Adobe Acrobat Pro", "Adobe Acrobat Reader", "Adobe Photoshop"],
            match.Apps.Select(a => a.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("photshop", "Adobe Photoshop")]
    [InlineData("tablaeu", "Tableau Desktop")]
    [InlineData("viso", "Microsoft Visio")]
    [InlineData("tableu", "Tableau Desktop")]
    [InlineData("google chorme", "Google Chrome")]
    public void ATypo_StillFindsTheApp(string query, string app)
    {
        var sut = Starter.Value;

        Assert.Equal(app, sut.Match(query).Only?.Name);
    }

    [Theory]
    [InlineData("fortnite")]
    [InlineData("photoshop elements 2")]
    [InlineData("")]
    [InlineData(null)]
    public void AnAppNotInTheCatalog_FindsNothing(string? query)
    {
        var sut = Starter.Value;

        Assert.Empty(sut.Match(query).Apps);
    }

    [Fact]
    public void TheStarterCatalog_KeepsEachAppsLicenceAndApprovalRules()
    {
        var sut = Starter.Value;

        Assert.Equal("VISIOCLIENT", sut.Match("visio").Only!.RequiredSku);
        Assert.True(sut.Match("photoshop").Only!.ApprovalRequired);
        Assert.False(sut.Match("zoom").Only!.ApprovalRequired);
    }

    [Theory]
    [InlineData("{ \"apps\": [ { \"name\": \"Visio\", ")]
    [InlineData("")]
    [InlineData("{ \"apps\": [ { \"name\": \"Visio\" } ] }")]
    [InlineData("{ \"apps\": [ { \"name\": \"Visio\", \"installGroupId\": \"visio-users\" } ] }")]
    [InlineData("{ \"apps\": [ { \"name\": \"\", \"installGroupId\": \"3f0c1d6e-6a1b-4c53-9a55-0b1c7d6a1001\" } ] }")]
    [InlineData("{ \"apps\": [ null ] }")]
    [InlineData("{ }")]
    [InlineData("null")]
    public void AMalformedCatalog_IsRefused_WithAMessageNamingTheFile(string json)
    {
        var path = Path.Combine(_folder.FullName, "software.json");
        File.WriteAllText(path, json);

        var ex = Assert.Throws<InvalidOperationException>(() => SoftwareCatalog.Load(path));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingCatalog_IsRefused_WithAMessageNamingTheFile()
    {
        var path = Path.Combine(_folder.FullName, "nowhere.json");

        var ex = Assert.Throws<InvalidOperationException>(() => SoftwareCatalog.Load(path));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ABadApp_IsNamedInTheMessage_SoTheAdministratorKnowsWhichToFix()
    {
        var path = Path.Combine(_folder.FullName, "software.json");
        File.WriteAllText(path, """
            { "apps": [
                { "name": "Zoom", "installGroupId": "3f0c1d6e-6a1b-4c53-9a55-0b1c7d6a1006" },
                { "name": "Visio", "installGroupId": "visio-users" }
            ] }
            """);

        var ex = Assert.Throws<InvalidOperationException>(() => SoftwareCatalog.Load(path));

        Assert.Contains("\"Visio\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("installGroupId", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AValidCatalogWithComments_Loads()
    {
        var path = Path.Combine(_folder.FullName, "software.json");
        File.WriteAllText(path, """
            {
              // approved by the CAB on 2025-03-01
              "apps": [ { "name": "Zoom Workplace", "aliases": ["zoom"], "installGroupId": "3f0c1d6e-6a1b-4c53-9a55-0b1c7d6a1006" } ]
            }
            """);

        var sut = SoftwareCatalog.Load(path);

        Assert.Equal("Zoom Workplace", sut.Match("zoom").Only?.Name);
    }
}
