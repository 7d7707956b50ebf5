using System.Globalization;
using StackExchange.Redis;

namespace SupportBot.LoadTest;

/// <summary>A real redis-server on a free loopback port, no persistence; can be stopped and restarted on the same port.</summary>
public sealed class RedisProcess : IAsyncDisposable
{
    private static readonly string[] Candidates = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"];
    private readonly string _executable;
    private readonly DirectoryInfo _directory;
    private ChildProcess? _server;

    private RedisProcess(string executable, int port)
    {
        _executable = executable;
        Port = port;
        _directory = Directory.CreateTempSubdirectory("supportbot-load-redis-");
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false";

    /// <summary>Starts redis-server, or returns null when it is not installed.</summary>
    public static async Task<RedisProcess?> StartAsync(HttpClient _)
    {
        var executable = Candidates.FirstOrDefault(File.Exists);
        if (executable is null)
        {
            return null;
        }

        var redis = new RedisProcess(executable, ChildProcess.FreePort());
        await redis.StartAgainAsync();
        return redis;
    }

    public async Task StartAgainAsync()
    {
        _server = ChildProcess.Start(
            "redis-server",
            _executable,
            ["--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no", "--dir", _directory.FullName]);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            try
            {
                await using var connection = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{Port},connectTimeout=500");
                await connection.GetDatabase().PingAsync();
                return;
            }
            catch (RedisConnectionException) when (DateTime.UtcNow < deadline && !_server.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Stops the server (its data goes with it, as after a crash of a cache with no persistence).</summary>
    public async Task StopAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
            _server = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _directory.Delete(recursive: true);
    }
}
