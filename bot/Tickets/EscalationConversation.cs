using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.Options;
using Newtonsoft.Json;
using SupportBot.Bot.Admin;
using SupportBot.Bot.Channels.Rendering;
using SupportBot.Bot.Conversation;
using SupportBot.Bot.SelfHelp;
using SupportBot.Skills.Conversation;
using SupportBot.Skills.HelpDesk;
using SupportBot.Skills.Knowledge;
using SupportBot.Skills.SelfHelp;
using SupportBot.Skills.Tickets;

namespace SupportBot.Bot.Tickets;

/// <summary>
/// The employee's side of a handoff: offering a technician, showing what will be sent, taking extra details, filing
/// exactly once, the live relay to the technician, "what's the status of my ticket?" and the rating afterwards.
/// </summary>
public sealed partial class EscalationConversation(
    EscalationService escalations,
    ITicketDesk desk,
    IDirectory directory,
    IKnowledgeSource knowledge,
    HelpDeskProfile helpDesk,
    IOptions<TicketOptions> options,
    TechnicianChannel technicians,
    TicketSummaryWriter summaries,
    ReplySender sender,
    IStoryStore stories,
    TimeProvider time,
    TurnInsights insights,
    ILogger<EscalationConversation> logger)
{
    public const string SendIt = "Send it";
    public const string AddDetails = "Add details";
    public const string Cancel = "Cancel";
    public const string OpenTicket = "Open a ticket";

    // A description longer than this is cut (with a note) before filing; the transcript keeps the rest of the story.
    private const int MaxDescriptionLength = 4000;

    public static string RatingText(string ticketNumber, int stars) =>
        string.Create(CultureInfo.InvariantCulture, $"Rate {ticketNumber}: {stars} out of 5");

    /// <summary>Handles the turn when it belongs to a handoff; false when the rest of the bot should answer.</summary>
    public async Task<bool> TryHandleAsync(ITurnContext turn, ConversationData data, string text, CancellationToken cancellationToken)
    {
        var channelId = turn.Activity.ChannelId ?? string.Empty;
        var userId = turn.Activity.From?.Id ?? string.Empty;

        // While a technician is chatting with the employee, everything the employee says goes to them.
        if (await desk.OpenRelayForAsync(channelId, userId, cancellationToken) is { } relayed)
        {
            await desk.AddMessageAsync(relayed.Number, Speaker.User, turn.Activity.From?.Name ?? "Employee", Redactor.Redact(text), cancellationToken);
            return true;
        }

        if (RatingPattern().Match(text) is { Success: true } rating)
        {
            await RateAsync(turn, rating.Groups["number"].Value, int.Parse(rating.Groups["stars"].Value, CultureInfo.InvariantCulture), cancellationToken);
            return true;
        }

        if (TicketRules.AsksForStatus(text))
        {
            await StatusAsync(turn, channelId, userId, cancellationToken);
            return true;
        }

        if (data.Escalation is { FiledNumber: null } pending)
        {
            if (pending.AwaitingDetails && !IsButton(text))
            {
                pending.Description = string.IsNullOrWhiteSpace(pending.Description) ? text : $"{pending.Description}\n{text}";
                pending.AwaitingDetails = false;
                await ReviewAsync(turn, data, pending, cancellationToken);
                return true;
            }

            if (Is(text, SendIt))
            {
                await FileAsync(turn, data, pending, cancellationToken);
                return true;
            }

            if (Is(text, AddDetails))
            {
                pending.AwaitingDetails = true;
                await SayAsync(turn, data, "Go ahead — what were you doing, what did you see (error messages, since when), and how is it affecting your work? Please don't include passwords or codes.", cancellationToken);
                return true;
            }

            if (Is(text, Cancel))
            {
                data.Escalation = null;
                await SayAsync(turn, data, "OK, I won't open a ticket. Ask me anything else, or say \"talk to a person\" any time.", cancellationToken);
                return true;
            }
        }
        else if (data.Escalation is { FiledNumber: { } number } filed && Is(text, SendIt))
        {
            // A double click or a second tap on an old "Send it": nothing new is filed.
            await SayAsync(turn, data, filed.Queued && number.Length == 0
                ? "I've already saved that request; I'll send you its ticket number as soon as it's filed."
                : $"That's already filed as **{number}** — no need to send it again.", cancellationToken);
            return true;
        }

        if (TicketRules.AsksForAPerson(text) || Is(text, SelfHelpReplies.TalkToTechnician) || Is(text, OpenTicket))
        {
            await OfferAsync(turn, data, cancellationToken);
            return true;
        }

        return false;
    }

    /// <summary>Starts a handoff: shows what will be sent, or first asks what the problem is.</summary>
    public async Task OfferAsync(ITurnContext turn, ConversationData data, CancellationToken cancellationToken)
    {
        data.Escalations++;
        var pending = new PendingEscalation
        {
            Key = Key(turn, data.Escalations),
            Description = data.LastQuestion ?? string.Empty,
            Category = data.LastArticleId is { } articleId && knowledge.Current.Find(articleId) is { } article ? article.Category : "general",
        };
        data.Escalation = pending;
        if (string.IsNullOrWhiteSpace(pending.Description))
        {
            pending.AwaitingDetails = true;
            await SayAsync(turn, data, "I'll get a technician on it. First, in a sentence or two: what do you need help with?", cancellationToken);
            return;
        }

        await ReviewAsync(turn, data, pending, cancellationToken);
    }

    private async Task ReviewAsync(ITurnContext turn, ConversationData data, PendingEscalation pending, CancellationToken cancellationToken)
    {
        var draft = await DraftAsync(turn, data, pending, cancellationToken);
        var priority = draft.PriorityReasons.Count == 0 ? draft.Priority.ToString() : $"{draft.Priority} ({string.Join(", ", draft.PriorityReasons)})";
        var reply = new Reply
        {
            Title = "Here's what I'll send to the IT team",
            Facts = [new("Title", draft.Title), new("Priority", priority), new("Summary", draft.Summary)],
            Note = "They also get our conversation so far, the articles I showed and anything I tried, so you won't have to repeat yourself.",
        }.WithChoices(SendIt, AddDetails, Cancel);
        await SendAsync(turn, data, reply, cancellationToken);
    }

    private async Task FileAsync(ITurnContext turn, ConversationData data, PendingEscalation pending, CancellationToken cancellationToken)
    {
        await turn.SendActivityAsync(new Activity(ActivityTypes.Typing), cancellationToken);
        var draft = await DraftAsync(turn, data, pending, cancellationToken);

        // The review showed the assembled summary; the ticket gets the model's when one is configured.
        if (summaries.UsesModel)
        {
            draft = draft with { Summary = await summaries.WriteAsync(draft, cancellationToken) };
        }

        var result = await escalations.EscalateAsync(draft, cancellationToken);
        insights.Escalation(turn, pending.Category, result.Receipt is not null);
        if (result.Receipt is { } receipt)
        {
            pending.FiledNumber = receipt.Number;
            logger.LogInformation("Escalation {Key} filed as {TicketNumber} in {TicketSystem}", pending.Key, receipt.Number, receipt.System);
            await technicians.AnnounceAsync(receipt.Number, cancellationToken);
            await SayAsync(turn, data,
                $"Done — your ticket is **{receipt.Number}** ({draft.Priority} priority). A technician will pick it up; I'll tell you here when they do. " +
                "Ask me \"what's the status of my ticket?\" any time.", cancellationToken);
            return;
        }

        pending.FiledNumber = string.Empty;
        pending.Queued = true;
        logger.LogWarning("Escalation {Key} queued: {Problem}", pending.Key, result.Problem);
        await SayAsync(turn, data,
            $"I couldn't reach the ticket system just now ({result.Problem ?? "it isn't answering"}), so I've saved your request — nothing you told me is lost. " +
            "I'll file it as soon as the system is back and send you the ticket number here. " + helpDesk.HowToReachAPerson(), cancellationToken);
    }

    private async Task<TicketDraft> DraftAsync(ITurnContext turn, ConversationData data, PendingEscalation pending, CancellationToken cancellationToken)
    {
        var caller = CallerResolver.Resolve(turn);
        DirectoryUser? user = null;
        if (caller.IsVerified)
        {
            try
            {
                user = await directory.FindUserAsync(caller.DirectoryKey!, cancellationToken);
            }
            catch (ConnectorException ex)
            {
                // The ticket goes out without the directory's details rather than not at all.
                logger.LogWarning(ex, "Could not look up the requester in the directory for a ticket");
            }
        }

        var description = Redactor.Redact(pending.Description.Trim());
        if (description.Length > MaxDescriptionLength)
        {
            description = string.Concat(description.AsSpan(0, MaxDescriptionLength), "… (cut; the full text is in the transcript)");
        }

        var name = user?.DisplayName ?? turn.Activity.From?.Name ?? "An employee";
        var email = user?.UserPrincipalName ?? (caller.DirectoryKey?.Contains('@', StringComparison.Ordinal) == true ? caller.DirectoryKey : null);
        var vip = email is not null && options.Value.VipUsers.Contains(email, StringComparer.OrdinalIgnoreCase);
        var (priority, reasons) = TicketRules.Prioritise(description, pending.Category, vip);
        var articles = data.ArticlesShown.ToList();
        var actions = data.ActionsTried.ToList();
        var transcript = await StoryAsync(turn, data, cancellationToken);
        return new TicketDraft
        {
            IdempotencyKey = pending.Key,
            Requester = new Requester(
                name,
                caller.DirectoryKey,
                email,
                caller.ChannelId,
                caller.ChannelUserId,
                JsonConvert.SerializeObject(turn.Activity.GetConversationReference())),
            Title = TicketRules.Title(description),
            Description = description,
            Category = pending.Category,
            Priority = priority,
            PriorityReasons = reasons,
            Summary = TicketRules.Summary(name, description, pending.Category, articles, actions, transcript.Count(l => l.Speaker == Speaker.User)),
            Transcript = transcript,
            Articles = articles,
            Actions = actions,
            DeviceInfo = actions.LastOrDefault(a => a.ActionId.StartsWith("device.", StringComparison.Ordinal) && a.Target is not null)?.Target,
            CreatedAt = time.GetUtcNow(),
        };
    }

    // The earlier turns' lines from the store, then this turn's; when the store can't be read the ticket still goes,
    // with what this turn knows (the description and the articles and actions carry the rest).
    private async Task<List<TranscriptLine>> StoryAsync(ITurnContext turn, ConversationData data, CancellationToken cancellationToken)
    {
        try
        {
            return [.. await stories.ReadAsync(ConversationData.StoryKey(turn.Activity), cancellationToken), .. data.Transcript.Lines];
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Could not read the earlier story of the conversation for a ticket; filing it with this turn's lines only");
            return [.. data.Transcript.Lines];
        }
    }

    private async Task StatusAsync(ITurnContext turn, string channelId, string userId, CancellationToken cancellationToken)
    {
        var tickets = await desk.ForRequesterAsync(channelId, userId, cancellationToken);
        if (tickets.Count == 0)
        {
            await sender.SendAsync(turn, Reply.Say("You have no tickets with us from this chat. Say \"talk to a person\" if you need one."), cancellationToken);
            return;
        }

        var lines = tickets.Take(10).Select(t => $"- **{t.Number}** — {t.Title}: {Describe(t)}");
        await sender.SendAsync(turn, Reply.Say("Your tickets:\n\n" + string.Join('\n', lines)), cancellationToken);
    }

    private async Task RateAsync(ITurnContext turn, string number, int stars, CancellationToken cancellationToken)
    {
        var result = await desk.RateAsync(number, turn.Activity.From?.Id ?? string.Empty, stars, cancellationToken);
        var text = result.Outcome switch
        {
            DeskOutcome.Done => stars >= 4 ? "Thanks for the rating — glad we could help!" : "Thanks for telling us. The IT team reviews low ratings to do better.",
            DeskOutcome.NotFound => "I couldn't find that ticket among yours.",
            _ => "That ticket can't be rated (it may be rated already, or not resolved yet).",
        };
        await sender.SendAsync(turn, Reply.Say(text), cancellationToken);
    }

    private string Describe(TicketRecord ticket) => ticket.State switch
    {
        TicketState.New => $"waiting for a technician (opened {Ago(ticket.CreatedAt)})",
        TicketState.Claimed => $"{ticket.AssignedTo?.DisplayName ?? "a technician"} is working on it",
        _ => $"resolved {Ago(ticket.ResolvedAt ?? ticket.CreatedAt)}",
    };

    private string Ago(DateTimeOffset at)
    {
        var span = time.GetUtcNow() - at;
        return span.TotalDays >= 1 ? $"{Math.Floor(span.TotalDays):0} day(s) ago"
            : span.TotalHours >= 1 ? $"{Math.Floor(span.TotalHours):0} hour(s) ago"
            : span.TotalMinutes >= 1 ? $"{Math.Floor(span.TotalMinutes):0} minute(s) ago" : "just now";
    }

    // Stable per conversation and escalation, so a redelivered or double-clicked "Send it" files nothing new.
    // The message that asked for a person is part of the key: a redelivery of it gives the same key, while a
    // conversation whose state (and so its counter) was lost can't reuse an earlier escalation's key.
    private static string Key(ITurnContext turn, int sequence)
    {
        var asked = string.IsNullOrEmpty(turn.Activity.Id) ? Guid.NewGuid().ToString("N") : turn.Activity.Id;
        var source = $"{turn.Activity.ChannelId}|{turn.Activity.Conversation?.Id}|{asked}|{sequence}";
        return "sb-" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(source)))[..32].ToLowerInvariant();
    }

    private static bool Is(string text, string button) => string.Equals(text.Trim(), button, StringComparison.OrdinalIgnoreCase);

    private static bool IsButton(string text) => Is(text, SendIt) || Is(text, AddDetails) || Is(text, Cancel);

    private async Task SayAsync(ITurnContext turn, ConversationData data, string text, CancellationToken cancellationToken) =>
        await SendAsync(turn, data, Reply.Say(text), cancellationToken);

    private async Task SendAsync(ITurnContext turn, ConversationData data, Reply reply, CancellationToken cancellationToken)
    {
        await sender.SendAsync(turn, reply, cancellationToken);
        data.Transcript.Add(Speaker.Bot, reply.ToPlainText(), time.GetUtcNow());
    }

    [GeneratedRegex(@"^\s*Rate\s+(?<number>[A-Za-z]+-\d{1,9}):\s*(?<stars>[1-5])\s+out\s+of\s+5\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex RatingPattern();
}
