using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Teams;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.Options;
using SupportBot.Bot.Admin;
using SupportBot.Bot.Channels;
using SupportBot.Bot.Channels.Rendering;
using SupportBot.Bot.Knowledge;
using SupportBot.Bot.SelfHelp;
using SupportBot.Bot.Tickets;
using SupportBot.Skills.Conversation;
using SupportBot.Skills.HelpDesk;
using SupportBot.Skills.Knowledge;
using SupportBot.Skills.Knowledge.Generative;
using SupportBot.Skills.SelfHelp;
using SupportBot.Skills.Tickets;

namespace SupportBot.Bot.Conversation;

/// <summary>
/// Routes each turn to the capability that handles it. It holds no IT knowledge itself: that lives in skills/.
/// </summary>
public sealed class SupportBotActivityHandler(
    ConversationState conversationState,
    HelpDeskProfile helpDesk,
    KnowledgeAnswerer knowledge,
    GenerativeAnswerer generative,
    IKnowledgeSource knowledgeSource,
    IKnowledgeFeedback feedback,
    ArticleLinks links,
    SelfHelpService selfHelp,
    SelfHelpPlanner planner,
    SelfHelpRunner runner,
    EscalationConversation escalation,
    TechnicianChannel technicianChannel,
    ReplySender sender,
    ConversationReferences references,
    IStoryStore stories,
    IOptions<SelfHelpOptions> selfHelpOptions,
    TimeProvider timeProvider,
    TurnInsights insights,
    ILogger<SupportBotActivityHandler> logger) : TeamsActivityHandler
{
    // Enough for any real question; a pasted log or essay is cut before searching.
    private const int MaxQuestionLength = 1000;

    private readonly IStatePropertyAccessor<ConversationData> _conversationData =
        conversationState.CreateProperty<ConversationData>(nameof(ConversationData));

    public override async Task OnTurnAsync(ITurnContext turnContext, CancellationToken cancellationToken = default)
    {
        await base.OnTurnAsync(turnContext, cancellationToken);
        await conversationState.SaveChangesAsync(turnContext, force: false, cancellationToken);
        if (turnContext.TurnState.Get<ConversationData>() is { Transcript.Lines.Count: > 0 } data)
        {
            await SaveStoryAsync(turnContext, data, cancellationToken);
        }
    }

    // The story is worth keeping but not worth failing a turn that has already been answered.
    private async Task SaveStoryAsync(ITurnContext turnContext, ConversationData data, CancellationToken cancellationToken)
    {
        try
        {
            await stories.AppendAsync(ConversationData.StoryKey(turnContext.Activity), data.Transcript.Lines, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Could not keep {Count} line(s) of the conversation's story on {ChannelId}", data.Transcript.Lines.Count, turnContext.Activity.ChannelId);
        }
    }

    // The conversation's state for this turn, also left in the turn state for the story's save at the end.
    private async Task<ConversationData> DataAsync(ITurnContext turnContext, CancellationToken cancellationToken)
    {
        var data = await _conversationData.GetAsync(turnContext, () => new ConversationData(), cancellationToken);
        turnContext.TurnState.Set(data);
        return data;
    }

    // Teams: the app was installed in a personal chat, a group chat or a team.
    protected override Task OnInstallationUpdateAddAsync(ITurnContext<IInstallationUpdateActivity> turnContext, CancellationToken cancellationToken) =>
        WelcomeAsync(turnContext, null, cancellationToken);

    // Uninstalled: proactive messages to this conversation would be refused, so its reference is retired now.
    protected override Task OnInstallationUpdateRemoveAsync(ITurnContext<IInstallationUpdateActivity> turnContext, CancellationToken cancellationToken) =>
        references.RetireAsync(turnContext.Activity.GetConversationReference(), "the app was uninstalled", cancellationToken);

    // Teams would look up every joining member's profile first; the welcome needs none of it (a big team can add hundreds).
    protected override Task OnTeamsMembersAddedDispatchAsync(
        IList<ChannelAccount> membersAdded, Microsoft.Bot.Schema.Teams.TeamInfo teamInfo, ITurnContext<IConversationUpdateActivity> turnContext, CancellationToken cancellationToken) =>
        OnMembersAddedAsync(membersAdded, turnContext, cancellationToken);

    protected override async Task OnMembersAddedAsync(
        IList<ChannelAccount> membersAdded,
        ITurnContext<IConversationUpdateActivity> turnContext,
        CancellationToken cancellationToken)
    {
        var botId = turnContext.Activity.Recipient?.Id;
        var botAdded = membersAdded.Any(m => m.Id == botId);
        if (turnContext.Activity.Conversation?.ConversationType is "channel" or "groupChat")
        {
            // In a team or group chat the bot says hello once, when it is added — not to every person who joins.
            if (botAdded)
            {
                await WelcomeAsync(turnContext, null, cancellationToken);
            }

            return;
        }

        var newcomer = membersAdded.FirstOrDefault(m => m.Id != botId);
        if (newcomer is not null || botAdded)
        {
            await WelcomeAsync(turnContext, newcomer?.Name, cancellationToken);
        }
    }

    private async Task WelcomeAsync(ITurnContext turnContext, string? name, CancellationToken cancellationToken)
    {
        var data = await DataAsync(turnContext, cancellationToken);
        if (data.WelcomedAt is not null)
        {
            return;
        }

        data.WelcomedAt = timeProvider.GetUtcNow();
        await SendAsync(turnContext, data, Reply.Say(helpDesk.Welcome(name)), cancellationToken);
    }

    // Claim / Reply / Resolve on a ticket card in the technicians' Teams channel (Action.Execute).
    protected override async Task<AdaptiveCardInvokeResponse> OnAdaptiveCardInvokeAsync(
        ITurnContext<IInvokeActivity> turnContext, AdaptiveCardInvokeValue invokeValue, CancellationToken cancellationToken) =>
        invokeValue.Action?.Verb?.StartsWith("ticket.", StringComparison.Ordinal) == true
            ? await technicianChannel.HandleAsync(turnContext, invokeValue, cancellationToken)
            : await base.OnAdaptiveCardInvokeAsync(turnContext, invokeValue, cancellationToken);

    protected override async Task OnMessageActivityAsync(ITurnContext<IMessageActivity> turnContext, CancellationToken cancellationToken)
    {
        var data = await DataAsync(turnContext, cancellationToken);
        if (SelfHelpReplies.ReadSubmit(turnContext.Activity) is { } submit)
        {
            await ConfirmActionAsync(turnContext, data, submit, cancellationToken);
            return;
        }

        await references.RememberAsync(turnContext, data, cancellationToken);
        var text = turnContext.Activity.Text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            await SendAsync(turnContext, data, NothingToRead(turnContext.Activity), cancellationToken);
            return;
        }

        data.Transcript.Add(Speaker.User, text, timeProvider.GetUtcNow());
        logger.LogDebug("Message {ActivityId} received on {ChannelId}", turnContext.Activity.Id, turnContext.Activity.ChannelId);

        // A live chat with a technician, a handoff being prepared, a ticket's status or rating.
        if (await escalation.TryHandleAsync(turnContext, data, text, cancellationToken))
        {
            return;
        }

        if (await TryPickChoiceAsync(turnContext, data, text, cancellationToken) ||
            await TryRecordFeedbackAsync(turnContext, data, text, cancellationToken))
        {
            return;
        }

        // "2" with no list to pick from (it expired, or the user answered an old message).
        if (text.Length <= 3 && text.All(char.IsAsciiDigit))
        {
            await SendAsync(turnContext, data, $"I'm not sure what \"{text}\" answers — there's no list waiting for a number. Tell me in a sentence what you need.", cancellationToken);
            return;
        }

        if (SupportTelemetry.Understand(SmallTalk.Recognise, text) is { } smallTalk)
        {
            await SendAsync(turnContext, data, KnowledgeReplies.SmallTalkReply(smallTalk, helpDesk), cancellationToken);
            return;
        }

        var question = text.Length <= MaxQuestionLength ? text : text[..MaxQuestionLength];
        if (await TryActionAsync(turnContext, data, question, cancellationToken))
        {
            return;
        }

        // "Could you…" goes to the model first; anything else only when the knowledge base has no confident answer.
        if (RequestRecognizer.LooksLikeRequest(question) && await TryPlannedActionAsync(turnContext, data, question, cancellationToken))
        {
            return;
        }

        var answer = await knowledge.AnswerAsync(question, cancellationToken);
        if (answer.Kind != AnswerKind.Answer && !RequestRecognizer.LooksLikeRequest(question) &&
            await TryPlannedActionAsync(turnContext, data, question, cancellationToken))
        {
            return;
        }

        data.LastQuestion = question;
        insights.Question(turnContext, question, answer);
        switch (answer.Kind)
        {
            case AnswerKind.Answer:
                data.Misses = 0;
                await AnswerAsync(turnContext, data, answer, question, cancellationToken);
                break;
            case AnswerKind.Clarify:
                data.PendingChoices = [.. answer.Choices.Select(c => c.Id)];
                await SendAsync(turnContext, data, KnowledgeReplies.Clarify(answer), cancellationToken);
                break;
            default:
                data.LastArticleId = null;
                data.Misses++;
                await SendAsync(turnContext, data, OfferATechnicianAfterMisses(KnowledgeReplies.NoMatch(helpDesk), data), cancellationToken);
                break;
        }
    }

    // Plain requests ("install visio", "sign me out everywhere", "is outlook down?").
    private async Task<bool> TryActionAsync(ITurnContext turnContext, ConversationData data, string text, CancellationToken cancellationToken)
    {
        var caller = CallerResolver.Resolve(turnContext);
        var correlationId = CorrelationId(turnContext);
        if (SupportTelemetry.Understand(RequestRecognizer.Recognise, text) is { } request)
        {
            await turnContext.SendActivityAsync(new Activity(ActivityTypes.Typing), cancellationToken);
            var reply = await runner.RunAsync(turnContext, ct => selfHelp.RequestAsync(caller, request, correlationId, ct), cancellationToken);
            if (reply is not null)
            {
                await SendActionReplyAsync(turnContext, data, text, reply, cancellationToken);
            }

            return true;
        }

        return false;
    }

    // With an LLM configured, wording the rules don't know ("which gadgets are enrolled for me?") may still be an action.
    private async Task<bool> TryPlannedActionAsync(ITurnContext turnContext, ConversationData data, string text, CancellationToken cancellationToken)
    {
        if (!planner.IsEnabled)
        {
            return false;
        }

        await turnContext.SendActivityAsync(new Activity(ActivityTypes.Typing), cancellationToken);
        var replies = await planner.PlanAsync(CallerResolver.Resolve(turnContext), text, CorrelationId(turnContext), cancellationToken);
        foreach (var reply in replies)
        {
            insights.Action(turnContext, reply);
            await SendAsync(turnContext, data, SelfHelpReplies.Render(reply), cancellationToken);
        }

        return replies.Count > 0;
    }

    private async Task ConfirmActionAsync(ITurnContext turnContext, ConversationData data, ConfirmationSubmit submit, CancellationToken cancellationToken)
    {
        var caller = CallerResolver.Resolve(turnContext);
        data.Transcript.Add(Speaker.User, submit.Approved ? "(confirmed on the card)" : "(cancelled on the card)", timeProvider.GetUtcNow());
        var reply = await runner.RunAsync(turnContext, ct => selfHelp.ConfirmAsync(caller, submit, CorrelationId(turnContext), ct), cancellationToken);
        if (reply is not null)
        {
            await SendActionReplyAsync(turnContext, data, data.LastQuestion ?? string.Empty, reply, cancellationToken);
        }
    }

    private async Task SendActionReplyAsync(ITurnContext turnContext, ConversationData data, string question, ActionReply reply, CancellationToken cancellationToken)
    {
        data.LastQuestion = question;
        if (reply.ActionId is { } actionId)
        {
            data.Remember(new ActionTried(actionId, reply.Target, reply.Outcome.ToString()));
            insights.Action(turnContext, reply);
        }

        if (reply.TryKnowledgeInstead && question.Length > 0 &&
            await knowledge.AnswerAsync(question, cancellationToken) is { Kind: AnswerKind.Answer } answer &&
            (reply.KnowledgeSubject is null || IsAbout(answer.Article!, reply.KnowledgeSubject)))
        {
            // "Outlook is down" with no known outage: say so, then the troubleshooting article.
            if (reply.Outcome == AuditOutcome.Succeeded)
            {
                await SendAsync(turnContext, data, SelfHelpReplies.Render(reply), cancellationToken);
            }

            await AnswerAsync(turnContext, data, answer, question, cancellationToken);
            return;
        }

        await SendAsync(turnContext, data, SelfHelpReplies.Render(reply), cancellationToken);
        if (reply.NextArticleId is { } articleId && knowledgeSource.Current.Find(articleId) is not null)
        {
            await AnswerAsync(turnContext, data, knowledge.AnswerWith(articleId, question), question, cancellationToken);
        }
    }

    // "install the printer" is about the printer article; "install fortnite" is not about the generic software one.
    private static bool IsAbout(KnowledgeArticle article, string subject)
    {
        var words = subject.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => w.Length > 2).ToList();
        return words.Count > 0 && words.All(w =>
            article.Title.Contains(w, StringComparison.OrdinalIgnoreCase) ||
            article.Tags.Any(t => t.Contains(w, StringComparison.OrdinalIgnoreCase)));
    }

    private static string CorrelationId(ITurnContext turnContext) =>
        string.IsNullOrEmpty(turnContext.Activity.Id) ? Guid.NewGuid().ToString("N") : turnContext.Activity.Id;

    private async Task<bool> TryPickChoiceAsync(ITurnContext turnContext, ConversationData data, string text, CancellationToken cancellationToken)
    {
        if (data.PendingChoices.Count == 0)
        {
            return false;
        }

        var choices = data.PendingChoices;
        data.PendingChoices = [];
        var index = knowledgeSource.Current;
        var picked = choices.Select(index.Find).FirstOrDefault(a => a is not null && string.Equals(a.Title, text, StringComparison.OrdinalIgnoreCase));
        if (picked is not null)
        {
            var question = data.LastQuestion ?? text;
            await AnswerAsync(turnContext, data, knowledge.AnswerWith(picked.Id, question), question, cancellationToken);
            return true;
        }

        if (string.Equals(text, "Neither of these", StringComparison.OrdinalIgnoreCase))
        {
            data.Misses++;
            await SendAsync(turnContext, data, OfferATechnicianAfterMisses(KnowledgeReplies.NoMatch(helpDesk), data), cancellationToken);
            return true;
        }

        return false;
    }

    // Written from the passages when an LLM is configured and its answer is grounded; otherwise the passage itself.
    private async Task AnswerAsync(ITurnContext turnContext, ConversationData data, KnowledgeAnswer answer, string question, CancellationToken cancellationToken)
    {
        using var _ = SupportTelemetry.Stage(SupportStage.Answer);
        var baseUrl = links.BaseUrlFor(turnContext.Activity);
        if (generative.IsEnabled)
        {
            await turnContext.SendActivityAsync(new Activity(ActivityTypes.Typing), cancellationToken);
            if (await generative.WriteAsync(question, answer, cancellationToken) is { } written)
            {
                data.LastArticleId = written.Citations[0].Source.Article.Id;
                data.Remember(new ArticleShown(written.Citations[0].Source.Article.Id, written.Citations[0].Source.Article.Title, null));
                await SendAsync(turnContext, data, WithActions(KnowledgeReplies.Generated(written, baseUrl), written.Citations[0].Source.Article), cancellationToken);
                return;
            }
        }

        data.LastArticleId = answer.Article!.Id;
        data.Remember(new ArticleShown(answer.Article.Id, answer.Article.Title, null));
        await SendAsync(turnContext, data, WithActions(KnowledgeReplies.Answer(answer, baseUrl), answer.Article), cancellationToken);
    }

    // Two questions in a row the knowledge base couldn't answer: a person is the better next step.
    private static Reply OfferATechnicianAfterMisses(Reply reply, ConversationData data) =>
        data.Misses >= 2 ? reply.WithChoices(SelfHelpReplies.TalkToTechnician) : reply;

    // The actions an article offers (its "actions:" list) become buttons next to the feedback ones.
    private Reply WithActions(Reply reply, KnowledgeArticle article)
    {
        var offered = article.Actions
            .Select(SelfHelpActions.Find)
            .OfType<SelfHelpAction>()
            .Where(a => selfHelpOptions.Value.IsEnabled(a.Id))
            .Select(a => new ReplyChoice(a.Title, a.Phrase));
        return reply with { Choices = [.. offered, .. reply.Choices] };
    }

    private async Task<bool> TryRecordFeedbackAsync(ITurnContext turnContext, ConversationData data, string text, CancellationToken cancellationToken)
    {
        var helpful = string.Equals(text, KnowledgeReplies.FixedIt, StringComparison.OrdinalIgnoreCase);
        if (!helpful && !string.Equals(text, KnowledgeReplies.StillStuck, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (data.LastArticleId is { } articleId)
        {
            if (data.ArticlesShown.FirstOrDefault(a => a.ArticleId == articleId) is { } shown)
            {
                data.Remember(shown with { Helped = helpful });
            }

            insights.Feedback(turnContext, articleId, helpful, data.LastQuestion);
            await feedback.RecordAsync(
                new ArticleFeedback(articleId, data.LastQuestion ?? string.Empty, helpful, turnContext.Activity.ChannelId, timeProvider.GetUtcNow()),
                cancellationToken);
        }

        if (helpful)
        {
            SupportTelemetry.ConfirmedFixed();
            await SendAsync(turnContext, data, KnowledgeReplies.Helped(), cancellationToken);
        }
        else
        {
            // "Still stuck": straight to what a technician would get (routed by the article's category), so the
            // employee can send it in one click.
            await escalation.OfferAsync(turnContext, data, cancellationToken);
        }

        data.LastArticleId = null;
        return true;
    }

    // A file or picture with no words, a card submit the bot doesn't know, or just "@SupportBot".
    private static Reply NothingToRead(IMessageActivity activity)
    {
        if (activity.Attachments?.Where(a => a.ContentType is not null && !a.ContentType.StartsWith("text/html", StringComparison.Ordinal)).ToList() is { Count: > 0 } files)
        {
            var names = string.Join(", ", files.Select(f => f.Name).OfType<string>().Take(3));
            return Reply.Say(
                $"I can't open files or pictures{(names.Length > 0 ? $" ({names})" : string.Empty)}, sorry. Tell me in a sentence what's wrong — " +
                "for example the error message you see — and if a technician needs the file, I'll open a ticket you can attach it to.");
        }

        return activity.Value is not null
            ? Reply.Say("That button is from a card I can't act on any more. Tell me in a sentence what you need.")
            : Reply.Say("Yes? Tell me in a sentence what's wrong, for example \"my laptop won't connect to the Wi-Fi\".");
    }

    private Task SendAsync(ITurnContext turnContext, ConversationData data, string text, CancellationToken cancellationToken) =>
        SendAsync(turnContext, data, Reply.Say(text), cancellationToken);

    private async Task SendAsync(ITurnContext turnContext, ConversationData data, Reply reply, CancellationToken cancellationToken)
    {
        await sender.SendAsync(turnContext, reply, cancellationToken);
        data.Transcript.Add(Speaker.Bot, reply.ToPlainText(), timeProvider.GetUtcNow());
    }
}
