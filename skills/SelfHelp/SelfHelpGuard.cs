using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;

namespace SupportBot.Skills.SelfHelp;

/// <summary>
/// Every kernel function call passes here, whatever the model was told by the user or by an article. It enforces in
/// code: only self-help functions, only for the turn's authenticated caller, never naming another person, at most
/// one change request per turn (each still needs the caller's click), and the conversation stops after it — the model
/// can't chain calls or confirm anything.
/// </summary>
public sealed class SelfHelpGuard(IAuditLog audit, TimeProvider time, ILogger<SelfHelpGuard> logger) : IFunctionInvocationFilter, IAutoFunctionInvocationFilter
{
    private const int MaxCallsPerTurn = 3;

    public async Task OnFunctionInvocationAsync(FunctionInvocationContext context, Func<FunctionInvocationContext, Task> next)
    {
        var turn = SelfHelpTurn.Of(context.Kernel);
        var action = SelfHelpActions.All.FirstOrDefault(a => ActionOf(context.Function) == a.Id);
        var refusal =
            context.Function.PluginName != SelfHelpPlugin.Name || action is null ? "not a self-help function" :
            turn is null ? "no authenticated caller for this call" :
            ++turn.Calls > MaxCallsPerTurn ? "too many function calls in one turn" :
            action.ChangesState && ++turn.ChangeRequests > 1 ? "more than one change requested in one turn" :
            context.Arguments.Values.Any(v => NamesSomeoneElse(v?.ToString(), turn.Caller))
                ? "a function argument names another person"
                : null;
        if (refusal is null)
        {
            await next(context);
            return;
        }

        logger.LogWarning("Refused the model's call to {Function}: {Reason}", context.Function.Name, refusal);
        await audit.WriteAsync(
            new AuditEntry(time.GetUtcNow(), turn?.CorrelationId ?? "none", turn?.Caller.AuditId ?? "unknown", turn?.Caller.ChannelId ?? "unknown",
                action?.Id ?? context.Function.Name, null, AuditOutcome.Refused, $"LLM call refused: {refusal}"),
            CancellationToken.None);
        if (turn is not null)
        {
            turn.Replies.Add(new ActionReply("I can only run one action at a time, for your own account and devices, and only after you confirm it. Nothing was changed.", AuditOutcome.Refused));
        }

        context.Result = new FunctionResult(context.Function, $"Refused: {refusal}. Nothing ran.");
    }

    public async Task OnAutoFunctionInvocationAsync(AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task> next)
    {
        await next(context);

        // The function's own reply goes to the user as written; the model doesn't get another turn to embellish it.
        context.Terminate = true;
    }

    // Possessives ("Adele's iPhone") may be the caller's own device; the service checks those against the directory.
    private static bool NamesSomeoneElse(string? value, Caller caller) =>
        RequestRecognizer.EmailIn(value) is { } email && !string.Equals(email, caller.DirectoryKey, StringComparison.OrdinalIgnoreCase);

    private static string ActionOf(KernelFunction function) => function.Name switch
    {
        "account_status" => SelfHelpActions.AccountStatus.Id,
        "password_reset_help" => SelfHelpActions.PasswordResetHelp.Id,
        "sign_out_everywhere" => SelfHelpActions.SessionsRevoke.Id,
        "sign_in_methods" => SelfHelpActions.MfaMethods.Id,
        "list_devices" => SelfHelpActions.DevicesList.Id,
        "sync_device" => SelfHelpActions.DeviceSync.Id,
        "restart_device" => SelfHelpActions.DeviceRestart.Id,
        "install_software" => SelfHelpActions.SoftwareInstall.Id,
        "my_licences" => SelfHelpActions.LicenseCheck.Id,
        "service_health" => SelfHelpActions.ServiceHealth.Id,
        _ => string.Empty,
    };
}
