using SupportBot.Eval;
using SupportBot.Skills.Knowledge;

namespace SupportBot.Tests.Knowledge;

/// <summary>
/// The retrieval quality an employee feels, on our own question set (tests/eval): a change that makes the bot
/// answer the wrong article or answer things it should decline fails here, with the misses listed.
/// </summary>
public sealed class EvaluationGateTests
{
    [Fact]
    public void FullPipeline_MeetsTheQualityBar_AndBeatsPlainBm25ByTenPoints()
    {
        var root = TestArticles.RepoRoot();
        var questions = Evaluation.ReadQuestions(Path.Combine(root, "tests/eval/questions.jsonl"));
        using var full = KnowledgeIndex.Build(TestArticles.All, SearchMode.Full);
        using var plain = KnowledgeIndex.Build(TestArticles.All, SearchMode.PlainBm25);

        var sut = Evaluation.Score("full", full, questions, new KnowledgeOptions());
        var baseline = Evaluation.Score("plain", plain, questions, new KnowledgeOptions());

        var report = Evaluation.Table([baseline, sut]) + Environment.NewLine + string.Join(Environment.NewLine, sut.Misses);
        Assert.True(questions.Count >= 150 && questions.Count(q => q.Expected is null) >= 30, "the set needs ≥ 150 questions, ≥ 30 out of scope");
        Assert.True(sut.Top1 >= 0.90, report);
        Assert.True(sut.RecallAt3 >= 0.97, report);
        Assert.True(sut.AbstainPrecision >= 0.90 && sut.AbstainRecall >= 0.90, report);
        Assert.True(sut.Top1 - baseline.Top1 >= 0.10, report);
    }
}
