using Microsoft.Bot.Builder;

namespace SupportBot.Bot.State;

/// <summary>
/// Conversation state written at the end of every turn that loaded it. The Bot Framework's own BotState serialises
/// the whole state once more to find out whether it changed and a third time after writing it; a message turn
/// nearly always changes it (the last question, the articles shown), so the two extra passes only cost time.
/// Turns of one conversation are serialised by the turn gate, so an unchanged write overwrites nothing newer.
/// </summary>
public sealed class EveryTurnConversationState : ConversationState
{
    private readonly IStorage _storage;

    public EveryTurnConversationState(IStorage storage)
        : base(storage) => _storage = storage;

    public override async Task SaveChangesAsync(ITurnContext turnContext, bool force = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        if (GetCachedState(turnContext) is { } cached)
        {
            await _storage.WriteAsync(new Dictionary<string, object> { [GetStorageKey(turnContext)] = cached.State }, cancellationToken).ConfigureAwait(false);
        }
    }
}
