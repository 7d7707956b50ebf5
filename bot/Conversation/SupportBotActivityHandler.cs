using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Teams;
using Microsoft.Bot.Schema;
using SupportBot.Skills.Conversation;
using SupportBot.Skills.HelpDesk;

namespace SupportBot.Bot.Conversation;

/// <summary>
/// Routes each turn to the capability that handles it. It holds no IT knowledge itself: that lives in skills/.
/// </summary>
public sealed class SupportBotActivityHandler(
    ConversationState conversationState,
    HelpDeskProfile helpDesk,
    TimeProvider timeProvider,
    ILogger<SupportBotActivityHandler> logger) : TeamsActivityHandler
{
    private const int MaxQuotedLength = 300;

    private readonly IStatePropertyAccessor<ConversationData> _conversationData =
        conversationState.CreateProperty<ConversationData>(nameof(ConversationData));

    public override async Task OnTurnAsync(ITurnContext turnContext, CancellationToken cancellationToken = default)
    {
        await base.OnTurnAsync(turnContext, cancellationToken);
        await conversationState.SaveChangesAsync(turnContext, force: false, cancellationToken);
    }

    protected override async Task OnMembersAddedAsync(
        IList<ChannelAccount> membersAdded,
        ITurnContext<IConversationUpdateActivity> turnContext,
        CancellationToken cancellationToken)
    {
        var botId = turnContext.Activity.Recipient?.Id;
        var newcomer = membersAdded.FirstOrDefault(m => m.Id != botId);
        if (newcomer is null)
        {
            return;
        }

        var data = await _conversationData.GetAsync(turnContext, () => new ConversationData(), cancellationToken);
        if (data.WelcomedAt is not null)
        {
            return;
        }

        data.WelcomedAt = timeProvider.GetUtcNow();
        await SendAsync(turnContext, data, helpDesk.Welcome(newcomer.Name), cancellationToken);
    }

    protected override async Task OnMessageActivityAsync(ITurnContext<IMessageActivity> turnContext, CancellationToken cancellationToken)
    {
        var data = await _conversationData.GetAsync(turnContext, () => new ConversationData(), cancellationToken);
        var text = turnContext.Activity.Text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            await SendAsync(turnContext, data, "I can only read text messages for now. Tell me in a sentence what's wrong.", cancellationToken);
            return;
        }

        data.Transcript.Add(Speaker.User, text, timeProvider.GetUtcNow());
        logger.LogDebug("Message {ActivityId} received on {ChannelId}", turnContext.Activity.Id, turnContext.Activity.ChannelId);

        var quoted = text.Length <= MaxQuotedLength ? text : string.Concat(text.AsSpan(0, MaxQuotedLength), "…");
        var reply = $"I've noted your message: \"{quoted}\". I can't look up answers yet, so I won't guess. " +
                    helpDesk.HowToReachAPerson();
        await SendAsync(turnContext, data, reply, cancellationToken);
    }

    private async Task SendAsync(ITurnContext turnContext, ConversationData data, string text, CancellationToken cancellationToken)
    {
        await turnContext.SendActivityAsync(MessageFactory.Text(text), cancellationToken);
        data.Transcript.Add(Speaker.Bot, text, timeProvider.GetUtcNow());
    }
}
