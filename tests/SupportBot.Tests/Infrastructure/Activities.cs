using System.Net.Http.Headers;
using System.Text;
using Newtonsoft.Json.Linq;

namespace SupportBot.Tests.Infrastructure;

/// <summary>Activities as a Bot Framework channel posts them to /api/messages.</summary>
public static class Activities
{
    public static JObject Message(string serviceUrl, string conversationId, string text, string? id = null, string userId = "user-1", string channelId = "msteams") => new()
    {
        ["type"] = "message",
        ["id"] = id ?? Guid.NewGuid().ToString("N"),
        ["channelId"] = channelId,
        ["serviceUrl"] = serviceUrl,
        ["timestamp"] = DateTimeOffset.UtcNow.ToString("O"),
        ["from"] = new JObject { ["id"] = userId, ["name"] = "Ana Lopez" },
        ["recipient"] = new JObject { ["id"] = "bot-1", ["name"] = "SupportBot" },
        ["conversation"] = new JObject { ["id"] = conversationId },
        ["text"] = text,
    };

    public static JObject MembersAdded(string serviceUrl, string conversationId, string userId = "user-1", string channelId = "msteams") => new()
    {
        ["type"] = "conversationUpdate",
        ["id"] = Guid.NewGuid().ToString("N"),
        ["channelId"] = channelId,
        ["serviceUrl"] = serviceUrl,
        ["from"] = new JObject { ["id"] = userId, ["name"] = "Ana Lopez" },
        ["recipient"] = new JObject { ["id"] = "bot-1", ["name"] = "SupportBot" },
        ["conversation"] = new JObject { ["id"] = conversationId },
        ["membersAdded"] = new JArray(
            new JObject { ["id"] = "bot-1", ["name"] = "SupportBot" },
            new JObject { ["id"] = userId, ["name"] = "Ana Lopez" }),
    };

    public static Task<HttpResponseMessage> PostAsync(this HttpClient client, JObject activity, string? bearer = null) =>
        client.PostRawAsync("api/messages", activity.ToString(), bearer);

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string path, string body, string? bearer = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client.SendAsync(request);
    }

    public static string NewConversationId() => "conv-" + Guid.NewGuid().ToString("N");
}
