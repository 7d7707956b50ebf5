using Microsoft.AspNetCore.Http.HttpResults;
using SupportBot.Skills.Tickets;

namespace SupportBot.Bot.Technicians;

/// <summary>Every error the console API answers, as ProblemDetails with a stable <c>code</c> the page can act on.</summary>
internal static class TechnicianProblems
{
    /// <summary>Also the answer for a malformed number: a guessed or forged number tells nothing.</summary>
    public static ProblemHttpResult NotFound() =>
        Problem(StatusCodes.Status404NotFound, "notFound", "Ticket not found.", "There is no ticket with that number.");

    public static ProblemHttpResult ClaimedByOther(Technician? holder) =>
        Problem(
            StatusCodes.Status409Conflict,
            "claimedByOther",
            "Another technician has this ticket.",
            holder is null ? "Another technician holds this ticket." : $"{holder.DisplayName} ({holder.UserName}) holds this ticket.");

    public static ProblemHttpResult AlreadyResolved() =>
        Problem(StatusCodes.Status409Conflict, "alreadyResolved", "This ticket is already resolved.", "A resolved ticket can't be changed.");

    public static ProblemHttpResult NotClaimed() =>
        Problem(StatusCodes.Status409Conflict, "notClaimed", "Nobody has claimed this ticket.", "Claim it first.");

    public static ProblemHttpResult Invalid(string? detail = null) =>
        Problem(StatusCodes.Status400BadRequest, "invalid", "The request was not accepted.", detail ?? "The help desk refused this change as invalid.");

    public static ProblemHttpResult Antiforgery() =>
        Problem(
            StatusCodes.Status400BadRequest,
            "antiforgery",
            "The request's antiforgery token is missing or invalid.",
            "Reload the console and try again.");

    public static ProblemHttpResult TooLarge(int maxBytes) =>
        Problem(StatusCodes.Status413PayloadTooLarge, "tooLarge", "The request is too large.", $"The body must be at most {maxBytes / 1024} KB.");

    /// <summary>The problem for a desk outcome other than Done.</summary>
    public static ProblemHttpResult For(DeskOutcome outcome, TicketRecord? ticket) => outcome switch
    {
        DeskOutcome.NotFound => NotFound(),
        DeskOutcome.ClaimedByOther => ClaimedByOther(ticket?.AssignedTo),
        DeskOutcome.AlreadyResolved => AlreadyResolved(),
        DeskOutcome.NotClaimed => NotClaimed(),
        DeskOutcome.Invalid => Invalid(),
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Done is not a problem."),
    };

    private static ProblemHttpResult Problem(int status, string code, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title, extensions: new Dictionary<string, object?> { ["code"] = code });
}
