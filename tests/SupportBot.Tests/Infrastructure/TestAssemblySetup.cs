using System.Runtime.CompilerServices;

namespace SupportBot.Tests.Infrastructure;

internal static class TestAssemblySetup
{
    // Many tests start real hosts (WebApplicationFactory.StartServer blocks a pool thread while Kestrel starts); on a
    // 2-core machine the thread pool would otherwise grow one thread at a time and delay unrelated continuations.
    [ModuleInitializer]
    internal static void Initialise()
    {
        ThreadPool.SetMinThreads(Math.Max(32, Environment.ProcessorCount * 8), 32);

        // Every host watches its configuration files; dozens of short-lived hosts would use up the system's inotify
        // instances (128 by default), so configuration files are polled in tests. The knowledge base still watches.
        Environment.SetEnvironmentVariable("DOTNET_USE_POLLING_FILE_WATCHER", "true");
    }
}
