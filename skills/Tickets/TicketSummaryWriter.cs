using System.Text;
using Azure.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using SupportBot.Skills.Conversation;
using SupportBot.Skills.Knowledge.Generative;

namespace SupportBot.Skills.Tickets;

/// <summary>
/// Writes a ticket's summary with the configured LLM — from the (already redacted) story only — or assembles it from
/// the facts when no model is configured or it fails. A handoff never waits on the model longer than its budget.
/// </summary>
public sealed class TicketSummaryWriter(Kernel? kernel, IOptions<GenerativeOptions> options, TimeProvider time, ILogger<TicketSummaryWriter> logger)
{
    private const string SystemPrompt =
        "You write the summary a help desk technician reads first. In at most three short sentences: what the employee " +
        "needs, what was already tried (articles, self-help actions) and what happened. Use only the facts given. No " +
        "greetings, no advice, no invented details, never any password, code or key.";

    private static readonly OpenAIPromptExecutionSettings Settings = new() { Temperature = 0.1, MaxTokens = 200 };

    public bool UsesModel => kernel is not null;

    /// <summary>The model's summary, or the assembled one.</summary>
    public async Task<string> WriteAsync(TicketDraft draft, CancellationToken cancellationToken)
    {
        var assembled = TicketRules.Summary(
            draft.Requester.DisplayName, draft.Description, draft.Category, draft.Articles, draft.Actions,
            draft.Transcript.Count(l => l.Speaker == Speaker.User));
        if (kernel is null)
        {
            return assembled;
        }

        var history = new ChatHistory(SystemPrompt);
        history.AddUserMessage(Facts(draft));
        using var timeout = new CancellationTokenSource(options.Value.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var reply = await kernel.GetRequiredService<IChatCompletionService>().GetChatMessageContentAsync(history, Settings, kernel, linked.Token);
            var written = reply.Content?.Trim();

            // The model's words go into the ticket too, so they are redacted like everything else.
            return string.IsNullOrWhiteSpace(written) ? assembled : Redactor.Redact(written.Length <= 1000 ? written : written[..1000]);
        }
        catch (Exception ex) when (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested
                                   || ex is HttpOperationException or HttpRequestException or AuthenticationFailedException or KernelException
                                       or System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            logger.LogWarning(ex, "The model could not summarise a ticket; using the assembled summary");
            return assembled;
        }
    }

    private static string Facts(TicketDraft draft)
    {
        var text = new StringBuilder();
        text.Append("Employee: ").Append(draft.Requester.DisplayName).Append('\n');
        text.Append("Category: ").Append(draft.Category).Append('\n');
        text.Append("Their words: ").Append(draft.Description).Append('\n');
        foreach (var article in draft.Articles)
        {
            text.Append("Article shown: ").Append(article.Title).Append(article.Helped switch { true => " (helped)", false => " (didn't help)", _ => string.Empty }).Append('\n');
        }

        foreach (var action in draft.Actions)
        {
            text.Append("Self-help action: ").Append(action.ActionId).Append(action.Target is null ? string.Empty : $" on {action.Target}").Append(" → ").Append(action.Outcome).Append('\n');
        }

        text.Append("Conversation (most recent last):\n");
        foreach (var line in draft.Transcript.TakeLast(30))
        {
            text.Append(line.Speaker == Speaker.User ? "Employee: " : "Bot: ").Append(line.Text.Length <= 500 ? line.Text : line.Text[..500]).Append('\n');
        }

        return text.ToString();
    }
}
