using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json;
using SupportBot.Bot.Technicians;
using SupportBot.Skills.Conversation;
using SupportBot.Skills.Tickets;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.Technicians;

/// <summary>A technician's browser, as far as HTTP goes: its own cookies, no automatic redirects.</summary>
internal sealed partial class ConsoleClient : IDisposable
{
    private readonly HttpClient _http;

    public ConsoleClient(BotHost host)
    {
        Cookies = new CookieContainer();
        _http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, UseCookies = true, AllowAutoRedirect = false })
        {
            BaseAddress = host.BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    public CookieContainer Cookies { get; }

    /// <summary>The antiforgery token the console sends with changes (from <c>GET /api/technician/session</c>).</summary>
    public string? ApiToken { get; private set; }

    public static async Task<ConsoleClient> SignedInAsync(BotHost host, string userName, string password)
    {
        var client = new ConsoleClient(host);
        var response = await client.SignInAsync(userName, password);
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        using var session = await client.GetAsync("api/technician/session");
        Assert.Equal(HttpStatusCode.OK, session.StatusCode);
        client.ApiToken = (await session.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("antiforgery").GetProperty("token").GetString();
        return client;
    }

    /// <summary>Opens the sign-in page and posts its form, as a browser would.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string userName, string password, string? returnUrl = null, bool withToken = true)
    {
        var fields = new Dictionary<string, string> { ["userName"] = userName, ["password"] = password };
        if (returnUrl is not null)
        {
            fields["returnUrl"] = returnUrl;
        }

        if (withToken)
        {
            fields["__RequestVerificationToken"] = await FormTokenAsync();
        }

        return await _http.PostAsync("technician/login", new FormUrlEncodedContent(fields));
    }

    public async Task<string> FormTokenAsync()
    {
        using var page = await _http.GetAsync("technician/login");
        var html = await page.Content.ReadAsStringAsync();
        return FormToken().Match(html) is { Success: true } match
            ? WebUtility.HtmlDecode(match.Groups[1].Value)
            : throw new InvalidOperationException("The sign-in page has no antiforgery field:\n" + html);
    }

    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(path);

    /// <summary>A change as the console sends it: JSON, with the antiforgery header unless told otherwise.</summary>
    public Task<HttpResponseMessage> PostAsync(string path, object? body = null, bool withToken = true, string? token = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body ?? new { }) };
        if (withToken)
        {
            request.Headers.Add("RequestVerificationToken", token ?? ApiToken);
        }

        return _http.SendAsync(request);
    }

    public Task<HttpResponseMessage> PostRawAsync(string path, HttpContent content)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Add("RequestVerificationToken", ApiToken);
        return _http.SendAsync(request);
    }

    public Task<HttpResponseMessage> PostFormAsync(string path, Dictionary<string, string> fields) =>
        _http.PostAsync(path, new FormUrlEncodedContent(fields));

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex FormToken();
}

/// <summary>A bot host with two technicians (and one for lockout tests), a ticket database of its own, and a channel.</summary>
internal static class ConsoleHost
{
    public const string AdaPassword = "ada-correct-horse-battery";
    public const string GracePassword = "grace-staple-cobol-1959";
    public const string LinusPassword = "linus-kernel-penguin-91";

    public static Dictionary<string, string?> Settings(string folder, string environment = "Development") => new()
    {
        ["Tickets:DatabaseFile"] = Path.Combine(folder, "tickets.db"),
        ["Tickets:Technicians:0:UserName"] = "ada",
        ["Tickets:Technicians:0:DisplayName"] = "Ada Lovelace",
        ["Tickets:Technicians:0:PasswordHash"] = TechnicianPasswords.Hash(AdaPassword, TechnicianPasswords.MinIterations),
        ["Tickets:Technicians:1:UserName"] = "grace",
        ["Tickets:Technicians:1:DisplayName"] = "Grace Hopper",
        ["Tickets:Technicians:1:PasswordHash"] = TechnicianPasswords.Hash(GracePassword, TechnicianPasswords.MinIterations),
        ["Tickets:Technicians:2:UserName"] = "linus",
        ["Tickets:Technicians:2:DisplayName"] = "Linus Torvalds",
        ["Tickets:Technicians:2:PasswordHash"] = TechnicianPasswords.Hash(LinusPassword, TechnicianPasswords.MinIterations),
    };

    public static string NewFolder() => Path.Combine(Path.GetTempPath(), "supportbot-tests", Guid.NewGuid().ToString("N"));

    /// <summary>Files a ticket through the real ticket system, as an escalation would.</summary>
    public static async Task<string> FileAsync(BotHost host, TicketDraft draft)
    {
        var receipt = await host.Services.GetRequiredService<ITicketSystem>().CreateAsync(draft, CancellationToken.None);
        return receipt.Number;
    }

    public static TicketDraft Draft(
        string title,
        TicketPriority priority = TicketPriority.Medium,
        string? description = null,
        string? conversationReference = null,
        string category = "hardware") => new()
        {
            IdempotencyKey = Guid.NewGuid().ToString("N"),
            Requester = new Requester("Adele Vance", "fa3c0f5c-c02b-494f-af8e-5cd3c163a222", "AdeleV@contoso.com", "msteams", "29:adele", conversationReference),
            Title = title,
            Description = description ?? "My laptop is really slow since this morning.",
            Category = category,
            Priority = priority,
            PriorityReasons = priority >= TicketPriority.High ? ["can't work"] : [],
            Summary = "Slow laptop; the article didn't help; a restart didn't either.",
            Transcript =
            [
                new TranscriptLine(Speaker.User, "my laptop is really slow", DateTimeOffset.UtcNow.AddMinutes(-5)),
                new TranscriptLine(Speaker.Bot, "Try closing browser tabs you don't need.", DateTimeOffset.UtcNow.AddMinutes(-4)),
            ],
            Articles = [new ArticleShown("laptop-slow", "My laptop is slow", false)],
            Actions = [new ActionTried("restart-device", "LAPTOP-ADELE", "Restarted")],
            DeviceInfo = "Windows 11, LAPTOP-ADELE",
            CreatedAt = DateTimeOffset.UtcNow,
        };

    /// <summary>The stored conversation reference of an employee chatting in <paramref name="channel"/>.</summary>
    public static string ReferenceTo(ChannelRecorder channel, string conversationId) =>
        JsonConvert.SerializeObject(new ConversationReference
        {
            ChannelId = "msteams",
            ServiceUrl = channel.ServiceUrl,
            Conversation = new ConversationAccount(id: conversationId),
            User = new ChannelAccount("29:adele", "Adele Vance"),
            Bot = new ChannelAccount("bot-1", "SupportBot"),
        });
}
