using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;
using SupportBot.Skills.Insights;
using SupportBot.Skills.Knowledge;

namespace SupportBot.Tests.Admin;

/// <summary>The insights store and its report, on real SQLite files in a temporary folder.</summary>
public sealed class InsightsStoreTests : IDisposable
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 23, 9, 30, 0, TimeSpan.Zero);
    private static readonly DateOnly Day = DateOnly.FromDateTime(Monday.UtcDateTime);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "supportbot-tests", Guid.NewGuid().ToString("N"));

    private string DatabaseFile => Path.Combine(_folder, "insights.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on a slow machine: the temp folder is cleaned up eventually.
        }
    }

    [Fact]
    public async Task Report_ClassifiesConversations_EscalatedBeforeConfirmedBeforePotential_AndEstimatesHoursSaved()
    {
        var sut = new InsightsStore(DatabaseFile);
        sut.Write(
        [
            Question("fixed", "my printer is jammed", QuestionOutcome.Answered, "printer-troubleshoot", "printing"),
            new FeedbackGiven("fixed", "msteams", Monday, "printer-troubleshoot", true, "my printer is jammed", []),
            new ActionRun("action", "msteams", Monday, "device.restart", "Succeeded"),
            new ActionRun("refused", "msteams", Monday, "device.restart", "Refused"),
            Question("escalated", "outlook isn't syncing", QuestionOutcome.Answered, "outlook-not-syncing", "email"),
            new FeedbackGiven("escalated", "msteams", Monday, "outlook-not-syncing", false, "outlook isn't syncing", []),
            new Escalated("escalated", "msteams", Monday, "email", true),
            Question("both", "vpn drops", QuestionOutcome.Answered, "vpn-troubleshoot", "network"),
            new FeedbackGiven("both", "msteams", Monday, "vpn-troubleshoot", true, "vpn drops", []),
            new Escalated("both", "msteams", Monday, "network", false),
            Question("silent", "how do I add a printer", QuestionOutcome.Answered, "printer-add", "printing"),
        ]);

        var report = await ReaderFor(sut, minutes: 30, credit: 0.5).ReadAsync(Day.AddDays(-6), Day, default);

        Assert.Equal(new OutcomeSplit(Confirmed: 2, Potential: 2, Escalated: 2), report.Outcomes);
        Assert.Equal(7, report.Days.Count);
        Assert.Equal(6, report.Days.Single(d => d.Day == Day).Conversations);
        Assert.Equal(1.5, report.HoursSaved.Hours, precision: 6); // (2 × 30 + 2 × 30 × 0.5) ÷ 60
        Assert.Equal((30.0, 0.5), (report.HoursSaved.MinutesPerTicket, report.HoursSaved.PotentialCredit));
        Assert.Equal(
            [("email", 1, 1), ("network", 1, 1), ("printing", 2, 0)],
            report.Categories.Select(c => (c.Category, c.Conversations, c.Escalated)).ToList());
        var restart = Assert.Single(report.Actions);
        Assert.Equal(("device.restart", 1, 1), (restart.ActionId, restart.Succeeded, restart.Refused));
        var outlook = report.Articles.Single(a => a.ArticleId == "outlook-not-syncing");
        Assert.Equal((1, 0, 1, (double?)0.0), (outlook.Shown, outlook.Helpful, outlook.StillStuck, outlook.HelpfulRate));
    }

    [Fact]
    public async Task TopQuestions_CountDifferentWordingsOfOneQuestionTogether()
    {
        var sut = new InsightsStore(DatabaseFile);
        sut.Write(
        [
            Question("a", "How do I connect to wifi?", QuestionOutcome.Answered, "wifi-connect", "network"),
            Question("b", "how to connect to the wifi", QuestionOutcome.Answered, "wifi-connect", "network"),
            Question("c", "How do I connect to the Wi-Fi please", QuestionOutcome.NoMatch),
            Question("d", "my printer is jammed", QuestionOutcome.Answered, "printer-troubleshoot", "printing"),
        ]);

        var report = await ReaderFor(sut).ReadAsync(Day, Day, default);

        var top = report.TopQuestions[0];
        Assert.Equal((3, 2), (top.Count, top.Answered));
        Assert.Equal("How do I connect to the Wi-Fi please", top.Example);
        Assert.Equal(1, report.TopQuestions[1].Count);
    }

    [Fact]
    public async Task Gaps_ClusterSimilarUnansweredAndStillStuckQuestions_BiggestFirst_WithCountsAndExamples()
    {
        var sut = new InsightsStore(DatabaseFile);
        sut.Write(
        [
            Question("a", "The zorblax on my desk won't glorp", QuestionOutcome.NoMatch),
            Question("b", "The zorblax still refuses to glorp", QuestionOutcome.NoMatch),
            Question("c", "zorblax refuses to glorp", QuestionOutcome.NoMatch),
            new FeedbackGiven("d", "msteams", Monday, "screen-frozen", false, "my zorblax won't glorp at all", []),
            Question("e", "the badge reader at reception keeps beeping", QuestionOutcome.NoMatch),
            Question("f", "badge reader beeping again", QuestionOutcome.NoMatch),
            Question("g", "How do I connect to wifi?", QuestionOutcome.Answered, "wifi-connect", "network"),
        ]);

        var report = await ReaderFor(sut).ReadAsync(Day, Day, default);

        Assert.Equal(2, report.Gaps.Count);
        var zorblax = report.Gaps[0];
        Assert.Equal((4, 3, 1), (zorblax.Count, zorblax.Unanswered, zorblax.StillStuck));
        Assert.Contains("glorp", zorblax.KeyTerms);
        Assert.Contains("zorblax", zorblax.KeyTerms);
        Assert.Equal(GapClusters.MaxExamples, zorblax.Examples.Count);
        Assert.All(zorblax.Examples, e => Assert.Contains("zorblax", e, StringComparison.Ordinal));
        var badge = report.Gaps[1];
        Assert.Equal((2, 2, 0), (badge.Count, badge.Unanswered, badge.StillStuck));
        Assert.Contains("the badge reader at reception keeps beeping", badge.Examples);
        Assert.Contains("badge reader beeping again", badge.Examples);
    }

    [Fact]
    public void StoredQuestion_HasEmailPhoneNameAndSecretsTakenOut_AndIsCutToASaneLength()
    {
        var sut = new InsightsStore(DatabaseFile);
        var question = "Adele Vance here: mail adele.vance@contoso.com or call +44 20 7946 0958, my password is Hunter2! " + new string('x', 600);

        sut.Write([Question("a", question, QuestionOutcome.NoMatch, names: ["Adele Vance"])]);

        var stored = StoredTexts().Single();
        Assert.StartsWith("[name] here: mail [email] or call [phone], my password is [redacted]", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("contoso", stored, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Hunter2", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("7946", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("Adele", stored, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(QuestionText.MaxLength, stored.Length);
        Assert.EndsWith("…", stored, StringComparison.Ordinal);
    }

    [Fact]
    public void Retention_DeletesDaysOlderThanTheSetting_AndKeepsTheRest()
    {
        var sut = new InsightsStore(DatabaseFile);
        sut.Write(
        [
            Question("old", "very old question", QuestionOutcome.NoMatch) with { At = Monday.AddDays(-10) },
            Question("kept", "recent question", QuestionOutcome.NoMatch) with { At = Monday.AddDays(-2) },
        ]);
        var retention = new InsightsRetention(
            sut, Options.Create(new InsightsOptions { RetentionDays = 7 }), new FakeTimeProvider(Monday), NullLogger<InsightsRetention>.Instance);

        var deleted = retention.Purge();

        Assert.Equal(2, deleted); // the question and its conversation
        Assert.Equal(["recent question"], StoredTexts());
    }

    [Fact]
    public async Task Recorder_WhenTheQueueIsFull_DropsAndCountsInsteadOfWaiting()
    {
        var sut = new InsightsBuffer(capacity: 100);

        var started = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 150; i++)
        {
            sut.Record(Question($"c{i}", "q", QuestionOutcome.NoMatch));
        }

        Assert.True(started.Elapsed < TimeSpan.FromSeconds(1), $"recording took {started.Elapsed}");
        Assert.Equal(50, sut.Dropped);

        // Nothing drains this queue: a flush gives up after its timeout rather than waiting for ever.
        Assert.False(await sut.FlushAsync(TimeSpan.FromMilliseconds(50), default));
    }

    [Fact]
    public async Task Writer_DrainsTheQueueInBatches_FromManyThreads_IntoOneFileSharedByTwoInstances()
    {
        var first = new InsightsBuffer(capacity: 10_000);
        var second = new InsightsBuffer(capacity: 10_000);
        using var writerA = new InsightsWriter(first, new InsightsStore(DatabaseFile), NullLogger<InsightsWriter>.Instance);
        using var writerB = new InsightsWriter(second, new InsightsStore(DatabaseFile), NullLogger<InsightsWriter>.Instance);
        await writerA.StartAsync(default);
        await writerB.StartAsync(default);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 250; i++)
            {
                (t % 2 == 0 ? first : second).Record(Question($"t{t}-{i}", $"question {i}", QuestionOutcome.NoMatch));
            }
        })));

        Assert.True(await first.FlushAsync(TimeSpan.FromSeconds(30), default));
        Assert.True(await second.FlushAsync(TimeSpan.FromSeconds(30), default));
        await writerA.StopAsync(default);
        await writerB.StopAsync(default);
        Assert.Equal(2000, StoredTexts().Count);
    }

    private static QuestionAsked Question(string conversation, string text, QuestionOutcome outcome, string? articleId = null, string? category = null, string[]? names = null) =>
        new(conversation, "msteams", Monday, text, outcome, articleId, category, names ?? []);

    private static InsightsReader ReaderFor(InsightsStore store, double minutes = 15, double credit = 0.5)
    {
        var knowledge = new Mock<IKnowledgeSource>();
        knowledge.Setup(k => k.Current).Returns(KnowledgeIndex.Build([]));
        return new InsightsReader(
            store,
            new InsightsBuffer(100),
            knowledge.Object,
            Options.Create(new InsightsOptions { MinutesPerTicket = minutes, PotentialDeflectionCredit = credit }));
    }

    private List<string> StoredTexts()
    {
        using var connection = new SqliteConnection($"Data Source={DatabaseFile};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT text FROM questions ORDER BY id;";
        using var reader = command.ExecuteReader();
        var texts = new List<string>();
        while (reader.Read())
        {
            texts.Add(reader.GetString(0));
        }

        return texts;
    }
}
