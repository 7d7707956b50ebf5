using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.Options;
using SupportBot.Bot.Channels.Rendering;
using SupportBot.Bot.Hosting;
using SupportBot.Skills.Conversation;
using SupportBot.Skills.SelfHelp;

namespace SupportBot.Bot.SelfHelp;

/// <summary>
/// Runs an action inside a chat turn's patience: when it's quick the reply comes in the turn; when Graph is slow the
/// caller hears "still working" and the result arrives proactively in the same conversation, so the channel is never
/// held longer than <see cref="SelfHelpOptions.TurnBudget"/>.
/// </summary>
public sealed class SelfHelpRunner(
    SupportBotAdapter adapter,
    ReplySender sender,
    IOptions<SelfHelpOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<SelfHelpRunner> logger)
{
    private readonly List<Task> _background = [];
    private readonly Lock _gate = new();

    /// <summary>Work still finishing in the background (for orderly shutdown and tests).</summary>
    public Task WhenIdleAsync()
    {
        lock (_gate)
        {
            return Task.WhenAll(_background);
        }
    }

    /// <summary>The reply to send now, or null when it will be sent later, proactively.</summary>
    public async Task<ActionReply?> RunAsync(ITurnContext turnContext, Func<CancellationToken, Task<ActionReply>> action, CancellationToken cancellationToken)
    {
        // Not the turn's token: if the channel gives up on the turn, the action still finishes and reports back.
        var work = action(lifetime.ApplicationStopping);
        var budget = Task.Delay(options.Value.TurnBudget, time, cancellationToken);
        if (await Task.WhenAny(work, budget) == work)
        {
            return await work;
        }

        var reference = turnContext.Activity.GetConversationReference();
        await sender.SendAsync(
            turnContext,
            Reply.Say("Microsoft 365 is taking longer than usual. I'm still on it and will message you here when it's done."),
            cancellationToken);
        Track(FinishLaterAsync(work, reference));
        return null;
    }

    private async Task FinishLaterAsync(Task<ActionReply> work, ConversationReference reference)
    {
        Reply reply;
        try
        {
            reply = SelfHelpReplies.Render(await work);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "A self-help action failed after its turn ended");
            reply = Reply.Say("Sorry — that didn't finish because of an error on my side. Nothing more will happen; please ask again or contact the help desk.");
        }

        try
        {
            await adapter.ContinueAsync(reference, (tc, ct) => sender.SendAsync(tc, reply, ct), lifetime.ApplicationStopping);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Could not deliver a late self-help reply to conversation {ConversationId}", reference.Conversation?.Id);
        }
    }

    private void Track(Task task)
    {
        lock (_gate)
        {
            _background.RemoveAll(t => t.IsCompleted);
            _background.Add(task);
        }
    }
}
