using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SupportBot.Skills.Knowledge;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.Knowledge;

/// <summary>Loading the article folder as an admin edits it: bad files skipped by name, changes picked up live.</summary>
public sealed class KnowledgeBaseTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("supportbot-kb-").FullName;
    private readonly LogSink _logs = new();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void BrokenFrontMatter_AndDuplicateIds_AreSkippedWithALogLineNamingTheFile_AndTheRestLoads()
    {
        Write("good.md", TestArticles.Article("vpn-help", "Connect to the VPN", "Open the VPN client.\n\n## Steps\n1. Open it\n2. Sign in", "vpn won't connect", "how to vpn"));
        Write("broken.md", "---\nid: [oops\ntitle: Broken\n---\nbody");
        Write("no-front-matter.md", "# Just a heading\nSome text");
        Write("zz-duplicate.md", TestArticles.Article("vpn-help", "Another VPN page", "Dup.\n\n## Steps\n1. x", "vpn"));

        using var sut = NewKnowledgeBase();

        Assert.Equal(["vpn-help"], sut.Current.Articles.Select(a => a.Id));
        Assert.Equal("Connect to the VPN", sut.Current.Articles[0].Title);
        Assert.Contains(_logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("broken.md", StringComparison.Ordinal) && e.Message.Contains("not valid YAML", StringComparison.Ordinal));
        Assert.Contains(_logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("no-front-matter.md", StringComparison.Ordinal));
        Assert.Contains(_logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("zz-duplicate.md", StringComparison.Ordinal) && e.Message.Contains("already used by good.md", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AddedChangedAndDeletedArticles_ArePickedUpWithoutARestart()
    {
        Write("printer.md", TestArticles.Article("printer-help", "Fix the printer", "Printer help.\n\n## Steps\n1. Turn it off and on", "printer not printing"));
        using var sut = NewKnowledgeBase();
        Assert.Single(sut.Current.Articles);

        await ChangeAndWaitAsync(sut, () => Write("vpn.md", TestArticles.Article("vpn-help", "Connect to the VPN", "VPN.\n\n## Steps\n1. Open the client", "vpn")));
        Assert.Equal(["printer-help", "vpn-help"], sut.Current.Articles.Select(a => a.Id).Order());

        await ChangeAndWaitAsync(sut, () => Write("printer.md", TestArticles.Article("printer-help", "Fix the office printer", "Printer help.\n\n## Steps\n1. Check paper", "printer not printing")));
        Assert.Equal("Fix the office printer", sut.Current.Find("printer-help")?.Title);

        await ChangeAndWaitAsync(sut, () => File.Delete(Path.Combine(_folder, "vpn.md")));
        Assert.Null(sut.Current.Find("vpn-help"));
    }

    [Fact]
    public async Task QueriesRunningDuringReloads_NeverFail()
    {
        foreach (var article in TestArticles.All.Take(10))
        {
            Write(article.Id + ".md", File.ReadAllText(Path.Combine(TestArticles.RepoRoot(), "skills/content/articles", article.Id + ".md")));
        }

        using var sut = NewKnowledgeBase();
        using var stop = new CancellationTokenSource();
        var queries = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            var count = 0;
            while (!stop.IsCancellationRequested)
            {
                sut.Current.Search("how do I connect to the wifi");
                count++;
            }

            return count;
        })).ToArray();

        for (var i = 0; i < 15; i++)
        {
            sut.Reload();
        }

        await stop.CancelAsync();
        var counts = await Task.WhenAll(queries);
        Assert.All(counts, c => Assert.True(c > 0));
    }

    [Fact]
    public void Placeholders_AreFilledFromTheOrganisationSettings_AndUnknownOnesAreReported()
    {
        Write("guest.md", TestArticles.Article("guest", "Guest Wi-Fi", "Join {{Organisation:GuestWifiName}}. Ask {{Organisation:Nope}}.\n\n## Steps\n1. Pick {{Organisation:GuestWifiName}}", "guest wifi"));

        using var sut = NewKnowledgeBase();

        Assert.Contains("Join Visitors-Net.", sut.Current.Articles[0].Markdown, StringComparison.Ordinal);
        Assert.Contains(_logs.Entries, e => e.Message.Contains("guest.md", StringComparison.Ordinal) && e.Message.Contains("Organisation:Nope", StringComparison.Ordinal));
    }

    private KnowledgeBase NewKnowledgeBase()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Organisation:GuestWifiName"] = "Visitors-Net" })
            .Build();
        using var factory = LoggerFactory.Create(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Debug));
        return new KnowledgeBase(
            Options.Create(new KnowledgeOptions { ArticlesPath = _folder }),
            configuration,
            factory.CreateLogger<KnowledgeBase>(),
            TimeProvider.System);
    }

    private void Write(string name, string content) => File.WriteAllText(Path.Combine(_folder, name), content);

    private static async Task ChangeAndWaitAsync(KnowledgeBase knowledgeBase, Action change)
    {
        var reloaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnReloaded(object? sender, EventArgs e) => reloaded.TrySetResult();
        knowledgeBase.Reloaded += OnReloaded;
        try
        {
            change();
            await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            knowledgeBase.Reloaded -= OnReloaded;
        }
    }
}
