using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Newtonsoft.Json.Linq;

namespace SupportBot.Tests.Infrastructure;

/// <summary>A chat completions request as the model's endpoint received it.</summary>
public sealed record ChatRequest(string Path, string Query, IReadOnlyDictionary<string, string> Headers, JObject Body)
{
    public string SystemMessage => Message("system");

    public string UserMessage => Message("user");

    private string Message(string role) =>
        (string?)Body["messages"]?.FirstOrDefault(m => (string?)m["role"] == role)?["content"] ?? string.Empty;
}

/// <summary>
/// An OpenAI-compatible chat model on a real loopback port, speaking the documented chat completions shape on the
/// Azure OpenAI route (/openai/deployments/{deployment}/chat/completions?api-version=…) and the OpenAI one
/// (/v1/chat/completions). Each test scripts how it answers and reads back what it was sent.
/// </summary>
public sealed class ChatModelServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<ChatRequest> _requests = new();
    private LoopbackServer _server = null!;

    /// <summary>The endpoint to configure (Azure OpenAI: the resource root; OpenAI-compatible: append <c>v1</c>).</summary>
    public string Endpoint { get; private set; } = string.Empty;

    public IReadOnlyList<ChatRequest> Requests => [.. _requests];

    /// <summary>How the next requests are answered; by default an error that no test expects.</summary>
    public Func<ChatRequest, HttpContext, Task> Respond { get; set; } = Status(500);

    public static async Task<ChatModelServer> StartAsync()
    {
        var server = new ChatModelServer();
        server._server = await LoopbackServer.StartAsync(app =>
        {
            app.MapPost("/openai/deployments/{deployment}/chat/completions", server.HandleAsync);
            app.MapPost("/v1/chat/completions", server.HandleAsync);
        });
        server.Endpoint = server._server.BaseUrl;
        return server;
    }

    /// <summary>A 200 with one assistant message in the documented chat.completion shape.</summary>
    public static Func<ChatRequest, HttpContext, Task> Completion(string content, string finishReason = "stop") =>
        (request, context) => context.Response.WriteAsync(CompletionJson(content, (string?)request.Body["model"] ?? "gpt-4o-mini", finishReason).ToString());

    /// <summary>An error response as Azure OpenAI sends it, optionally with Retry-After.</summary>
    public static Func<ChatRequest, HttpContext, Task> Status(int status, string? retryAfter = null) => (_, context) =>
    {
        context.Response.StatusCode = status;
        if (retryAfter is not null)
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }

        return context.Response.WriteAsync(new JObject
        {
            ["error"] = new JObject { ["code"] = status.ToString(System.Globalization.CultureInfo.InvariantCulture), ["message"] = "Scripted failure." },
        }.ToString());
    };

    /// <summary>Answers only after <paramref name="delay"/> (or never, if the client gives up first).</summary>
    public static Func<ChatRequest, HttpContext, Task> Slow(TimeSpan delay, string content) => async (request, context) =>
    {
        await Task.Delay(delay, context.RequestAborted);
        await Completion(content)(request, context);
    };

    public static JObject CompletionJson(string content, string model, string finishReason = "stop") => new()
    {
        ["id"] = "chatcmpl-" + Guid.NewGuid().ToString("N"),
        ["object"] = "chat.completion",
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["model"] = model,
        ["choices"] = new JArray(new JObject
        {
            ["index"] = 0,
            ["message"] = new JObject { ["role"] = "assistant", ["content"] = content },
            ["finish_reason"] = finishReason,
        }),
        ["usage"] = new JObject { ["prompt_tokens"] = 412, ["completion_tokens"] = 58, ["total_tokens"] = 470 },
    };

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = JObject.Parse(await reader.ReadToEndAsync());
        var request = new ChatRequest(
            context.Request.Path.Value ?? string.Empty,
            context.Request.QueryString.Value ?? string.Empty,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body);
        _requests.Enqueue(request);
        context.Response.ContentType = "application/json";
        try
        {
            await Respond(request, context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The bot gave up waiting, as it should.
        }
    }
}
