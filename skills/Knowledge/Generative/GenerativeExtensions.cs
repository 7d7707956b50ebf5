using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using SupportBot.Skills.Knowledge.Vectors;

namespace SupportBot.Skills.Knowledge.Generative;

public static class GenerativeExtensions
{
    /// <summary>Name of the HttpClient that reaches the chat model.</summary>
    public const string HttpClientName = "SupportBot.Llm";

    /// <summary>
    /// Generative answers: with <c>AzureOpenAI:Endpoint</c> and <c>AzureOpenAI:Deployment</c> set, a Semantic Kernel
    /// chat model writes answers from the passages; otherwise (the embedded default) answers stay extractive.
    /// </summary>
    public static IHostApplicationBuilder AddGenerativeAnswers(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<GenerativeOptions>()
            .BindConfiguration(GenerativeOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);

        // Our own client, so Semantic Kernel turns its retry policy and network timeout off (it does whenever it is
        // given an HttpClient): one attempt, bounded by our budget. A 429's Retry-After is longer than a user waits.
        services.AddHttpClient(HttpClientName, (sp, client) =>
            {
                var o = sp.GetRequiredService<IOptions<GenerativeOptions>>().Value;
                if (o.IsConfigured)
                {
                    client.BaseAddress = new Uri(o.Endpoint!);
                }

                // A backstop only: the writer's own budget cancels first.
                client.Timeout = o.Timeout + TimeSpan.FromSeconds(2);
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);

        services.AddSingleton<IAnswerWriter>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<GenerativeOptions>>();
            return options.Value.IsConfigured
                ? new SemanticKernelAnswerWriter(
                    CreateKernel(options.Value, sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName), sp.GetService<TokenCredential>()),
                    options,
                    sp.GetRequiredService<TimeProvider>(),
                    sp.GetRequiredService<ILogger<SemanticKernelAnswerWriter>>())
                : NoAnswerWriter.Instance;
        });
        services.AddSingleton<IEmbedder>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<GenerativeOptions>>().Value;
            if (!o.EmbeddingsConfigured)
            {
                return NoEmbedder.Instance;
            }

            var kernel = CreateEmbeddingKernel(o, sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName), sp.GetService<TokenCredential>());
            return new SemanticKernelEmbedder(
                kernel.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>(),
                $"{o.Kind}:{o.Endpoint}:{o.EmbeddingDeployment}",
                o.Timeout,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<SemanticKernelEmbedder>>());
        });
        services.AddSingleton<GenerativeAnswerer>();
        services.AddHostedService<GenerativeAnswersReport>();
        return builder;
    }

    /// <summary>
    /// A kernel with the configured chat model. Without an API key, Azure OpenAI is reached with Entra ID: the
    /// <paramref name="credential"/> if the host registered one, else DefaultAzureCredential (the managed identity in Azure).
    /// </summary>
    public static Kernel CreateKernel(GenerativeOptions options, HttpClient httpClient, TokenCredential? credential = null)
    {
        var kernel = Kernel.CreateBuilder();
        var deployment = options.Deployment!;
        var endpoint = options.Endpoint!;
        var apiKey = string.IsNullOrWhiteSpace(options.ApiKey) ? null : options.ApiKey;
        switch (options.Kind)
        {
            case LlmKind.OpenAICompatible:
                kernel.AddOpenAIChatCompletion(deployment, new Uri(endpoint), apiKey, httpClient: httpClient);
                break;
            case LlmKind.AzureOpenAI when apiKey is not null:
                kernel.AddAzureOpenAIChatCompletion(deployment, endpoint, apiKey, httpClient: httpClient);
                break;
            default:
                // No key: Entra ID — the managed identity in Azure, the developer's az/VS sign-in locally.
                kernel.AddAzureOpenAIChatCompletion(deployment, endpoint, credential ?? new DefaultAzureCredential(), httpClient: httpClient);
                break;
        }

        return kernel.Build();
    }

    /// <summary>A kernel with the configured embeddings model (same endpoint and credentials as the chat model).</summary>
    public static Kernel CreateEmbeddingKernel(GenerativeOptions options, HttpClient httpClient, TokenCredential? credential = null)
    {
        var kernel = Kernel.CreateBuilder();
        var deployment = options.EmbeddingDeployment!;
        var endpoint = options.Endpoint!;
        var apiKey = string.IsNullOrWhiteSpace(options.ApiKey) ? null : options.ApiKey;

        // SKEXP0010: Semantic Kernel marks its IEmbeddingGenerator registrations experimental; the older
        // ITextEmbeddingGenerationService ones are obsolete. The generator interface is Microsoft.Extensions.AI's, stable.
#pragma warning disable SKEXP0010
        switch (options.Kind)
        {
            case LlmKind.OpenAICompatible:
                kernel.AddOpenAIEmbeddingGenerator(deployment, new OpenAI.OpenAIClient(new System.ClientModel.ApiKeyCredential(apiKey ?? "unused"), new OpenAI.OpenAIClientOptions { Endpoint = new Uri(endpoint), Transport = new System.ClientModel.Primitives.HttpClientPipelineTransport(httpClient) }));
                break;
            case LlmKind.AzureOpenAI when apiKey is not null:
                kernel.AddAzureOpenAIEmbeddingGenerator(deployment, endpoint, apiKey, httpClient: httpClient);
                break;
            default:
                kernel.AddAzureOpenAIEmbeddingGenerator(deployment, endpoint, credential ?? new DefaultAzureCredential(), httpClient: httpClient);
                break;
        }
#pragma warning restore SKEXP0010

        return kernel.Build();
    }

    /// <summary>Says at start-up how answers are written, so an operator sees whether the LLM is in use.</summary>
    private sealed class GenerativeAnswersReport(IOptions<GenerativeOptions> options, ILogger<GenerativeAnswersReport> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            var o = options.Value;
            if (o.IsConfigured)
            {
                logger.LogInformation(
                    "Generative answers on: {Kind} deployment {Deployment} at {Endpoint} ({Authentication}), {Timeout} budget",
                    o.Kind, o.Deployment, new Uri(o.Endpoint!).GetLeftPart(UriPartial.Authority),
                    string.IsNullOrWhiteSpace(o.ApiKey) ? (o.Kind == LlmKind.AzureOpenAI ? "Entra ID" : "no key") : "API key", o.Timeout);
            }
            else
            {
                logger.LogInformation("Generative answers off ({Section}:Endpoint and {Section}:Deployment not set): answers quote the articles", GenerativeOptions.SectionName, GenerativeOptions.SectionName);
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
