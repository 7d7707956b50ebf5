// Usage: dotnet SupportBot.HealthCheck.dll [url]   (default http://127.0.0.1:8080/healthz)
// Exit codes follow Docker's HEALTHCHECK: 0 healthy, 1 unhealthy. The reason goes to stderr, which Docker keeps
// in `docker inspect` (State.Health.Log).

const string DefaultUrl = "http://127.0.0.1:8080/healthz";
var timeout = TimeSpan.FromSeconds(3);

var target = args.Length > 0 ? args[0] : DefaultUrl;
if (!Uri.TryCreate(target, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
{
    await Console.Error.WriteLineAsync($"Not an http(s) URL: '{target}'.");
    return 1;
}

// No proxy: the probe asks the process next to it, never whatever HTTP_PROXY points at.
using var handler = new HttpClientHandler { UseProxy = false };
using var http = new HttpClient(handler) { Timeout = timeout };
try
{
    using var response = await http.GetAsync(url);
    if (response.IsSuccessStatusCode)
    {
        return 0;
    }

    await Console.Error.WriteLineAsync($"{url} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
    return 1;
}
catch (HttpRequestException ex)
{
    await Console.Error.WriteLineAsync($"{url} could not be reached: {ex.Message}");
    return 1;
}
catch (TaskCanceledException)
{
    await Console.Error.WriteLineAsync($"{url} did not answer within {timeout.TotalSeconds:0} s.");
    return 1;
}
