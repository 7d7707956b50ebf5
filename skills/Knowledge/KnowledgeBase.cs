using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SupportBot.Skills.Knowledge.Vectors;

namespace SupportBot.Skills.Knowledge;

/// <summary>Gives the current index; a reload swaps in a new one without failing a query in flight.</summary>
public interface IKnowledgeSource
{
    KnowledgeIndex Current { get; }

    /// <summary>Embeddings of the current index's articles, once computed (null without an embeddings deployment).</summary>
    ArticleVectors? Vectors => null;
}

/// <summary>
/// Loads the article folder at start-up and again whenever a file is changed, added or deleted. A broken
/// article or a duplicate id is skipped with a log line naming the file; the rest loads.
/// </summary>
public sealed class KnowledgeBase : IKnowledgeSource, IDisposable
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan RetireAfter = TimeSpan.FromSeconds(5);

    private readonly IConfiguration _configuration;
    private readonly ILogger<KnowledgeBase> _logger;
    private readonly TimeProvider _timeProvider;
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);
    private readonly FileSystemWatcher? _watcher;
    private readonly ITimer? _poll;
    private string _fingerprint = string.Empty;
    private readonly object _reloadGate = new();
    private readonly IEmbedder _embedder;
    private readonly VectorCache? _vectorCache;
    private readonly CancellationTokenSource _stopping = new();
    private ITimer? _pendingReload;
    private volatile KnowledgeIndex _current;
    private volatile ArticleVectors? _vectors;
    private readonly SemaphoreSlim _embedGate = new(1, 1);
    private int _disposed;

    public KnowledgeBase(IOptions<KnowledgeOptions> options, IConfiguration configuration, ILogger<KnowledgeBase> logger, TimeProvider timeProvider)
        : this(options, configuration, logger, timeProvider, NoEmbedder.Instance, null)
    {
    }

    public KnowledgeBase(
        IOptions<KnowledgeOptions> options,
        IConfiguration configuration,
        ILogger<KnowledgeBase> logger,
        TimeProvider timeProvider,
        IEmbedder embedder,
        VectorCache? vectorCache)
    {
        _configuration = configuration;
        _logger = logger;
        _timeProvider = timeProvider;
        _embedder = embedder;
        _vectorCache = vectorCache;
        Folder = options.Value.ArticlesPath;
        _current = Load();
        VectorsReady = EmbedInBackground(_current);
        if (Directory.Exists(Folder))
        {
            try
            {
                _watcher = new FileSystemWatcher(Folder, "*.md") { IncludeSubdirectories = true, NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size };
                _watcher.Changed += (_, _) => ScheduleReload();
                _watcher.Created += (_, _) => ScheduleReload();
                _watcher.Deleted += (_, _) => ScheduleReload();
                _watcher.Renamed += (_, _) => ScheduleReload();
                _watcher.EnableRaisingEvents = true;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
            {
                // E.g. the system's limit of file watchers is reached: look for changes on a timer instead.
                _watcher?.Dispose();
                _watcher = null;
                _fingerprint = Fingerprint();
                _poll = _timeProvider.CreateTimer(_ => PollForChanges(), null, PollInterval, PollInterval);
                _logger.LogWarning(ex, "Cannot watch {Folder} for changes; checking it every {Interval} instead", Folder, PollInterval);
            }
        }
    }

    public string Folder { get; }

    public KnowledgeIndex Current => _current;

    public ArticleVectors? Vectors => _vectors;

    /// <summary>Completes when the current index's articles are embedded (or embedding failed, or is off).</summary>
    public Task VectorsReady { get; private set; }

    /// <summary>Raised after a reload has swapped in a new index.</summary>
    public event EventHandler? Reloaded;

    /// <summary>Reads the folder and swaps in a new index now.</summary>
    public void Reload()
    {
        var next = Load();
        var previous = Interlocked.Exchange(ref _current, next);
        VectorsReady = EmbedInBackground(next);

        // Queries already running on the previous index finish on it; it is closed a little later.
        _timeProvider.CreateTimer(state => Retire((KnowledgeIndex)state!), previous, RetireAfter, Timeout.InfiniteTimeSpan);
        Reloaded?.Invoke(this, EventArgs.Empty);
    }

    public void Dispose()
    {
        // Registered as itself and as IKnowledgeSource, so the container may dispose it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _watcher?.Dispose();
        _poll?.Dispose();
        _stopping.Cancel();
        _stopping.Dispose();
        _pendingReload?.Dispose();
        _current.Dispose();
    }

    private void Retire(KnowledgeIndex index)
    {
        try
        {
            index.Dispose();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _logger.LogDebug(ex, "Closing a retired knowledge index failed");
        }
    }

    // Answers never wait for this: until it finishes (or if the model is down) ranking is BM25 alone.
    private Task EmbedInBackground(KnowledgeIndex index)
    {
        if (!_embedder.IsEnabled || _vectorCache is null)
        {
            return Task.CompletedTask;
        }

        CancellationToken token;
        try
        {
            token = _stopping.Token;
        }
        catch (ObjectDisposedException)
        {
            return Task.CompletedTask;
        }

        return Task.Run(
            async () =>
            {
                // One embedding pass at a time: a quick second reload then finds the first one's vectors cached.
                await _embedGate.WaitAsync(token);
                ArticleVectors? vectors;
                try
                {
                    vectors = await ArticleVectors.BuildAsync(index, _embedder, _vectorCache, token);
                }
                finally
                {
                    _embedGate.Release();
                }

                if (vectors is null)
                {
                    _logger.LogWarning("Could not embed the knowledge base; ranking stays BM25-only until the next reload");
                }
                else if (ReferenceEquals(_current, index))
                {
                    _vectors = vectors;
                    _logger.LogInformation("Knowledge base embedded: {Count} articles ({Cached} vectors cached)", vectors.Count, _vectorCache.Count);
                }
            },
            token);
    }

    private void PollForChanges()
    {
        try
        {
            var now = Fingerprint();
            if (now != _fingerprint)
            {
                _fingerprint = now;
                SafeReload();
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogDebug(ex, "Could not look for changes in {Folder}", Folder);
        }
    }

    private string Fingerprint() =>
        string.Join('|', Directory.EnumerateFiles(Folder, "*.md", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(f => f + ":" + File.GetLastWriteTimeUtc(f).Ticks + ":" + new FileInfo(f).Length));

    private void ScheduleReload()
    {
        lock (_reloadGate)
        {
            _pendingReload?.Dispose();
            _pendingReload = _timeProvider.CreateTimer(_ => SafeReload(), null, Debounce, Timeout.InfiniteTimeSpan);
        }
    }

    // Runs on a timer thread: it must never throw, or the process would go down with it.
    private void SafeReload()
    {
        if (Volatile.Read(ref _disposed) == 1)
        {
            return;
        }

        try
        {
            Reload();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _logger.LogError(ex, "Could not reload the knowledge base from {Folder}; keeping the previous articles", Folder);
        }
    }

    private KnowledgeIndex Load()
    {
        var articles = new List<KnowledgeArticle>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!Directory.Exists(Folder))
        {
            _logger.LogError("The knowledge base folder {Folder} does not exist (Knowledge:ArticlesPath); the bot will not answer from articles", Folder);
        }
        else
        {
            foreach (var file in Directory.EnumerateFiles(Folder, "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var name = Path.GetRelativePath(Folder, file);
                try
                {
                    var article = ArticleParser.Parse(ReadShared(file), name, key => _configuration[key]);
                    if (seen.TryGetValue(article.Id, out var first))
                    {
                        _logger.LogWarning("Skipped knowledge article {File}: its id '{ArticleId}' is already used by {FirstFile}", name, article.Id, first);
                        continue;
                    }

                    foreach (var missing in ArticleParser.PlaceholdersIn(article.Markdown + article.Title))
                    {
                        _logger.LogWarning("Knowledge article {File} uses {{{{{Placeholder}}}}}, which the organisation settings file does not define", name, missing);
                    }

                    seen[article.Id] = name;
                    articles.Add(article);
                }
                catch (ArticleFormatException ex)
                {
                    _logger.LogWarning("Skipped knowledge article {File}: {Reason}", name, ex.Message);
                }
                catch (IOException ex)
                {
                    _logger.LogWarning(ex, "Skipped knowledge article {File}: it could not be read", name);
                }
            }
        }

        var index = KnowledgeIndex.Build(articles, SearchMode.Full, OrganisationNames());
        _logger.LogInformation("Knowledge base loaded: {Count} articles from {Folder}", articles.Count, Folder);
        return index;
    }

    // The organisation's own product names mean the same as the generic words people use.
    private List<(Regex Pattern, string Canonical)> OrganisationNames()
    {
        var names = new List<(Regex, string)>();
        void Add(string key, string canonical)
        {
            if (_configuration[key] is { Length: > 2 } name)
            {
                names.Add((ItVocabulary.PhrasePattern(name), canonical));
            }
        }

        Add("Organisation:VpnClientName", "vpn");
        Add("Organisation:GuestWifiName", "wifi guest");
        Add("Organisation:CorporateWifiName", "wifi");
        return names;
    }

    // Editors often save by truncate-and-write; read with sharing and retry once if the file is mid-write.
    private static string ReadShared(string file)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var reader = new StreamReader(stream);
                return reader.ReadToEnd();
            }
            catch (IOException) when (attempt < 2)
            {
                Thread.Sleep(50);
            }
        }
    }
}
