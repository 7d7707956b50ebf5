using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using SupportBot.Skills.Conversation;

namespace SupportBot.Bot.Channels.Rendering;

/// <summary>
/// The one way the bot says something: renders the reply for the turn's channel and sends it. On a plain-text
/// channel it also remembers what each number stands for, so "2" answers the last list (see
/// <see cref="ChannelInputMiddleware"/>); proactive turns use it too, so a rating request is answerable by number.
/// </summary>
public sealed class ReplySender(IStorage storage)
{
    public async Task<ResourceResponse?> SendAsync(ITurnContext turn, Reply reply, CancellationToken cancellationToken)
    {
        var rendered = ReplyRenderer.Render(reply, turn.Activity.ChannelId);
        var response = await turn.SendActivityAsync(rendered.Activity, cancellationToken);
        if (ChannelFamilies.Of(turn.Activity.ChannelId) == ChannelFamily.PlainText)
        {
            var stored = new NumberedChoiceList
            {
                Items = [.. rendered.Numbered.Select(c => new StoredChoice { Number = c.Number, Text = c.Text, Submit = c.Submit?.ToString(Formatting.None) })],
            };
            await storage.WriteAsync(new Dictionary<string, object> { [KeyFor(turn.Activity)] = stored }, cancellationToken);
        }

        return response;
    }

    /// <summary>What <paramref name="number"/> meant in the last list sent to this conversation, or null.</summary>
    public async Task<NumberedChoice?> FindNumberedAsync(IActivity activity, int number, CancellationToken cancellationToken)
    {
        var key = KeyFor(activity);
        var found = await storage.ReadAsync<NumberedChoiceList>([key], cancellationToken);
        return found.TryGetValue(key, out var list) && list.Items.FirstOrDefault(i => i.Number == number) is { } item
            ? new NumberedChoice(item.Number, item.Text ?? string.Empty, item.Text, item.Submit is null ? null : JObject.Parse(item.Submit))
            : null;
    }

    private static string KeyFor(IActivity activity) => $"numbered-choices/{activity.ChannelId}/{activity.Conversation?.Id}";
}

public sealed class NumberedChoiceList
{
    public List<StoredChoice> Items { get; set; } = [];
}

public sealed class StoredChoice
{
    public int Number { get; set; }

    public string? Text { get; set; }

    public string? Submit { get; set; }
}
