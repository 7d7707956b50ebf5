using System.Net;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Newtonsoft.Json;
using SupportBot.Bot.Conversation;

namespace SupportBot.Bot.Channels;

/// <summary>
/// Where the bot can reach each person later (a ticket update, a technician's message): the reference of the last
/// conversation they talked to the bot in, saved once per conversation. A conversation the bot can no longer post to
/// (403 "bot not in conversation", 404 conversation gone, the app uninstalled) is retired: it is never tried again,
/// and the person is reached in a newer conversation if they have one.
/// </summary>
public sealed class ConversationReferences(IStorage storage, ILogger<ConversationReferences> logger)
{
    public async Task RememberAsync(ITurnContext turn, ConversationData data, CancellationToken cancellationToken)
    {
        var activity = turn.Activity;
        // Only one-to-one chats: a ticket update must not be posted into a team channel for everyone to read.
        if (data.ReferenceStored || string.IsNullOrEmpty(activity.From?.Id) || activity.Conversation?.Id is null ||
            activity.Conversation.ConversationType is "channel" or "groupChat" || activity.Conversation.IsGroup == true)
        {
            return;
        }

        var reference = activity.GetConversationReference();
        await storage.WriteAsync(
            new Dictionary<string, object> { [UserKey(activity.ChannelId, activity.From.Id)] = new StoredReference { Json = JsonConvert.SerializeObject(reference) } },
            cancellationToken);
        data.ReferenceStored = true;
    }

    /// <summary>The newest live reference for the person, else <paramref name="fallback"/> unless it was retired; null when none is usable.</summary>
    public async Task<ConversationReference?> FindAsync(string? channelId, string? userId, ConversationReference? fallback, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        if (!string.IsNullOrEmpty(userId))
        {
            keys.Add(UserKey(channelId, userId));
        }

        if (fallback?.Conversation?.Id is { } conversationId)
        {
            keys.Add(RetiredKey(fallback.ChannelId, conversationId));
        }

        var found = await storage.ReadAsync(keys.ToArray(), cancellationToken);
        if (keys.Count > 0 && found.TryGetValue(keys[0], out var stored) && stored is StoredReference { Json: { } json } &&
            JsonConvert.DeserializeObject<ConversationReference>(json) is { } latest)
        {
            return latest;
        }

        return fallback?.Conversation?.Id is { } id && !found.ContainsKey(RetiredKey(fallback.ChannelId, id)) ? fallback : null;
    }

    /// <summary>Never post to this conversation again (logged once, with the reason).</summary>
    public async Task RetireAsync(ConversationReference reference, string reason, CancellationToken cancellationToken)
    {
        if (reference.Conversation?.Id is not { } conversationId)
        {
            return;
        }

        logger.LogWarning("Retired the conversation reference for {ChannelId} conversation {ConversationId}: {Reason}", reference.ChannelId, conversationId, reason);
        await storage.WriteAsync(new Dictionary<string, object> { [RetiredKey(reference.ChannelId, conversationId)] = new StoredReference() }, cancellationToken);
        if (reference.User?.Id is { } userId)
        {
            var key = UserKey(reference.ChannelId, userId);
            var current = await storage.ReadAsync([key], cancellationToken);
            if (current.TryGetValue(key, out var stored) && stored is StoredReference { Json: { } json } &&
                JsonConvert.DeserializeObject<ConversationReference>(json)?.Conversation?.Id == conversationId)
            {
                await storage.DeleteAsync([key], cancellationToken);
            }
        }
    }

    /// <summary>The connector said the bot can't post to this conversation any more (as opposed to a passing failure).</summary>
    public static bool IsGone(Exception exception) =>
        exception is ErrorResponseException { Response.StatusCode: HttpStatusCode.Forbidden or HttpStatusCode.NotFound };

    private static string UserKey(string? channelId, string userId) => $"references/user/{channelId}/{userId}";

    private static string RetiredKey(string? channelId, string conversationId) => $"references/retired/{channelId}/{conversationId}";
}

public sealed class StoredReference
{
    public string? Json { get; set; }
}
