using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SupportBot.Skills.Tickets.ServiceNow;

/// <summary>
/// Files escalations as ServiceNow incidents through the Table API (<c>/api/now/table/incident</c>) with basic auth.
/// The idempotency key travels in <c>correlation_id</c> (with <c>correlation_display</c> = SupportBot), so a create
/// whose answer was lost is found again by <see cref="FindAsync"/> instead of being filed twice.
/// </summary>
/// <remarks>
/// Priority → urgency/impact, so ServiceNow's default priority lookup gives: Critical → 1/1 (P1 Critical),
/// High → urgency 1, impact 2 (P2 High: urgent, one person), Medium → 2/2 (P3 Moderate), Low → urgency 3, impact 2 (P4 Low).
/// </remarks>
public sealed class ServiceNowTicketSystem : ITicketSystem
{
    /// <summary>The named HttpClient this connector is given.</summary>
    public const string HttpClientName = "Tickets.ServiceNow";

    private const string SystemName = "ServiceNow";
    private const string Settings = "Tickets:ServiceNow:UserName and Tickets:ServiceNow:Password";

    // Incident field lengths in a base instance: short_description 160, description 4000, correlation_id 100.
    private const int MaxTitle = 160;
    private const int MaxDescription = 4000;
    private const int MaxKey = 100;

    private readonly HttpClient _http;
    private readonly ServiceNowOptions _settings;
    private readonly string _instance;
    private readonly TimeSpan _timeout;
    private readonly ILogger<ServiceNowTicketSystem> _logger;

    public ServiceNowTicketSystem(HttpClient http, IOptions<TicketOptions> options, ILogger<ServiceNowTicketSystem> logger)
    {
        _http = http;
        _settings = options.Value.ServiceNow;
        _timeout = options.Value.Timeout;
        _logger = logger;
        _instance = Require(_settings.InstanceUrl, "InstanceUrl").TrimEnd('/');
        Require(_settings.UserName, "UserName");
        Require(_settings.Password, "Password");
        if (!Uri.TryCreate(_instance, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            throw new InvalidOperationException("Tickets:ServiceNow:InstanceUrl must be an absolute http(s) URL, e.g. https://contoso.service-now.com.");
        }
    }

    public string Name => SystemName;

    public Task<TicketReceipt?> FindAsync(string idempotencyKey, CancellationToken cancellationToken) =>
        TicketHttp.CallAsync(SystemName, _timeout, async ct =>
        {
            var query = "correlation_id=" + EncodedQueryValue(idempotencyKey);
            using var request = Request(HttpMethod.Get,
                $"api/now/table/incident?sysparm_query={Uri.EscapeDataString(query)}&sysparm_fields=sys_id,number&sysparm_limit=1");
            using var response = await _http.SendAsync(request, ct);

            // Table API v1 answers a query that matches nothing with 404 (v2 with an empty list).
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            var body = await TicketHttp.ReadAsync(response, SystemName, Settings, _logger, ct);
            if (body["result"] is not JsonArray results)
            {
                throw new JsonException();
            }

            return results.FirstOrDefault() is { } found ? Receipt(found) : null;
        }, cancellationToken);

    public Task<TicketReceipt> CreateAsync(TicketDraft draft, CancellationToken cancellationToken) =>
        TicketHttp.CallAsync(SystemName, _timeout, async ct =>
        {
            if (draft.IdempotencyKey.Length > MaxKey)
            {
                throw new TicketSystemException(TicketSystemFailure.Rejected, $"The idempotency key is longer than ServiceNow's correlation_id ({MaxKey}).");
            }

            using var request = Request(HttpMethod.Post, "api/now/table/incident?sysparm_fields=sys_id,number&sysparm_exclude_reference_link=true");
            request.Content = TicketHttp.JsonBody(Incident(draft));
            using var response = await _http.SendAsync(request, ct);
            var body = await TicketHttp.ReadAsync(response, SystemName, Settings, _logger, ct);
            var receipt = body["result"] is JsonObject result ? Receipt(result) : null;
            if (receipt is null)
            {
                // Filed or not, we can't tell: Unavailable makes the caller look the key up before trying again.
                throw new TicketSystemException(TicketSystemFailure.Unavailable, "ServiceNow answered the create without an incident number.");
            }

            _logger.LogInformation("Filed {TicketNumber} in {TicketSystem}", receipt.Number, SystemName);
            return receipt;
        }, cancellationToken);

    /// <summary>The urgency and impact ServiceNow's priority lookup turns into the draft's priority.</summary>
    public static (string Urgency, string Impact) UrgencyAndImpact(TicketPriority priority) => priority switch
    {
        TicketPriority.Critical => ("1", "1"),
        TicketPriority.High => ("1", "2"),
        TicketPriority.Medium => ("2", "2"),
        _ => ("3", "2"),
    };

    private JsonObject Incident(TicketDraft draft)
    {
        var (urgency, impact) = UrgencyAndImpact(draft.Priority);
        var incident = new JsonObject
        {
            ["short_description"] = TicketNarrative.OneLine(draft.Title, MaxTitle),
            ["description"] = TicketNarrative.Write(draft, MaxDescription, $"urgency {urgency}, impact {impact}", $"Filed by SupportBot, correlation id {draft.IdempotencyKey}"),
            ["category"] = draft.Category,
            ["urgency"] = urgency,
            ["impact"] = impact,
            ["contact_type"] = "chat",
            ["correlation_id"] = draft.IdempotencyKey,
            ["correlation_display"] = "SupportBot",
        };

        // caller_id references sys_user; the requester's email (their UPN for directory users) is how they are known there.
        if (!string.IsNullOrWhiteSpace(draft.Requester.Email))
        {
            incident["caller_id"] = draft.Requester.Email;
        }

        if (!string.IsNullOrWhiteSpace(_settings.AssignmentGroup))
        {
            incident["assignment_group"] = _settings.AssignmentGroup;
        }

        return incident;
    }

    private TicketReceipt? Receipt(JsonNode record)
    {
        var sysId = (string?)record["sys_id"];
        var number = (string?)record["number"];
        return string.IsNullOrEmpty(sysId) || string.IsNullOrEmpty(number)
            ? null
            : new TicketReceipt(number, SystemName, $"{_instance}/nav_to.do?uri=incident.do?sys_id={Uri.EscapeDataString(sysId)}");
    }

    private HttpRequestMessage Request(HttpMethod method, string relative)
    {
        var request = new HttpRequestMessage(method, TicketHttp.Url(_instance, relative));
        request.Headers.Authorization = TicketHttp.Basic(_settings.UserName!, _settings.Password!);
        request.Headers.Accept.Add(TicketHttp.Json);
        return request;
    }

    // In an encoded query ^ separates conditions; a literal ^ is written ^^.
    private static string EncodedQueryValue(string value) => value.Replace("^", "^^", StringComparison.Ordinal);

    private static string Require(string? value, string setting) =>
        string.IsNullOrWhiteSpace(value)
            ? throw new InvalidOperationException($"Tickets:ServiceNow:{setting} is not set; it is needed when Tickets:System is ServiceNow.")
            : value;
}
