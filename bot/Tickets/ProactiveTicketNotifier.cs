using System.Globalization;
using Microsoft.Bot.Schema;
using Newtonsoft.Json;
using SupportBot.Bot.Channels;
using SupportBot.Bot.Channels.Rendering;
using SupportBot.Bot.Hosting;
using SupportBot.Skills.Conversation;
using SupportBot.Skills.Tickets;

namespace SupportBot.Bot.Tickets;

/// <summary>
/// Tells employees what happened to their ticket in their own channel, from the conversation reference stored with
/// it. A conversation that no longer exists (the bot was removed, the chat expired) throws
/// <see cref="EmployeeUnreachableException"/>; callers keep the ticket change and report it.
/// </summary>
public sealed class ProactiveTicketNotifier(
    SupportBotAdapter adapter,
    ReplySender sender,
    ConversationReferences references,
    ILogger<ProactiveTicketNotifier> logger) : ITicketNotifier
{
    public Task TicketFiledAsync(TicketDraft draft, TicketReceipt receipt, CancellationToken cancellationToken) =>
        SendAsync(draft.Requester, Reply.Say(
            $"Good news: the ticket system is back and your request is filed as **{receipt.Number}**. A technician will pick it up; I'll tell you here when they do."),
            receipt.Number, cancellationToken);

    public Task TicketClaimedAsync(TicketRecord ticket, CancellationToken cancellationToken) =>
        SendAsync(ticket.Requester, Reply.Say(
            $"**{TechnicianName(ticket)}** from IT has picked up your ticket {ticket.Number} and joined this chat. " +
            "Your messages now go straight to them."),
            ticket.Number, cancellationToken);

    public Task TechnicianMessageAsync(TicketRecord ticket, TicketMessage message, CancellationToken cancellationToken) =>
        SendAsync(ticket.Requester, Reply.Say($"**{message.Author} (IT):** {message.Text}"), ticket.Number, cancellationToken);

    public Task RelayEndedAsync(TicketRecord ticket, CancellationToken cancellationToken) =>
        SendAsync(ticket.Requester, Reply.Say(
            $"{TechnicianName(ticket)} has left the chat. You're talking to SupportBot again — ticket {ticket.Number} stays open until it's resolved."),
            ticket.Number, cancellationToken);

    public Task TicketResolvedAsync(TicketRecord ticket, CancellationToken cancellationToken)
    {
        var note = string.IsNullOrWhiteSpace(ticket.ResolutionNote) ? string.Empty : $" {TechnicianName(ticket)} noted: \"{ticket.ResolutionNote}\"";
        var reply = Reply.Say(
            $"Your ticket **{ticket.Number}** is resolved.{note}\n\nHow did we do? Rate it from 1 (poor) to 5 (great).");
        reply = reply with { Choices = [.. Enumerable.Range(1, 5).Select(n => new ReplyChoice($"{n} ★", EscalationConversation.RatingText(ticket.Number, n)))] };
        return SendAsync(ticket.Requester, reply, ticket.Number, cancellationToken);
    }

    private static string TechnicianName(TicketRecord ticket) => ticket.AssignedTo?.DisplayName ?? "A technician";

    private async Task SendAsync(Requester requester, Reply message, string ticketNumber, CancellationToken cancellationToken)
    {
        var recorded = requester.ConversationReference is { Length: > 0 } json
            ? JsonConvert.DeserializeObject<ConversationReference>(json)
            : null;
        var reference = await references.FindAsync(requester.ChannelId, requester.ChannelUserId, recorded, cancellationToken);
        if (reference?.Conversation?.Id is null || reference.ServiceUrl is null)
        {
            throw new EmployeeUnreachableException($"Ticket {ticketNumber} has no conversation to reach its requester in.");
        }

        Exception? failure = null;
        try
        {
            await adapter.ContinueAsync(reference, (turn, ct) => sender.SendAsync(turn, message, ct), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            failure = ex;
        }

        if (failure is { } cause)
        {
            if (ConversationReferences.IsGone(cause))
            {
                await references.RetireAsync(reference, $"the channel refused a message about ticket {ticketNumber}", cancellationToken);
            }

            logger.LogWarning(cause, "Could not reach the requester of ticket {TicketNumber} in their conversation", ticketNumber);
            throw new EmployeeUnreachableException(
                string.Create(CultureInfo.InvariantCulture, $"The employee's conversation for {ticketNumber} can't be reached any more ({cause.GetType().Name})."), cause);
        }
    }
}

/// <summary>The employee's conversation can't be reached (it no longer exists, or the bot was removed from it).</summary>
public sealed class EmployeeUnreachableException(string message, Exception? inner = null) : Exception(message, inner);
