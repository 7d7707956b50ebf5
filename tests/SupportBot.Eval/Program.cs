using SupportBot.Eval;
using SupportBot.Skills.Knowledge;

// Usage: dotnet run --project tests/SupportBot.Eval [-- --questions FILE] [--articles DIR] [--organisation FILE] [--misses]
var root = FindRoot();
string Arg(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

var questions = Evaluation.ReadQuestions(Arg("--questions", Path.Combine(root, "tests/eval/questions.jsonl")));
var articles = Evaluation.ReadArticles(
    Arg("--articles", Path.Combine(root, "skills/content/articles")),
    Arg("--organisation", Path.Combine(root, "skills/content/organisation.json")));
var options = new KnowledgeOptions();

using var plain = KnowledgeIndex.Build(articles, SearchMode.PlainBm25);
using var full = KnowledgeIndex.Build(articles, SearchMode.Full);
var scores = new[]
{
    Evaluation.Score("plain BM25", plain, questions, options),
    Evaluation.Score("full pipeline", full, questions, options),
};

Console.WriteLine($"{articles.Count} articles, {questions.Count} questions");
Console.WriteLine(Evaluation.Table(scores));
if (args.Contains("--misses"))
{
    Console.WriteLine();
    Console.WriteLine("Full pipeline misses:");
    scores[1].Misses.ToList().ForEach(Console.WriteLine);
}

static string FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "SupportBot.sln")))
        {
            return dir.FullName;
        }
    }

    return Directory.GetCurrentDirectory();
}
