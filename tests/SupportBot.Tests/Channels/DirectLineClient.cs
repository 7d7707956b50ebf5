using System.Net.Http.Headers;
using System.Text;
using Newtonsoft.Json.Linq;

namespace SupportBot.Tests.Channels;

/// <summary>Speaks the Direct Line 3.0 REST protocol to the bot, as Web Chat does.</summary>
public sealed class DirectLineClient(HttpClient http)
{
    public async Task<JObject> GetTokenAsync(string userId = "dl_test_user", string? name = "Ana Lopez")
    {
        var response = await http.PostAsync("api/directline/token", Json(new JObject { ["user"] = new JObject { ["id"] = userId, ["name"] = name } }));
        response.EnsureSuccessStatusCode();
        return JObject.Parse(await response.Content.ReadAsStringAsync());
    }

    public Task<HttpResponseMessage> StartAsync(string? token) => SendAsync(HttpMethod.Post, "v3/directline/conversations", token, null);

    public Task<HttpResponseMessage> PostActivityAsync(string conversationId, string? token, JObject activity) =>
        SendAsync(HttpMethod.Post, $"v3/directline/conversations/{conversationId}/activities", token, activity.ToString());

    public Task<HttpResponseMessage> PostRawAsync(string conversationId, string? token, string body) =>
        SendAsync(HttpMethod.Post, $"v3/directline/conversations/{conversationId}/activities", token, body);

    public Task<HttpResponseMessage> GetActivitiesAsync(string conversationId, string? token, string? watermark = null) =>
        SendAsync(HttpMethod.Get, $"v3/directline/conversations/{conversationId}/activities" + (watermark is null ? string.Empty : $"?watermark={watermark}"), token, null);

    public Task<HttpResponseMessage> RefreshAsync(string? token) => SendAsync(HttpMethod.Post, "v3/directline/tokens/refresh", token, null);

    /// <summary>Polls until the bot has sent <paramref name="count"/> messages (or the timeout, 15 s by default, passes).</summary>
    public async Task<List<JObject>> WaitForBotMessagesAsync(string conversationId, string token, int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        List<JObject> messages = [];
        while (DateTime.UtcNow < deadline)
        {
            var response = await GetActivitiesAsync(conversationId, token);
            response.EnsureSuccessStatusCode();
            var set = JObject.Parse(await response.Content.ReadAsStringAsync());
            messages = set["activities"]!.Cast<JObject>()
                .Where(a => (string?)a["from"]?["role"] == "bot" && (string?)a["type"] == "message")
                .ToList();
            if (messages.Count >= count)
            {
                break;
            }

            await Task.Delay(50);
        }

        return messages;
    }

    public static JObject Message(string text, string? from = null, string? clientActivityId = null)
    {
        var activity = new JObject { ["type"] = "message", ["text"] = text };
        if (from is not null)
        {
            activity["from"] = new JObject { ["id"] = from };
        }

        if (clientActivityId is not null)
        {
            activity["channelData"] = new JObject { ["clientActivityID"] = clientActivityId };
        }

        return activity;
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, string? body)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return http.SendAsync(request);
    }

    private static StringContent Json(JObject body) => new(body.ToString(), Encoding.UTF8, "application/json");
}
