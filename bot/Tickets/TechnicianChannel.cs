using System.Globalization;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.Options;
using Newtonsoft.Json.Linq;
using SupportBot.Bot.Channels.Rendering;
using SupportBot.Bot.Hosting;
using SupportBot.Skills.Conversation;
using SupportBot.Skills.Tickets;

namespace SupportBot.Bot.Tickets;

/// <summary>The IT team's Teams channel that receives a card per new ticket (section <c>Tickets:Teams</c>).</summary>
public sealed class TechnicianChannelOptions
{
    public const string SectionName = "Tickets:Teams";

    /// <summary>The channel's conversation id, e.g. <c>19:abc…@thread.tacv2</c> (from the channel's link).</summary>
    public string? ChannelId { get; set; }

    /// <summary>The Teams service URL for the tenant's region, e.g. <c>https://smba.trafficmanager.net/emea/</c>.</summary>
    public string? ServiceUrl { get; set; }

    public string? TenantId { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ChannelId) && !string.IsNullOrWhiteSpace(ServiceUrl);
}

/// <summary>Where a ticket's card sits in the technicians' channel.</summary>
public sealed class TechnicianCardRef
{
    public string ActivityId { get; set; } = string.Empty;
}

/// <summary>
/// Posts a card per new ticket to the technicians' Teams channel and handles its Claim / Reply / Resolve buttons
/// (Action.Execute): the desk decides, the employee is told, and the card is updated for everyone in the channel.
/// Only clicks from that channel count.
/// </summary>
public sealed class TechnicianChannel(
    SupportBotAdapter adapter,
    IStorage storage,
    ITicketDesk desk,
    ITicketNotifier notifier,
    IOptions<TechnicianChannelOptions> options,
    ILogger<TechnicianChannel> logger)
{
    public const string ClaimVerb = "ticket.claim";
    public const string ReplyVerb = "ticket.reply";
    public const string ResolveVerb = "ticket.resolve";

    /// <summary>Teams asks for the card's current state when someone opens the channel (the card's <c>refresh</c>).</summary>
    public const string RefreshVerb = "ticket.refresh";

    public bool IsConfigured => options.Value.IsConfigured;

    /// <summary>Announces a new ticket in the channel; a failure is logged, never passed to the employee's turn.</summary>
    public async Task AnnounceAsync(string ticketNumber, CancellationToken cancellationToken)
    {
        if (!IsConfigured || await desk.GetAsync(ticketNumber, cancellationToken) is not { } ticket)
        {
            return;
        }

        try
        {
            await adapter.ContinueAsync(
                ChannelReference(),
                async (turn, ct) =>
                {
                    var posted = await turn.SendActivityAsync(MessageFactory.Attachment(Card(ticket, null)), ct);
                    if (posted?.Id is { } activityId)
                    {
                        // Remembered (in the shared bot state) so a change made in the web console updates this card too.
                        await storage.WriteAsync(new Dictionary<string, object> { [CardKey(ticketNumber)] = new TechnicianCardRef { ActivityId = activityId } }, ct);
                    }
                },
                cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Could not post ticket {TicketNumber} to the technicians' channel", ticketNumber);
        }
    }

    /// <summary>Replaces the ticket's card in the channel with its current state (after a change made elsewhere).</summary>
    public async Task RefreshAsync(string ticketNumber, CancellationToken cancellationToken)
    {
        if (!IsConfigured)
        {
            return;
        }

        try
        {
            var key = CardKey(ticketNumber);
            var stored = await storage.ReadAsync([key], cancellationToken);
            if (!stored.TryGetValue(key, out var value) || value is not TechnicianCardRef card || await desk.GetAsync(ticketNumber, cancellationToken) is not { } ticket)
            {
                return;
            }

            var update = MessageFactory.Attachment(Card(ticket, null));
            update.Id = card.ActivityId;
            await adapter.ContinueAsync(ChannelReference(), (turn, ct) => turn.UpdateActivityAsync(update, ct), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Could not update the card of ticket {TicketNumber} in the technicians' channel", ticketNumber);
        }
    }

    private static string CardKey(string ticketNumber) => $"tickets/teams-card/{ticketNumber}";

    private ConversationReference ChannelReference()
    {
        var o = options.Value;
        return new ConversationReference
        {
            ChannelId = "msteams",
            ServiceUrl = o.ServiceUrl,
            Conversation = new ConversationAccount(isGroup: true, id: o.ChannelId, tenantId: o.TenantId),
        };
    }

    /// <summary>Handles a button on a ticket card; returns the card to show (also updated for the whole channel).</summary>
    public async Task<AdaptiveCardInvokeResponse> HandleAsync(ITurnContext turn, AdaptiveCardInvokeValue invoke, CancellationToken cancellationToken)
    {
        var data = invoke.Action?.Data as JObject ?? (invoke.Action?.Data is null ? null : JObject.FromObject(invoke.Action.Data));
        var number = data?.Value<string>("number") ?? string.Empty;
        var from = turn.Activity.From;
        if (!FromTechnicianChannel(turn) || string.IsNullOrWhiteSpace(from?.AadObjectId))
        {
            logger.LogWarning("Refused a ticket card action from conversation {ConversationId}: not the technicians' channel", turn.Activity.Conversation?.Id);
            return Message("Only the IT team's channel can act on tickets.");
        }

        if (invoke.Action?.Verb == RefreshVerb)
        {
            // Nothing changes: the card as it is now (a claim or resolution may have come from the web console).
            var current = await desk.GetAsync(number, cancellationToken);
            var refreshed = current is null ? null : Card(current, null);
            return refreshed is null
                ? Message("That ticket doesn't exist.")
                : new AdaptiveCardInvokeResponse { StatusCode = 200, Type = refreshed.ContentType, Value = refreshed.Content };
        }

        var technician = new Technician(from.AadObjectId, from.Name ?? "A technician");
        var (result, note) = invoke.Action?.Verb switch
        {
            ClaimVerb => (await desk.ClaimAsync(number, technician, cancellationToken), null),
            ResolveVerb => (await desk.ResolveAsync(number, technician, data?.Value<string>("note"), cancellationToken), null),
            ReplyVerb => await ReplyAsync(number, technician, data?.Value<string>("reply"), cancellationToken),
            _ => (new DeskResult(DeskOutcome.Invalid), "That button isn't one I know."),
        };

        if (result.Outcome == DeskOutcome.Done && result.Ticket is { } changed)
        {
            await TellEmployeeAsync(invoke.Action!.Verb, changed, note, cancellationToken);
        }

        var ticket = result.Ticket ?? await desk.GetAsync(number, cancellationToken);
        if (ticket is null)
        {
            return Message("That ticket doesn't exist.");
        }

        var card = Card(ticket, Explain(result, note));
        if (!string.IsNullOrEmpty(turn.Activity.ReplyToId))
        {
            // Everyone in the channel sees the new state, not only the technician who clicked.
            var update = MessageFactory.Attachment(card);
            update.Id = turn.Activity.ReplyToId;
            try
            {
                await turn.UpdateActivityAsync(update, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Could not update the card of ticket {TicketNumber} in the channel", number);
            }
        }

        return new AdaptiveCardInvokeResponse { StatusCode = 200, Type = card.ContentType, Value = card.Content };
    }

    private async Task<(DeskResult Result, string? Note)> ReplyAsync(string number, Technician technician, string? text, CancellationToken cancellationToken)
    {
        var ticket = await desk.GetAsync(number, cancellationToken);
        if (ticket is null)
        {
            return (new DeskResult(DeskOutcome.NotFound), null);
        }

        if (ticket.AssignedTo?.UserName != technician.UserName || ticket.State != TicketState.Claimed)
        {
            return (new DeskResult(ticket.State == TicketState.Resolved ? DeskOutcome.AlreadyResolved : DeskOutcome.NotClaimed, ticket), "Claim the ticket before replying.");
        }

        var reply = text?.Trim();
        if (string.IsNullOrEmpty(reply) || reply.Length > 4000)
        {
            return (new DeskResult(DeskOutcome.Invalid, ticket), "Write a reply (up to 4000 characters) first.");
        }

        var message = await desk.AddMessageAsync(number, Speaker.Technician, technician.DisplayName, reply, cancellationToken);
        return (new DeskResult(DeskOutcome.Done, ticket), message.Id.ToString(CultureInfo.InvariantCulture));
    }

    private async Task TellEmployeeAsync(string verb, TicketRecord ticket, string? note, CancellationToken cancellationToken)
    {
        try
        {
            switch (verb)
            {
                case ClaimVerb:
                    await notifier.TicketClaimedAsync(ticket, cancellationToken);
                    break;
                case ResolveVerb:
                    await notifier.TicketResolvedAsync(ticket, cancellationToken);
                    break;
                case ReplyVerb:
                    var messages = await desk.MessagesAsync(ticket.Number, cancellationToken);
                    if (messages.FirstOrDefault(m => m.Id.ToString(CultureInfo.InvariantCulture) == note) is { } message)
                    {
                        await notifier.TechnicianMessageAsync(ticket, message, cancellationToken);
                    }

                    break;
            }
        }
        catch (EmployeeUnreachableException ex)
        {
            // The change stands; the card says the employee couldn't be reached.
            logger.LogWarning(ex, "Ticket {TicketNumber}: the employee could not be told", ticket.Number);
        }
    }

    private bool FromTechnicianChannel(ITurnContext turn) =>
        turn.Activity.ChannelId == "msteams" && IsConfigured &&
        (turn.Activity.Conversation?.Id ?? string.Empty).Split(';')[0] == options.Value.ChannelId;

    private static string? Explain(DeskResult result, string? note) => result.Outcome switch
    {
        DeskOutcome.Done => null,
        DeskOutcome.ClaimedByOther => $"{result.Ticket?.AssignedTo?.DisplayName ?? "Another technician"} holds this ticket.",
        DeskOutcome.AlreadyResolved => "This ticket is already resolved.",
        DeskOutcome.NotClaimed => note ?? "Claim the ticket first.",
        DeskOutcome.NotFound => "That ticket doesn't exist.",
        _ => note ?? "That didn't work.",
    };

    private static AdaptiveCardInvokeResponse Message(string text) => new()
    {
        StatusCode = 200,
        Type = "application/vnd.microsoft.activity.message",
        Value = text,
    };

    /// <summary>The ticket's card: who, what, summary, priority, state, and the buttons its state allows.</summary>
    public static Attachment Card(TicketRecord ticket, string? notice)
    {
        var state = ticket.State switch
        {
            TicketState.New => "Waiting for a technician",
            TicketState.Claimed => $"Claimed by {ticket.AssignedTo?.DisplayName}",
            _ => $"Resolved by {ticket.AssignedTo?.DisplayName}",
        };
        var priority = ticket.PriorityReasons.Count == 0 ? ticket.Priority.ToString() : $"{ticket.Priority} ({string.Join(", ", ticket.PriorityReasons)})";
        var body = new JArray
        {
            AdaptiveCardRenderer.TextBlock($"{ticket.Number}: {ticket.Title}", weight: "Bolder", size: "Medium"),
            new JObject
            {
                ["type"] = "FactSet",
                ["facts"] = new JArray
                {
                    Fact("Who", ticket.Requester.Email is null ? ticket.Requester.DisplayName : $"{ticket.Requester.DisplayName} ({ticket.Requester.Email})"),
                    Fact("Priority", priority),
                    Fact("Category", ticket.Category),
                    Fact("State", state),
                },
            },
            AdaptiveCardRenderer.TextBlock(ticket.Summary),
        };
        if (notice is not null)
        {
            var warning = AdaptiveCardRenderer.TextBlock(notice);
            warning["color"] = "Attention";
            body.Add(warning);
        }

        var actions = new JArray();
        if (ticket.State != TicketState.Resolved)
        {
            body.Add(new JObject { ["type"] = "Input.Text", ["id"] = "reply", ["placeholder"] = "Reply to the employee", ["isMultiline"] = true, ["maxLength"] = 4000 });
            if (ticket.State == TicketState.New)
            {
                actions.Add(Execute("Claim", ClaimVerb, ticket.Number));
            }

            actions.Add(Execute("Reply", ReplyVerb, ticket.Number));
            actions.Add(Execute("Resolve", ResolveVerb, ticket.Number));
        }

        var card = new JObject
        {
            ["type"] = "AdaptiveCard",
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["version"] = "1.5",
            ["body"] = body,
            ["actions"] = actions,
        };
        if (ticket.State != TicketState.Resolved)
        {
            // Universal Actions: Teams fetches the current card when it is shown, so nobody acts on a stale state.
            card["refresh"] = new JObject { ["action"] = Execute("Refresh", RefreshVerb, ticket.Number) };
        }

        return new Attachment(AdaptiveCardRenderer.ContentType, content: card);
    }

    private static JObject Fact(string title, string value) => new() { ["title"] = title, ["value"] = value };

    private static JObject Execute(string title, string verb, string number) => new()
    {
        ["type"] = "Action.Execute",
        ["title"] = title,
        ["verb"] = verb,
        ["data"] = new JObject { ["number"] = number },
    };
}
