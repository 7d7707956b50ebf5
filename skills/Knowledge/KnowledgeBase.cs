using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SupportBot.Skills.Knowledge;

/// <summary>Gives the current index; a reload swaps in a new one without failing a query in flight.</summary>
public interface IKnowledgeSource
{
    KnowledgeIndex Current { get; }
}

/// <summary>
/// Loads the article folder at start-up and again whenever a file is changed, added or deleted. A broken
/// article or a duplicate id is skipped with a log line naming the file; the rest loads.
/// </summary>
public sealed class KnowledgeBase : IKnowledgeSource, IDisposable
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan RetireAfter = TimeSpan.FromSeconds(30);

    private readonly IConfiguration _configuration;
    private readonly ILogger<KnowledgeBase> _logger;
    private readonly TimeProvider _timeProvider;
    private readonly FileSystemWatcher? _watcher;
    private readonly object _reloadGate = new();
    private ITimer? _pendingReload;
    private volatile KnowledgeIndex _current;

    public KnowledgeBase(IOptions<KnowledgeOptions> options, IConfiguration configuration, ILogger<KnowledgeBase> logger, TimeProvider timeProvider)
    {
        _configuration = configuration;
        _logger = logger;
        _timeProvider = timeProvider;
        Folder = options.Value.ArticlesPath;
        _current = Load();
        if (Directory.Exists(Folder))
        {
            _watcher = new FileSystemWatcher(Folder, "*.md") { IncludeSubdirectories = true, NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size };
            _watcher.Changed += (_, _) => ScheduleReload();
            _watcher.Created += (_, _) => ScheduleReload();
            _watcher.Deleted += (_, _) => ScheduleReload();
            _watcher.Renamed += (_, _) => ScheduleReload();
            _watcher.EnableRaisingEvents = true;
        }
    }

    public string Folder { get; }

    public KnowledgeIndex Current => _current;

    /// <summary>Raised after a reload has swapped in a new index.</summary>
    public event EventHandler? Reloaded;

    /// <summary>Reads the folder and swaps in a new index now.</summary>
    public void Reload()
    {
        var next = Load();
        var previous = Interlocked.Exchange(ref _current, next);

        // Queries already running on the previous index finish on it; it is closed a little later.
        _timeProvider.CreateTimer(state => ((KnowledgeIndex)state!).Dispose(), previous, RetireAfter, Timeout.InfiniteTimeSpan);
        Reloaded?.Invoke(this, EventArgs.Empty);
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _pendingReload?.Dispose();
        _current.Dispose();
    }

    private void ScheduleReload()
    {
        lock (_reloadGate)
        {
            _pendingReload?.Dispose();
            _pendingReload = _timeProvider.CreateTimer(_ => SafeReload(), null, Debounce, Timeout.InfiniteTimeSpan);
        }
    }

    private void SafeReload()
    {
        try
        {
            Reload();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
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
