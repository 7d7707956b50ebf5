using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Newtonsoft.Json.Linq;

namespace SupportBot.Tests.Infrastructure;

/// <summary>
/// An embeddings model on a real loopback port, speaking the documented embeddings shape on the Azure OpenAI route
/// (/openai/deployments/{deployment}/embeddings) and the OpenAI one (/v1/embeddings), including the base64
/// encoding the OpenAI SDK asks for. Each test supplies how texts map to vectors and reads back what was embedded.
/// </summary>
public sealed class EmbeddingModelServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _embedded = new();
    private LoopbackServer _server = null!;

    private EmbeddingModelServer(Func<string, float[]> embed) => Embed = embed;

    public string Endpoint { get; private set; } = string.Empty;

    /// <summary>Every text the model was asked to embed, in order.</summary>
    public IReadOnlyList<string> Embedded => [.. _embedded];

    public Func<string, float[]> Embed { get; set; }

    /// <summary>When set, every request gets this status instead of vectors.</summary>
    public int? FailWith { get; set; }

    public static async Task<EmbeddingModelServer> StartAsync(Func<string, float[]> embed)
    {
        var server = new EmbeddingModelServer(embed);
        server._server = await LoopbackServer.StartAsync(app =>
        {
            app.MapPost("/openai/deployments/{deployment}/embeddings", server.HandleAsync);
            app.MapPost("/v1/embeddings", server.HandleAsync);
        });
        server.Endpoint = server._server.BaseUrl;
        return server;
    }

    public void Forget() => _embedded.Clear();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = JObject.Parse(await reader.ReadToEndAsync());
        if (FailWith is { } status)
        {
            context.Response.StatusCode = status;
            await context.Response.WriteAsync(new JObject { ["error"] = new JObject { ["code"] = status.ToString(System.Globalization.CultureInfo.InvariantCulture), ["message"] = "scripted failure" } }.ToString());
            return;
        }

        var inputs = body["input"] is JArray array ? array.Select(t => (string)t!).ToList() : [(string)body["input"]!];
        var base64 = (string?)body["encoding_format"] == "base64";
        var data = new JArray();
        for (var i = 0; i < inputs.Count; i++)
        {
            _embedded.Enqueue(inputs[i]);
            var vector = Embed(inputs[i]);
            data.Add(new JObject
            {
                ["object"] = "embedding",
                ["index"] = i,
                ["embedding"] = base64 ? Convert.ToBase64String(vector.SelectMany(BitConverter.GetBytes).ToArray()) : new JArray(vector),
            });
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JObject
        {
            ["object"] = "list",
            ["data"] = data,
            ["model"] = (string?)body["model"] ?? "text-embedding-3-small",
            ["usage"] = new JObject { ["prompt_tokens"] = inputs.Count, ["total_tokens"] = inputs.Count },
        }.ToString());
    }
}
