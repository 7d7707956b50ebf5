using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SupportBot.LoadTest;

/// <summary>What a turn's replies must contain to count as answered.</summary>
public enum Expectation
{
    /// <summary>A knowledge answer: a message with an Adaptive Card citing an article (/kb/{id}).</summary>
    KnowledgeAnswerCard,

    /// <summary>The echo bot's one text reply.</summary>
    Echo,
}

/// <summary>Turns per second, latency percentiles (nearest rank) and errors of one measured run.</summary>
public sealed record LoadResult(string Name, int Conversations, double Seconds, int Turns, double[] SortedMilliseconds, IReadOnlyDictionary<string, int> Errors, TimeSpan BotCpu)
{
    public int ErrorCount => Errors.Values.Sum();

    public double TurnsPerSecond => Turns / Seconds;

    public double P50 => Percentile(50);

    public double P95 => Percentile(95);

    public double P99 => Percentile(99);

    public double Max => SortedMilliseconds.Length == 0 ? double.NaN : SortedMilliseconds[^1];

    /// <summary>CPU milliseconds the bot process spent per turn (both cores count).</summary>
    public double CpuPerTurn => Turns == 0 ? double.NaN : BotCpu.TotalMilliseconds / Turns;

    public double Percentile(double percent)
    {
        if (SortedMilliseconds.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(percent / 100 * SortedMilliseconds.Length);
        return SortedMilliseconds[Math.Clamp(rank - 1, 0, SortedMilliseconds.Length - 1)];
    }

    public string ErrorSummary => ErrorCount == 0 ? "0" : $"{ErrorCount} ({string.Join(", ", Errors.Select(e => $"{e.Key}: {e.Value}"))})";

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Name}: {TurnsPerSecond:F0} turns/s ({Turns} in {Seconds:F1} s, {Conversations} conversations), p50 {P50:F1} ms, p95 {P95:F1} ms, p99 {P99:F1} ms, max {Max:F1} ms, errors {ErrorSummary}, bot CPU {CpuPerTurn:F2} ms/turn");
}

/// <summary>
/// N simulated employees, each in a conversation of its own, each sending its next message as soon as the bot has
/// answered the previous one (closed loop, like people waiting for an answer). A turn is timed from the POST to
/// /api/messages until the bot's 200, by which time its replies have reached the connector; then the replies are
/// checked.
/// </summary>
public sealed class LoadRun(HttpClient http, Uri botMessagesUrl, CapturingConnector connector, IReadOnlyList<string> questions, Expectation expectation)
{
    private static long _runs;

    public async Task<LoadResult> RunAsync(string name, int conversations, TimeSpan warmup, TimeSpan duration, Func<TimeSpan>? botCpu = null, Action<string>? progress = null)
    {
        var run = Interlocked.Increment(ref _runs);
        var measuring = false;
        var stop = false;
        var latencies = new List<double>[conversations];
        var errors = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);

        var workers = Enumerable.Range(0, conversations).Select(i => Task.Run(async () =>
        {
            var mine = latencies[i] = new List<double>(100_000);
            var conversationId = $"a:load-{run}-{i}";
            var turn = 0;
            while (!Volatile.Read(ref stop))
            {
                var question = questions[(i + turn) % questions.Count];
                var activityId = $"{run}-{i}-{turn++}";
                var counted = Volatile.Read(ref measuring);
                var start = Stopwatch.GetTimestamp();
                var problem = await TurnAsync(conversationId, i, activityId, question);
                var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                connector.Forget(activityId);
                if (!counted || !Volatile.Read(ref measuring))
                {
                    continue;
                }

                mine.Add(elapsed);
                if (problem is not null)
                {
                    errors.AddOrUpdate(problem, 1, (_, n) => n + 1);
                }
            }
        })).ToArray();

        await Task.Delay(warmup);
        var cpuBefore = botCpu?.Invoke() ?? TimeSpan.Zero;
        var started = Stopwatch.GetTimestamp();
        Volatile.Write(ref measuring, true);
        var reportEvery = TimeSpan.FromSeconds(10);
        var waited = TimeSpan.Zero;
        while (waited < duration)
        {
            var step = duration - waited < reportEvery ? duration - waited : reportEvery;
            await Task.Delay(step);
            waited += step;
            if (waited < duration)
            {
                var soFar = latencies.Sum(l => l?.Count ?? 0);
                progress?.Invoke(string.Create(CultureInfo.InvariantCulture, $"  {name}: {waited.TotalSeconds:F0} s, {soFar / waited.TotalSeconds:F0} turns/s so far, {errors.Values.Sum()} errors"));
            }
        }

        Volatile.Write(ref measuring, false);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var cpu = (botCpu?.Invoke() ?? TimeSpan.Zero) - cpuBefore;
        Volatile.Write(ref stop, true);
        await Task.WhenAll(workers);

        var all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return new LoadResult(name, conversations, seconds, all.Length, all, new Dictionary<string, int>(errors), cpu);
    }

    /// <summary>The questions answered with an article card, each asked once in a fresh conversation.</summary>
    public async Task<IReadOnlyList<string>> FilterAnsweredAsync(IReadOnlyList<string> candidates)
    {
        var run = Interlocked.Increment(ref _runs);
        var answered = new List<string>();
        for (var i = 0; i < candidates.Count; i++)
        {
            var activityId = $"probe-{run}-{i}";
            if (await TurnAsync($"a:probe-{run}-{i}", 10_000 + i, activityId, candidates[i]) is null)
            {
                answered.Add(candidates[i]);
            }

            connector.Forget(activityId);
        }

        return answered;
    }

    /// <summary>One turn of a scripted conversation: null when the bot took it (2xx), else what went wrong.</summary>
    public async Task<string?> SayAsync(string conversationId, int user, string activityId, string text, string? aadObjectId = null)
    {
        try
        {
            using var content = new ByteArrayContent(Activity(conversationId, user, activityId, text, aadObjectId));
            content.Headers.ContentType = new("application/json");
            using var response = await http.PostAsync(botMessagesUrl, content);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return ex.GetType().Name;
        }
    }

    private async Task<string?> TurnAsync(string conversationId, int user, string activityId, string question)
    {
        try
        {
            using var content = new ByteArrayContent(Activity(conversationId, user, activityId, question));
            content.Headers.ContentType = new("application/json");
            using var response = await http.PostAsync(botMessagesUrl, content);
            if (!response.IsSuccessStatusCode)
            {
                return $"HTTP {(int)response.StatusCode}";
            }
        }
        catch (HttpRequestException ex)
        {
            return $"request failed ({ex.HttpRequestError})";
        }
        catch (TaskCanceledException)
        {
            return "timed out";
        }

        var replies = connector.RepliesTo(activityId);
        return expectation switch
        {
            Expectation.KnowledgeAnswerCard when replies.Messages == 0 => "no reply",
            Expectation.KnowledgeAnswerCard when replies.Cards == 0 || replies.Citations == 0 => "reply without an answer card",
            Expectation.Echo when replies.Echoes != 1 => replies.Messages == 0 ? "no reply" : "not an echo",
            _ => null,
        };
    }

    // A Teams personal-chat message, as Azure Bot Service delivers it. Everything but the id and the timestamp is the
    // same for a conversation and question, so it is written once: the driver shares the 2 cores with the bot.
    private byte[] Activity(string conversationId, int user, string activityId, string question, string? aadObjectId = null)
    {
        var fixedPart = _prefixes.GetOrAdd((conversationId, user, question, aadObjectId), key => Prefix(key.Conversation, key.User, key.Question, key.AadObjectId));
        var variable = Encoding.UTF8.GetBytes($",\"id\":{JsonSerializer.Serialize(activityId)},\"timestamp\":\"{DateTimeOffset.UtcNow:O}\"}}");
        var body = new byte[fixedPart.Length + variable.Length];
        fixedPart.CopyTo(body, 0);
        variable.CopyTo(body, fixedPart.Length);
        return body;
    }

    private readonly ConcurrentDictionary<(string Conversation, int User, string Question, string? AadObjectId), byte[]> _prefixes = new();

    // The activity's JSON up to (not including) its closing brace, without id and timestamp.
    private byte[] Prefix(string conversationId, int user, string question, string? aadObjectId)
    {
        using var buffer = new MemoryStream(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", "message");
            json.WriteString("channelId", "msteams");
            json.WriteString("serviceUrl", connector.ServiceUrl.ToString());
            json.WriteStartObject("from");
            json.WriteString("id", $"29:load-user-{user}");
            json.WriteString("name", $"Load Tester {user}");
            json.WriteString("aadObjectId", aadObjectId ?? $"00000000-0000-4000-8000-{user:D12}");
            json.WriteEndObject();
            json.WriteStartObject("recipient");
            json.WriteString("id", "28:supportbot");
            json.WriteString("name", "SupportBot");
            json.WriteEndObject();
            json.WriteStartObject("conversation");
            json.WriteString("id", conversationId);
            json.WriteString("conversationType", "personal");
            json.WriteString("tenantId", "00000000-0000-4000-8000-00000000ca11");
            json.WriteEndObject();
            json.WriteString("text", question);
            json.WriteString("textFormat", "plain");
            json.WriteString("locale", "en-GB");
            json.WriteStartObject("channelData");
            json.WriteStartObject("tenant");
            json.WriteString("id", "00000000-0000-4000-8000-00000000ca11");
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        // Drop the closing brace: the id and timestamp follow.
        return buffer.ToArray()[..^1];
    }

    /// <summary>Reads the questions of one kind from the evaluation set, as plain strings.</summary>
    public static IReadOnlyList<string> QuestionsFrom(string jsonlPath, string kind, int max)
    {
        var questions = new List<string>();
        foreach (var line in File.ReadLines(jsonlPath, Encoding.UTF8))
        {
            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.TryGetProperty("kind", out var k) && k.GetString() == kind && doc.RootElement.TryGetProperty("expected", out var expected) &&
                expected.ValueKind == JsonValueKind.String)
            {
                questions.Add(doc.RootElement.GetProperty("q").GetString()!);
            }

            if (questions.Count == max)
            {
                break;
            }
        }

        return questions;
    }
}
