using System.Text.Json.Serialization;
using SupportBot.Skills.Tickets;

namespace SupportBot.Bot.Technicians;

// What the console API answers. Tickets are projected rather than returned as stored: the employee's conversation
// reference (service URLs, conversation ids) is for the bot's proactive messages only, and enums go out as names.

public sealed record TechnicianView(string UserName, string DisplayName)
{
    public static TechnicianView? For(Technician? technician) =>
        technician is null ? null : new TechnicianView(technician.UserName, technician.DisplayName);
}

/// <summary>Who is signed in; <see cref="Admin"/> shows the link to the insight page.</summary>
public sealed record SessionView(TechnicianView Technician, AntiforgeryView Antiforgery, bool Admin = false);

/// <summary>The header and token the console sends with every change.</summary>
public sealed record AntiforgeryView(string? HeaderName, string FormFieldName, string? Token);

public sealed record QueueItemView(
    string Number,
    string State,
    string Priority,
    string Category,
    string Title,
    string Requester,
    TechnicianView? AssignedTo,
    bool RelayOpen,
    DateTimeOffset CreatedAt)
{
    public static QueueItemView For(TicketRecord ticket) => new(
        ticket.Number,
        ticket.State.ToString(),
        ticket.Priority.ToString(),
        ticket.Category,
        ticket.Title,
        ticket.Requester.DisplayName,
        TechnicianView.For(ticket.AssignedTo),
        ticket.RelayOpen,
        ticket.CreatedAt);
}

public sealed record RequesterView(string DisplayName, string? Email, string? DirectoryId, string Channel);

public sealed record TranscriptLineView(string Speaker, string Text, DateTimeOffset At);

public sealed record ArticleView(string ArticleId, string Title, bool? Helped);

public sealed record ActionView(string ActionId, string? Target, string Outcome);

public sealed record MessageView(long Id, string From, string Author, string Text, DateTimeOffset At)
{
    public static MessageView For(TicketMessage message) =>
        new(message.Id, message.From.ToString(), message.Author, message.Text, message.At);
}

/// <summary>
/// What the signed-in technician may do with the ticket now (the desk checks again on every change). Claiming a ticket
/// you hold after ending its chat reopens the chat.
/// </summary>
public sealed record AllowedActions(bool Claim, bool Reply, bool EndRelay, bool Resolve)
{
    public static AllowedActions For(TicketRecord ticket, Technician me)
    {
        var resolved = ticket.State == TicketState.Resolved;
        var mine = ticket.AssignedTo is { } holder && string.Equals(holder.UserName, me.UserName, StringComparison.OrdinalIgnoreCase);
        var unclaimed = ticket.AssignedTo is null;
        return new AllowedActions(
            Claim: !resolved && (unclaimed || (mine && !ticket.RelayOpen)),
            Reply: !resolved && mine,
            EndRelay: !resolved && mine && ticket.RelayOpen,
            Resolve: !resolved && (mine || unclaimed));
    }
}

public sealed record TicketView(
    string Number,
    string State,
    string Priority,
    IReadOnlyList<string> PriorityReasons,
    string Category,
    string Title,
    string Description,
    string Summary,
    RequesterView Requester,
    TechnicianView? AssignedTo,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ClaimedAt,
    DateTimeOffset? ResolvedAt,
    string? ResolutionNote,
    int? Rating,
    bool RelayOpen,
    string? DeviceInfo,
    IReadOnlyList<TranscriptLineView> Transcript,
    IReadOnlyList<ArticleView> Articles,
    IReadOnlyList<ActionView> Actions,
    IReadOnlyList<MessageView> Messages,
    AllowedActions Can)
{
    public static TicketView For(TicketRecord ticket, IReadOnlyList<TicketMessage> messages, Technician me) => new(
        ticket.Number,
        ticket.State.ToString(),
        ticket.Priority.ToString(),
        ticket.PriorityReasons,
        ticket.Category,
        ticket.Title,
        ticket.Description,
        ticket.Summary,
        new RequesterView(ticket.Requester.DisplayName, ticket.Requester.Email, ticket.Requester.DirectoryId, ticket.Requester.ChannelId),
        TechnicianView.For(ticket.AssignedTo),
        ticket.CreatedAt,
        ticket.ClaimedAt,
        ticket.ResolvedAt,
        ticket.ResolutionNote,
        ticket.Rating,
        ticket.RelayOpen,
        ticket.DeviceInfo,
        [.. ticket.Transcript.Select(l => new TranscriptLineView(l.Speaker.ToString(), l.Text, l.At))],
        [.. ticket.Articles.Select(a => new ArticleView(a.ArticleId, a.Title, a.Helped))],
        [.. ticket.Actions.Select(a => new ActionView(a.ActionId, a.Target, a.Outcome))],
        [.. messages.Select(MessageView.For)],
        AllowedActions.For(ticket, me));
}

/// <summary>
/// The answer to a change: the ticket as it is now, and whether the employee was told. <see cref="Delivered"/> is
/// absent when nobody needed telling (claiming a ticket you already hold).
/// </summary>
public sealed record ChangeView(
    TicketView Ticket,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Delivered,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason);

/// <summary>The answer to a reply: the stored message, the ticket, and whether it reached the employee.</summary>
public sealed record ReplyView(
    MessageView Message,
    TicketView Ticket,
    bool Delivered,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason);
