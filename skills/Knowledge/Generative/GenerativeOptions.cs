using System.ComponentModel.DataAnnotations;

namespace SupportBot.Skills.Knowledge.Generative;

/// <summary>Which API the chat model speaks.</summary>
public enum LlmKind
{
    /// <summary>An Azure OpenAI resource: <c>/openai/deployments/{deployment}/chat/completions</c>, API key or Entra ID.</summary>
    AzureOpenAI,

    /// <summary>Any OpenAI-compatible server (OpenAI itself, a gateway, a local model server): <c>{endpoint}/chat/completions</c>.</summary>
    OpenAICompatible,
}

/// <summary>
/// The chat model that writes answers from the knowledge base's passages (section <c>AzureOpenAI</c>). Leave
/// <see cref="Endpoint"/> and <see cref="Deployment"/> empty and the bot answers extractively, with no LLM.
/// </summary>
public sealed class GenerativeOptions : IValidatableObject
{
    public const string SectionName = "AzureOpenAI";

    public LlmKind Kind { get; set; } = LlmKind.AzureOpenAI;

    /// <summary>The resource's endpoint, e.g. <c>https://contoso.openai.azure.com/</c> (or an OpenAI-compatible base URL ending in <c>/v1</c>).</summary>
    public string? Endpoint { get; set; }

    /// <summary>The chat model's deployment name (for an OpenAI-compatible server: the model name).</summary>
    public string? Deployment { get; set; }

    /// <summary>
    /// The embeddings model's deployment (for an OpenAI-compatible server: the model name). Set = articles are
    /// embedded and ranking fuses BM25 with vector similarity; empty = BM25 only.
    /// </summary>
    public string? EmbeddingDeployment { get; set; }

    public bool EmbeddingsConfigured => !string.IsNullOrWhiteSpace(Endpoint) && !string.IsNullOrWhiteSpace(EmbeddingDeployment);

    /// <summary>A secret. Empty = Entra ID through DefaultAzureCredential (the managed identity in Azure).</summary>
    public string? ApiKey { get; set; }

    /// <summary>How long the model may take before the bot answers from the article instead: the turn's budget for it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:00:30")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>How many passages (one per article) the model is given.</summary>
    [Range(1, 5)]
    public int MaxPassages { get; set; } = 3;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Endpoint) && !string.IsNullOrWhiteSpace(Deployment);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var hasEndpoint = !string.IsNullOrWhiteSpace(Endpoint);
        var hasDeployment = !string.IsNullOrWhiteSpace(Deployment);
        if (hasEndpoint && !hasDeployment && string.IsNullOrWhiteSpace(EmbeddingDeployment))
        {
            yield return new ValidationResult(
                $"{SectionName}:Endpoint is set but neither {SectionName}:Deployment nor {SectionName}:EmbeddingDeployment is: name the chat model's (and/or embeddings model's) deployment, or clear the endpoint to answer without an LLM.",
                [nameof(Deployment)]);
        }

        if ((hasDeployment || !string.IsNullOrWhiteSpace(EmbeddingDeployment)) && !hasEndpoint)
        {
            yield return new ValidationResult(
                $"{SectionName}:Deployment is set but {SectionName}:Endpoint is not: give the resource's endpoint, or clear both to answer without an LLM.",
                [nameof(Endpoint)]);
        }

        if (hasEndpoint && !(Uri.TryCreate(Endpoint, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)))
        {
            yield return new ValidationResult($"{SectionName}:Endpoint must be an absolute http(s) URL, e.g. https://contoso.openai.azure.com/.", [nameof(Endpoint)]);
        }
    }
}
