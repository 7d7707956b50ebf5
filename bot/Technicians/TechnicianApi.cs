using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SupportBot.Bot.Hosting;
using SupportBot.Bot.Tickets;
using SupportBot.Skills.Conversation;
using SupportBot.Skills.Tickets;

namespace SupportBot.Bot.Technicians;

/// <summary>
/// <c>/api/technician</c>: the queue, a ticket, and the changes a technician makes (claim, reply, end the chat,
/// resolve). Signed-in technicians only; changes need the antiforgery header from <c>GET session</c>. The desk
/// decides what is allowed; this maps its outcomes to status codes and tells the employee after each change.
/// </summary>
public static class TechnicianApi
{
    /// <summary>Longest reply or resolution note, after trimming.</summary>
    public const int MaxTextLength = 4000;

    /// <summary>Most tickets one queue request returns.</summary>
    public const int MaxQueueLength = 500;

    private const int MaxBodyBytes = 64 * 1024;
    private const int MaxNumberLength = 40;
    private const int MaxSearchLength = 200;
    private const int MaxReasonLength = 300;

    /// <summary>How long telling the employee may take; the change itself is already saved by then.</summary>
    private static readonly TimeSpan NotifyTimeout = TimeSpan.FromSeconds(15);

    public static IEndpointRouteBuilder MapTechnicianApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(TechnicianAuthentication.ApiPath)
            .RequireAuthorization(TechnicianAuthentication.Policy)
            .AddEndpointFilter(NoStoreAsync)
            .WithTags("Technician console");
        api.MapGet("/session", Session);
        api.MapGet("/tickets", ListAsync);
        api.MapGet("/tickets/{number}", GetAsync);

        var changes = api.MapGroup("/tickets/{number}").AddEndpointFilter(RequireAntiforgeryAsync);
        changes.MapPost("/claim", ClaimAsync);
        changes.MapPost("/reply", ReplyAsync);
        changes.MapPost("/end-relay", EndRelayAsync);
        changes.MapPost("/resolve", ResolveAsync);
        return app;
    }

    /// <summary>Who is signed in, and the antiforgery token (bound to them) for the changes.</summary>
    private static Ok<SessionView> Session(HttpContext http, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        var admin = Admin.AdminAuthorization.IsAdmin(http.User, http.RequestServices.GetRequiredService<TechnicianAccounts>());
        return TypedResults.Ok(new SessionView(TechnicianView.For(Me(http))!, new AntiforgeryView(tokens.HeaderName, tokens.FormFieldName, tokens.RequestToken), admin));
    }

    private static async Task<Results<Ok<QueueItemView[]>, ProblemHttpResult>> ListAsync(
        HttpContext http,
        [FromServices] ITicketDesk desk,
        string? state,
        string? priority,
        string? category,
        string? assigned,
        string? q,
        CancellationToken cancellationToken)
    {
        var openOnly = false;
        TicketState? stateFilter = null;
        switch (state?.Trim().ToUpperInvariant())
        {
            case null or "" or "ANY":
                break;
            case "OPEN":
                openOnly = true;
                break;
            default:
                if (!TryParseName<TicketState>(state, out var parsedState))
                {
                    return TechnicianProblems.Invalid("'state' must be open, new, claimed, resolved or any.");
                }

                stateFilter = parsedState;
                break;
        }

        TicketPriority? priorityFilter = null;
        if (!string.IsNullOrWhiteSpace(priority) && !string.Equals(priority.Trim(), "any", StringComparison.OrdinalIgnoreCase))
        {
            if (!TryParseName<TicketPriority>(priority, out var parsedPriority))
            {
                return TechnicianProblems.Invalid("'priority' must be low, medium, high, critical or any.");
            }

            priorityFilter = parsedPriority;
        }

        string? assignedTo;
        switch (assigned?.Trim().ToUpperInvariant())
        {
            case null or "" or "ANY":
                assignedTo = null;
                break;
            case "ME":
                assignedTo = Me(http).UserName;
                break;
            default:
                return TechnicianProblems.Invalid("'assigned' must be me or any.");
        }

        var search = q?.Trim();
        if (search?.Length > MaxSearchLength)
        {
            return TechnicianProblems.Invalid($"'q' can be at most {MaxSearchLength} characters.");
        }

        var filter = new TicketFilter(
            stateFilter,
            priorityFilter,
            string.IsNullOrWhiteSpace(category) || string.Equals(category.Trim(), "any", StringComparison.OrdinalIgnoreCase) ? null : category.Trim(),
            assignedTo,
            string.IsNullOrEmpty(search) ? null : search);
        var tickets = await desk.ListAsync(filter, cancellationToken);

        // The queue order technicians work in: open before done, most urgent first, then oldest first.
        return TypedResults.Ok(tickets
            .Where(t => !openOnly || t.State != TicketState.Resolved)
            .OrderBy(t => t.State == TicketState.Resolved)
            .ThenByDescending(t => t.Priority)
            .ThenBy(t => t.CreatedAt)
            .Take(MaxQueueLength)
            .Select(QueueItemView.For)
            .ToArray());
    }

    private static async Task<Results<Ok<TicketView>, ProblemHttpResult>> GetAsync(
        HttpContext http,
        [FromServices] ITicketDesk desk,
        string number,
        CancellationToken cancellationToken)
    {
        if (!IsPlausibleNumber(number) || await desk.GetAsync(number, cancellationToken) is not { } ticket)
        {
            return TechnicianProblems.NotFound();
        }

        return TypedResults.Ok(await ViewAsync(desk, ticket, Me(http), cancellationToken));
    }

    private static Task<Results<Ok<ChangeView>, ProblemHttpResult>> ClaimAsync([AsParameters] ChangeRequest request) =>
        ChangeAsync(request, new TicketChange(
            "claimed",
            (me, ct) => request.Desk.ClaimAsync(request.Number, me, ct),
            (logger, me) => logger.LogInformation("Technician {Technician} claimed ticket {TicketNumber}", me.UserName, request.Number),
            // Claiming a ticket you hold with its chat open changes nothing: the employee was told the first time.
            // (Claiming it again after ending the chat reopens the chat, and the employee is told that.)
            (before, me) => !(before.State == TicketState.Claimed && IsHeldBy(before, me) && before.RelayOpen),
            (notifier, ticket, ct) => notifier.TicketClaimedAsync(ticket, ct)));

    private static async Task<Results<Created<ReplyView>, ProblemHttpResult>> ReplyAsync([AsParameters] ChangeRequest request)
    {
        var (http, desk, number, loggers, time, cancellationToken) = request;
        var me = Me(http);
        var body = await ReadChangeAsync<ReplyRequest>(http, number, required: true, cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var text = body.Value?.Text?.Trim() ?? string.Empty;
        if (text.Length == 0)
        {
            return TechnicianProblems.Invalid("Write a reply first: 'text' is empty.");
        }

        if (text.Length > MaxTextLength)
        {
            return TechnicianProblems.Invalid($"A reply can be at most {MaxTextLength} characters; this one has {text.Length}.");
        }

        if (await desk.GetAsync(number, cancellationToken) is not { } ticket)
        {
            return TechnicianProblems.NotFound();
        }

        // Replies are not an implicit claim: two technicians must not talk to the employee at once.
        if (ticket.State == TicketState.Resolved)
        {
            return TechnicianProblems.AlreadyResolved();
        }

        if (ticket.AssignedTo is null)
        {
            return TechnicianProblems.NotClaimed();
        }

        if (!IsHeldBy(ticket, me))
        {
            return TechnicianProblems.ClaimedByOther(ticket.AssignedTo);
        }

        // Checked and accepted: stored even if the technician closes the tab now, so the answer can't lie about it.
        var message = await desk.AddMessageAsync(number, Speaker.Technician, me.DisplayName, text, CancellationToken.None);
        var logger = Logger(loggers);
        logger.LogInformation("Technician {Technician} replied on ticket {TicketNumber} (message {MessageId})", me.UserName, number, message.Id);
        var delivery = await NotifyAsync(http, logger, time, number, "technician message", (n, ct) => n.TechnicianMessageAsync(ticket, message, ct));
        return TypedResults.Created(
            $"{http.Request.PathBase}{TechnicianAuthentication.ApiPath}/tickets/{Uri.EscapeDataString(number)}",
            new ReplyView(MessageView.For(message), await ViewAsync(desk, ticket, me, cancellationToken), delivery.Delivered ?? true, delivery.Reason));
    }

    private static Task<Results<Ok<ChangeView>, ProblemHttpResult>> EndRelayAsync([AsParameters] ChangeRequest request) =>
        ChangeAsync(request, new TicketChange(
            "relay ended",
            (me, ct) => request.Desk.EndRelayAsync(request.Number, me, ct),
            (logger, me) => logger.LogInformation("Technician {Technician} ended the chat on ticket {TicketNumber}", me.UserName, request.Number),
            (before, _) => before.RelayOpen,
            (notifier, ticket, ct) => notifier.RelayEndedAsync(ticket, ct)));

    private static async Task<Results<Ok<ChangeView>, ProblemHttpResult>> ResolveAsync([AsParameters] ChangeRequest request)
    {
        var body = await ReadChangeAsync<ResolveRequest>(request.Http, request.Number, required: false, request.CancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var note = body.Value?.Note?.Trim();
        if (note?.Length > MaxTextLength)
        {
            return TechnicianProblems.Invalid($"A resolution note can be at most {MaxTextLength} characters; this one has {note.Length}.");
        }

        return await ChangeAsync(request, new TicketChange(
            "resolved",
            (me, ct) => request.Desk.ResolveAsync(request.Number, me, string.IsNullOrEmpty(note) ? null : note, ct),
            (logger, me) => logger.LogInformation("Technician {Technician} resolved ticket {TicketNumber}", me.UserName, request.Number),
            (_, _) => true,
            (notifier, ticket, ct) => notifier.TicketResolvedAsync(ticket, ct),
            IfNotReadBack: TicketChange.Fallback.NotFound));
    }

    /// <summary>
    /// Makes one change through the desk: finds the ticket, has the desk make the change (a refusal becomes its
    /// problem), logs it, tells the employee when the change needs telling, and answers with the ticket as it now is.
    /// </summary>
    private static async Task<Results<Ok<ChangeView>, ProblemHttpResult>> ChangeAsync(ChangeRequest request, TicketChange change)
    {
        var (http, desk, number, loggers, time, cancellationToken) = request;
        var me = Me(http);
        if (!IsPlausibleNumber(number) || await desk.GetAsync(number, cancellationToken) is not { } before)
        {
            return TechnicianProblems.NotFound();
        }

        var result = await change.Make(me, cancellationToken);
        if (result.Outcome != DeskOutcome.Done)
        {
            return await ProblemAsync(desk, number, result, cancellationToken);
        }

        var ticket = result.Ticket ?? await desk.GetAsync(number, cancellationToken)
            ?? (change.IfNotReadBack == TicketChange.Fallback.TicketBefore ? before : null);
        if (ticket is null)
        {
            return TechnicianProblems.NotFound();
        }

        var logger = Logger(loggers);
        change.Log(logger, me);

        // The ticket's card in the technicians' Teams channel shows the new state too.
        await http.RequestServices.GetRequiredService<TechnicianChannel>().RefreshAsync(number, cancellationToken);
        var delivery = change.NeedsTelling(before, me)
            ? await NotifyAsync(http, logger, time, number, change.Notification, (n, ct) => change.Tell(n, ticket, ct))
            : Delivery.NotNeeded;
        return TypedResults.Ok(new ChangeView(await ViewAsync(desk, ticket, me, cancellationToken), delivery.Delivered, delivery.Reason));
    }

    private static Technician Me(HttpContext http) =>
        TechnicianAuthentication.Technician(http.User)
        ?? throw new InvalidOperationException("The technician policy let through a user without a technician claim.");

    private static bool IsHeldBy(TicketRecord ticket, Technician me) =>
        ticket.AssignedTo is { } holder && string.Equals(holder.UserName, me.UserName, StringComparison.OrdinalIgnoreCase);

    /// <summary>Ticket numbers are short and plain; anything else is not a ticket and is not looked up.</summary>
    private static bool IsPlausibleNumber(string? number) =>
        !string.IsNullOrEmpty(number) && number.Length <= MaxNumberLength &&
        number.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>Enum names only ("claimed"), not numbers ("1") that Enum.TryParse would also take.</summary>
    private static bool TryParseName<T>(string value, out T parsed)
        where T : struct, Enum =>
        Enum.TryParse(value.Trim(), ignoreCase: true, out parsed) && Enum.IsDefined(parsed) && !char.IsAsciiDigit(value.Trim()[0]);

    private static async Task<TicketView> ViewAsync(ITicketDesk desk, TicketRecord ticket, Technician me, CancellationToken cancellationToken) =>
        TicketView.For(ticket, await desk.MessagesAsync(ticket.Number, cancellationToken), me);

    /// <summary>The problem for a refused change; names the holder when another technician has the ticket.</summary>
    private static async Task<ProblemHttpResult> ProblemAsync(ITicketDesk desk, string number, DeskResult result, CancellationToken cancellationToken)
    {
        var ticket = result.Ticket;
        if (result.Outcome == DeskOutcome.ClaimedByOther && ticket?.AssignedTo is null)
        {
            ticket = await desk.GetAsync(number, cancellationToken);
        }

        return TechnicianProblems.For(result.Outcome, ticket);
    }

    /// <summary>
    /// Tells the employee about a change that is already saved. A failure (their conversation is gone, the channel is
    /// down) is logged and reported; the change stands either way. Runs to its own deadline, not the request's, so a
    /// technician closing the tab doesn't cut the message off halfway.
    /// </summary>
    private static async Task<Delivery> NotifyAsync(
        HttpContext http,
        ILogger logger,
        TimeProvider time,
        string number,
        string what,
        Func<ITicketNotifier, CancellationToken, Task> send)
    {
        var notifier = http.RequestServices.GetService<ITicketNotifier>();
        if (notifier is null)
        {
            logger.LogWarning("Ticket {TicketNumber} changed ({Notification}) but no ITicketNotifier is registered, so the employee was not told", number, what);
            return new Delivery(false, "The change is saved, but this bot has no way to reach employees configured: the employee was not told.");
        }

        using var deadline = new CancellationTokenSource(NotifyTimeout, time);
        try
        {
            await send(notifier, deadline.Token);
            return new Delivery(true, null);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Ticket {TicketNumber} changed ({Notification}) but the employee could not be told", number, what);
            var why = ex is OperationCanceledException ? $"their chat did not answer within {NotifyTimeout.TotalSeconds:0} s" : ex.Message;
            var reason = "The change is saved, but the employee could not be told in their chat: " + why;
            return new Delivery(false, reason.Length > MaxReasonLength ? string.Concat(reason.AsSpan(0, MaxReasonLength - 1), "…") : reason);
        }
    }

    /// <summary>The body of a change to ticket <paramref name="number"/>; a number that can't be a ticket is Not Found.</summary>
    private static async Task<BodyRead<T>> ReadChangeAsync<T>(HttpContext http, string number, bool required, CancellationToken cancellationToken)
        where T : class
    {
        if (!IsPlausibleNumber(number))
        {
            return new BodyRead<T>(null, TechnicianProblems.NotFound());
        }

        if (await RequestBody.ReadAtMostAsync(http.Request, MaxBodyBytes, cancellationToken) is not { } bytes)
        {
            return new BodyRead<T>(null, TechnicianProblems.TooLarge(MaxBodyBytes));
        }

        if (bytes.Length == 0)
        {
            return required
                ? new BodyRead<T>(null, TechnicianProblems.Invalid("The body is empty; send JSON such as {\"text\": \"…\"}."))
                : new BodyRead<T>(null, null);
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(bytes, JsonSerializerOptions.Web);
            return value is null && required
                ? new BodyRead<T>(null, TechnicianProblems.Invalid("The body must be a JSON object."))
                : new BodyRead<T>(value, null);
        }
        catch (JsonException)
        {
            return new BodyRead<T>(null, TechnicianProblems.Invalid("The body is not valid JSON (or has a field of the wrong type)."));
        }
    }

    private static ILogger Logger(ILoggerFactory loggers) => loggers.CreateLogger(typeof(TechnicianApi).FullName!);

    /// <summary>Tickets hold personal data: never cached; and never sniffed into anything but JSON.</summary>
    private static async ValueTask<object?> NoStoreAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var headers = context.HttpContext.Response.Headers;
        // What antiforgery sets on the session's answer too (it warns when it has to override something else).
        headers.CacheControl = "no-cache, no-store";
        headers.Pragma = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        return await next(context);
    }

    private static async ValueTask<object?> RequireAntiforgeryAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
        return await antiforgery.IsRequestValidAsync(http) ? await next(context) : TechnicianProblems.Antiforgery();
    }

    private sealed record ReplyRequest(string? Text);

    private sealed record ResolveRequest(string? Note);

    private sealed record BodyRead<T>(T? Value, ProblemHttpResult? Problem)
        where T : class;

    /// <summary>What each change endpoint is given: the request, the desk, the ticket number from the route, and logging and time.</summary>
    private readonly record struct ChangeRequest(
        HttpContext Http,
        [FromServices] ITicketDesk Desk,
        string Number,
        ILoggerFactory Loggers,
        TimeProvider Time,
        CancellationToken CancellationToken);

    /// <summary>A change the desk makes to a ticket for a technician, and what the employee is told about it.</summary>
    /// <param name="Notification">What the employee is told, as logs name it ("claimed").</param>
    /// <param name="Make">Has the desk make the change for the technician.</param>
    /// <param name="Log">Logs that the technician made it.</param>
    /// <param name="NeedsTelling">Whether the employee is told, given the ticket as it was before the change.</param>
    /// <param name="Tell">Tells the employee, given the ticket as it is after the change.</param>
    /// <param name="IfNotReadBack">What answers when the desk neither returns the changed ticket nor can read it back.</param>
    private sealed record TicketChange(
        string Notification,
        Func<Technician, CancellationToken, Task<DeskResult>> Make,
        Action<ILogger, Technician> Log,
        Func<TicketRecord, Technician, bool> NeedsTelling,
        Func<ITicketNotifier, TicketRecord, CancellationToken, Task> Tell,
        TicketChange.Fallback IfNotReadBack = TicketChange.Fallback.TicketBefore)
    {
        public enum Fallback
        {
            /// <summary>The ticket as it was before the change.</summary>
            TicketBefore,

            /// <summary>Not Found.</summary>
            NotFound,
        }
    }

    /// <summary>Whether the employee was told: null when nothing needed telling.</summary>
    private sealed record Delivery(bool? Delivered, string? Reason)
    {
        public static readonly Delivery NotNeeded = new(null, null);
    }
}
