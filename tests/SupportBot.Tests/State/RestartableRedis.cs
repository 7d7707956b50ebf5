using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.State;

/// <summary>
/// A real redis-server of one test's own, which the test can stop (killed, as in an outage) and start again on the
/// same port. Without persistence what was stored before a stop is gone after it, as with a cache that lost its node;
/// with it (append-only file, every write synced) it comes back, as a managed cache with persistence or a replica does.
/// </summary>
public sealed class RestartableRedis : IAsyncDisposable
{
    private readonly bool _persistent;
    private static readonly string[] Candidates = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"];
    private readonly string _directory = Directory.CreateTempSubdirectory("supportbot-redis-outage-").FullName;
    private Process? _process;

    public int Port { get; } = RedisServer.FreePort();

    public string ConnectionString => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port},abortConnect=false");

    private RestartableRedis(bool persistent) => _persistent = persistent;

    public static async Task<RestartableRedis> StartAsync(bool persistent = false)
    {
        var redis = new RestartableRedis(persistent);
        await redis.StartAgainAsync();
        return redis;
    }

    /// <summary>Starts the server (again) and waits until it answers.</summary>
    public async Task StartAgainAsync()
    {
        var executable = Candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("redis-server is not installed. Run tests/run.sh, which installs it (apt-get install redis-server).");
        _process = Process.Start(new ProcessStartInfo(executable)
        {
            ArgumentList = { "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", _persistent ? "yes" : "no", "--appendfsync", "always", "--dir", _directory, "--daemonize", "no" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            try
            {
                await using var probe = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{Port},connectTimeout=500");
                await probe.GetDatabase().PingAsync();
                return;
            }
            catch (RedisConnectionException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Kills the server, as a crashed node or a lost network would leave the bot.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>Freezes (true) or thaws (false) the server: connected, but answering nothing, as a hung node or a black-holed network.</summary>
    public async Task FreezeAsync(bool frozen)
    {
        using var signal = Process.Start("kill", [frozen ? "-STOP" : "-CONT", _process!.Id.ToString(CultureInfo.InvariantCulture)]);
        await signal.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            await FreezeAsync(false);
        }

        await StopAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
