namespace SupportBot.Skills.SelfHelp;

/// <summary>What an action says back, channel-neutral: the bot renders it for Teams, Slack or web chat.</summary>
/// <param name="Text">The reply in Markdown.</param>
/// <param name="Outcome">How the attempt ended (also what the audit log says).</param>
public sealed record ActionReply(string Text, AuditOutcome Outcome)
{
    /// <summary>Follow-up messages the caller can send with one click (each is a plain message, so any channel works).</summary>
    public IReadOnlyList<string> Choices { get; init; } = [];

    /// <summary>Set when the action waits for the caller's confirmation on a card.</summary>
    public ConfirmationPrompt? Confirmation { get; init; }

    /// <summary>The action can't finish without a person (approval, licence, MFA change): offer a technician.</summary>
    public bool NeedsTechnician => Outcome == AuditOutcome.NeedsTechnician;

    /// <summary>The request wasn't really an action the catalog knows (e.g. "install the printer"): try the knowledge base.</summary>
    public bool TryKnowledgeInstead { get; init; }

    /// <summary>When set, a knowledge answer is used instead only if its article is about this (the app name asked for).</summary>
    public string? KnowledgeSubject { get; init; }

    /// <summary>The action this reply is about (for the ticket's "actions tried").</summary>
    public string? ActionId { get; init; }

    /// <summary>What it acted on, as the audit log names it.</summary>
    public string? Target { get; init; }

    /// <summary>A knowledge article worth showing next (e.g. the lost-device article after signing out everywhere).</summary>
    public string? NextArticleId { get; init; }
}

/// <summary>The card that asks the caller to confirm an action.</summary>
/// <param name="Token">Single-use token the card sends back.</param>
/// <param name="ActionId">The action it confirms.</param>
/// <param name="Title">Short title ("Restart DESKTOP-ADELE01?").</param>
/// <param name="Details">What will happen, in a sentence or two.</param>
/// <param name="ConfirmLabel">The confirm button's label ("Restart now").</param>
/// <param name="ExpiresAt">When the card stops working.</param>
public sealed record ConfirmationPrompt(string Token, string ActionId, string Title, string Details, string ConfirmLabel, DateTimeOffset ExpiresAt);

/// <summary>What a confirmation card sends back when clicked.</summary>
/// <param name="Token">The card's token.</param>
/// <param name="ActionId">The action the card said it confirms.</param>
/// <param name="Approved">True for the confirm button, false for cancel.</param>
public sealed record ConfirmationSubmit(string? Token, string? ActionId, bool Approved);
