using SupportBot.Skills.Conversation;

namespace SupportBot.Skills.Tickets;

/// <summary>A technician signed in to the console (or acting from the Teams channel card).</summary>
public sealed record Technician(string UserName, string DisplayName);

/// <summary>A ticket as the technician console and the employee's status list show it.</summary>
public sealed record TicketRecord
{
    public required string Number { get; init; }

    public required TicketState State { get; init; }

    public required TicketPriority Priority { get; init; }

    public IReadOnlyList<string> PriorityReasons { get; init; } = [];

    public required string Category { get; init; }

    public required string Title { get; init; }

    public required string Description { get; init; }

    public required string Summary { get; init; }

    public required Requester Requester { get; init; }

    public Technician? AssignedTo { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? ClaimedAt { get; init; }

    public DateTimeOffset? ResolvedAt { get; init; }

    public string? ResolutionNote { get; init; }

    /// <summary>The employee's 1–5 rating after resolution.</summary>
    public int? Rating { get; init; }

    /// <summary>True while a claimed ticket's technician and employee are talking through the bot.</summary>
    public bool RelayOpen { get; init; }

    public IReadOnlyList<TranscriptLine> Transcript { get; init; } = [];

    public IReadOnlyList<ArticleShown> Articles { get; init; } = [];

    public IReadOnlyList<ActionTried> Actions { get; init; } = [];

    public string? DeviceInfo { get; init; }
}

/// <summary>A message on a ticket after filing: technician ↔ employee through the relay, or a system note.</summary>
public sealed record TicketMessage(long Id, string Number, Speaker From, string Author, string Text, DateTimeOffset At);

/// <summary>Queue filters; null means any.</summary>
public sealed record TicketFilter(TicketState? State = null, TicketPriority? Priority = null, string? Category = null, string? AssignedTo = null, string? Search = null);

public enum DeskOutcome
{
    Done,
    NotFound,

    /// <summary>Another technician holds it.</summary>
    ClaimedByOther,

    AlreadyResolved,

    /// <summary>Nobody has claimed it yet (reply/resolve need a claim).</summary>
    NotClaimed,

    /// <summary>The employee rating it isn't its requester, or the rating is out of range, or similar.</summary>
    Invalid,
}

public sealed record DeskResult(DeskOutcome Outcome, TicketRecord? Ticket = null);

/// <summary>
/// The embedded help desk's tickets: the queue technicians work from and what employees see of their own tickets.
/// Every change is checked here (who holds it, what state it is in), not in the pages that call it.
/// </summary>
public interface ITicketDesk
{
    Task<IReadOnlyList<TicketRecord>> ListAsync(TicketFilter filter, CancellationToken cancellationToken);

    Task<TicketRecord?> GetAsync(string number, CancellationToken cancellationToken);

    /// <summary>The requester's own tickets, newest first.</summary>
    Task<IReadOnlyList<TicketRecord>> ForRequesterAsync(string channelId, string channelUserId, CancellationToken cancellationToken);

    /// <summary>Claims a new ticket (claiming one you already hold is Done); opens the relay.</summary>
    Task<DeskResult> ClaimAsync(string number, Technician technician, CancellationToken cancellationToken);

    /// <summary>Resolves a ticket the technician holds (or an unclaimed one, which claims it); closes the relay.</summary>
    Task<DeskResult> ResolveAsync(string number, Technician technician, string? note, CancellationToken cancellationToken);

    /// <summary>Ends the live relay without resolving.</summary>
    Task<DeskResult> EndRelayAsync(string number, Technician technician, CancellationToken cancellationToken);

    Task<TicketMessage> AddMessageAsync(string number, Speaker from, string author, string text, CancellationToken cancellationToken);

    Task<IReadOnlyList<TicketMessage>> MessagesAsync(string number, CancellationToken cancellationToken);

    /// <summary>The requester's claimed ticket whose relay is open, if any (their messages then go to the technician).</summary>
    Task<TicketRecord?> OpenRelayForAsync(string channelId, string channelUserId, CancellationToken cancellationToken);

    /// <summary>Records the requester's 1–5 rating of a resolved ticket.</summary>
    Task<DeskResult> RateAsync(string number, string channelUserId, int rating, CancellationToken cancellationToken);
}

/// <summary>Tells people what happened to a ticket, in their own channel (implemented by the bot host).</summary>
public interface ITicketNotifier
{
    /// <summary>A queued escalation was finally filed: tell the employee its number.</summary>
    Task TicketFiledAsync(TicketDraft draft, TicketReceipt receipt, CancellationToken cancellationToken);

    Task TicketClaimedAsync(TicketRecord ticket, CancellationToken cancellationToken);

    Task TechnicianMessageAsync(TicketRecord ticket, TicketMessage message, CancellationToken cancellationToken);

    Task RelayEndedAsync(TicketRecord ticket, CancellationToken cancellationToken);

    Task TicketResolvedAsync(TicketRecord ticket, CancellationToken cancellationToken);
}
