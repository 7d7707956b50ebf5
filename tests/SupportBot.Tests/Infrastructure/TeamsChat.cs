using System.Net;
using Newtonsoft.Json.Linq;

namespace SupportBot.Tests.Infrastructure;

/// <summary>People of the sandbox's demo tenant, as Teams identifies them (Entra object ids).</summary>
public static class DemoPeople
{
    public static readonly TeamsUser Adele = new("29:adele", "Adele Vance", "fa3c0f5c-c02b-494f-af8e-5cd3c163a222");
    public static readonly TeamsUser Megan = new("29:megan", "Megan Bowen", "d138f437-d0a0-424f-83ce-8a74755230ad");
    public static readonly TeamsUser Alex = new("29:alex", "Alex Wilber", "01b8e3d6-85f1-4569-ab42-71370fa04f15");
    public static readonly TeamsUser Stranger = new("29:stranger", "Sam Stranger", "00000000-1111-2222-3333-444444444444");
}

public sealed record TeamsUser(string Id, string Name, string AadObjectId);

/// <summary>A one-to-one Teams chat with the bot: messages in through /api/messages, replies captured by the recorder.</summary>
public sealed class TeamsChat(HttpClient client, ChannelRecorder channel, TeamsUser user)
{
    public string ConversationId { get; } = Activities.NewConversationId();

    public TeamsUser User { get; } = user;

    /// <summary>Sends a message as <paramref name="from"/> (the chat's user by default) and returns the bot's messages to it.</summary>
    public Task<IReadOnlyList<JObject>> SayAsync(string text, TeamsUser? from = null) =>
        SendAsync(Activity(text, from ?? User));

    /// <summary>Sends what clicking an Action.Submit button sends in Teams: a message whose value is the button's data.</summary>
    public Task<IReadOnlyList<JObject>> SubmitAsync(JToken data, TeamsUser? from = null)
    {
        var activity = Activity(null, from ?? User);
        activity["value"] = data;
        return SendAsync(activity);
    }

    /// <summary>The messages the bot has sent to this chat so far.</summary>
    public IReadOnlyList<JObject> Messages => channel.MessagesIn(ConversationId);

    private async Task<IReadOnlyList<JObject>> SendAsync(JObject activity)
    {
        var before = channel.MessagesIn(ConversationId).Count;
        var response = await client.PostAsync(activity);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var messages = await channel.WaitForMessagesAsync(ConversationId, before + 1);
        Assert.True(messages.Count > before, $"no reply to {activity["text"] ?? activity["value"]}");
        return [.. messages.Skip(before)];
    }

    /// <summary>The Teams message activity this chat's user would send, for tests that post it themselves.</summary>
    public JObject Activity(string? text, TeamsUser? from = null)
    {
        from ??= User;
        var activity = Activities.Message(channel.ServiceUrl, ConversationId, text ?? string.Empty, userId: from.Id);
        activity["from"] = new JObject { ["id"] = from.Id, ["name"] = from.Name, ["aadObjectId"] = from.AadObjectId };
        if (text is null)
        {
            activity.Remove("text");
        }

        return activity;
    }
}

public static class ReplyExtensions
{
    /// <summary>What the replies say: their text and the text of any Adaptive Card they carry (text blocks and facts).</summary>
    public static string Text(this IEnumerable<JObject> replies) => string.Join("\n---\n", replies.Select(r =>
        string.Join('\n', new[] { (string?)r["text"] }.Concat(Cards(r).SelectMany(c => CardText(c["body"]))))));

    /// <summary>
    /// The messages the replies' buttons send: suggested actions, and the card buttons Teams turns into messages
    /// (messageBack). A confirmation card's confirm/cancel buttons are read with <see cref="ConfirmData"/>.
    /// </summary>
    public static IReadOnlyList<string> Buttons(this IEnumerable<JObject> replies) =>
        [.. replies.SelectMany(r => (r["suggestedActions"]?["actions"]?.Select(a => (string)a["value"]!) ?? [])
            .Concat(Cards(r).SelectMany(c => c["actions"] as JArray ?? [])
                .Select(a => (string?)a["data"]?["msteams"]?["text"]).OfType<string>()))];

    /// <summary>The Adaptive Cards the replies carry.</summary>
    public static IEnumerable<JObject> Cards(this JObject reply) =>
        (reply["attachments"] as JArray ?? [])
            .Where(a => (string?)a["contentType"] == "application/vnd.microsoft.card.adaptive")
            .Select(a => a["content"]).OfType<JObject>();

    private static IEnumerable<string> CardText(JToken? element) => element switch
    {
        JArray array => array.SelectMany(CardText),
        JObject { } o when (string?)o["type"] == "TextBlock" => [(string?)o["text"] ?? string.Empty],
        JObject { } o when (string?)o["type"] == "FactSet" => (o["facts"] as JArray ?? []).Select(f => $"{f["title"]}: {f["value"]}"),
        JObject { } o => CardText(o["items"]).Concat(CardText(o["columns"])).Concat(CardText(o["body"])),
        _ => [],
    };

    /// <summary>The article links the replies cite.</summary>
    public static IReadOnlyList<string> CitedUrls(this IEnumerable<JObject> replies) =>
        [.. replies.SelectMany(r => r["entities"] as JArray ?? [])
            .SelectMany(e => e["citation"] as JArray ?? [])
            .Select(c => (string?)c["appearance"]?["url"])
            .OfType<string>()];

    /// <summary>The data of a confirmation card's confirm (or cancel) button.</summary>
    public static JObject ConfirmData(this IEnumerable<JObject> replies, bool approved = true)
    {
        var card = replies.SelectMany(r => r["attachments"] ?? new JArray())
            .Single(a => (string?)a["contentType"] == "application/vnd.microsoft.card.adaptive")["content"]!;
        return (JObject)card["actions"]!.Select(a => a["data"]!)
            .Single(d => (string?)d["kind"] == "selfhelp.confirm" && (bool)d["approved"]! == approved).DeepClone();
    }
}
