using Microsoft.Bot.Builder;
using SupportBot.Skills.Insights;
using SupportBot.Skills.Knowledge;
using SupportBot.Skills.SelfHelp;

namespace SupportBot.Bot.Admin;

/// <summary>
/// What a turn tells the insight page, one call per event. Each call only builds a small record and hands it to the
/// recorder's bounded queue: no I/O on the turn. The conversation is named by an opaque key, never the user's id.
/// </summary>
public sealed class TurnInsights(IInsightsRecorder recorder, TimeProvider time)
{
    /// <summary>A question and how the knowledge base met it.</summary>
    public void Question(ITurnContext turn, string question, KnowledgeAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(answer);
        var (key, channel, at) = Where(turn);
        var outcome = answer.Kind switch
        {
            AnswerKind.Answer => QuestionOutcome.Answered,
            AnswerKind.Clarify => QuestionOutcome.Clarified,
            _ => QuestionOutcome.NoMatch,
        };
        var article = outcome == QuestionOutcome.Answered ? answer.Article : null;
        recorder.Record(new QuestionAsked(key, channel, at, question, outcome, article?.Id, article?.Category, Names(turn)));
    }

    /// <summary>"That fixed it" or "Still stuck" on the article last shown, for the question that led to it.</summary>
    public void Feedback(ITurnContext turn, string articleId, bool helpful, string? question)
    {
        ArgumentNullException.ThrowIfNull(turn);
        var (key, channel, at) = Where(turn);
        recorder.Record(new FeedbackGiven(key, channel, at, articleId, helpful, question, Names(turn)));
    }

    /// <summary>How a self-help action ended; a confirmation card still waiting is not an outcome yet.</summary>
    public void Action(ITurnContext turn, ActionReply reply)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(reply);
        if (reply.ActionId is not { } actionId || reply.Outcome == AuditOutcome.AwaitingConfirmation)
        {
            return;
        }

        var (key, channel, at) = Where(turn);
        recorder.Record(new ActionRun(key, channel, at, actionId, reply.Outcome.ToString()));
    }

    /// <summary>An escalation sent to the technicians: filed now (<paramref name="ticketCreated"/>) or queued.</summary>
    public void Escalation(ITurnContext turn, string category, bool ticketCreated)
    {
        ArgumentNullException.ThrowIfNull(turn);
        var (key, channel, at) = Where(turn);
        recorder.Record(new Escalated(key, channel, at, category, ticketCreated));
    }

    private (string Key, string Channel, DateTimeOffset At) Where(ITurnContext turn)
    {
        var at = time.GetUtcNow();
        var channel = turn.Activity.ChannelId ?? "unknown";
        return (ConversationKeys.For(channel, turn.Activity.Conversation?.Id ?? string.Empty, at), channel, at);
    }

    // The asker's own name, as the channel gives it: taken out of the stored question text.
    private static string[] Names(ITurnContext turn) =>
        turn.Activity.From?.Name is { Length: > 0 } name ? [name] : [];
}
