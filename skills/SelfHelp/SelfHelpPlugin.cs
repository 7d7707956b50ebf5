using System.ComponentModel;
using Microsoft.SemanticKernel;

namespace SupportBot.Skills.SelfHelp;

/// <summary>
/// The actions as Semantic Kernel functions, so a configured LLM can pick one. Each only <em>requests</em> the
/// action for the turn's authenticated caller — nothing here can confirm or run a change, and no parameter says who
/// the user is. <see cref="SelfHelpGuard"/> checks every call in code.
/// </summary>
public sealed class SelfHelpPlugin(SelfHelpService service)
{
    public const string Name = "selfhelp";

    [KernelFunction("account_status")]
    [Description("Shows the signed-in employee's own account status: enabled, password age and expiry, SSPR and MFA registration.")]
    public Task<string> AccountStatusAsync(Kernel kernel, CancellationToken cancellationToken) =>
        RequestAsync(kernel, SelfHelpActions.AccountStatus, null, cancellationToken);

    [KernelFunction("password_reset_help")]
    [Description("Helps the signed-in employee reset their own forgotten or expired password (checks self-service reset registration). Never takes a password.")]
    public Task<string> PasswordResetHelpAsync(Kernel kernel, CancellationToken cancellationToken) =>
        RequestAsync(kernel, SelfHelpActions.PasswordResetHelp, null, cancellationToken);

    [KernelFunction("sign_out_everywhere")]
    [Description("Asks the signed-in employee to confirm signing themselves out of all sessions everywhere, e.g. after losing a phone or laptop.")]
    public Task<string> SignOutEverywhereAsync(Kernel kernel, CancellationToken cancellationToken) =>
        RequestAsync(kernel, SelfHelpActions.SessionsRevoke, null, cancellationToken);

    [KernelFunction("sign_in_methods")]
    [Description("Lists the signed-in employee's own registered MFA / sign-in methods.")]
    public Task<string> SignInMethodsAsync(Kernel kernel, CancellationToken cancellationToken) =>
        RequestAsync(kernel, SelfHelpActions.MfaMethods, null, cancellationToken);

    [KernelFunction("list_devices")]
    [Description("Lists the signed-in employee's own Intune-managed devices.")]
    public Task<string> ListDevicesAsync(Kernel kernel, CancellationToken cancellationToken) =>
        RequestAsync(kernel, SelfHelpActions.DevicesList, null, cancellationToken);

    [KernelFunction("sync_device")]
    [Description("Asks the signed-in employee to confirm an Intune sync of one of their own devices.")]
    public Task<string> SyncDeviceAsync(
        Kernel kernel,
        [Description("The device's name, or its kind such as 'laptop' or 'phone'.")] string device,
        CancellationToken cancellationToken) =>
        RequestAsync(kernel, SelfHelpActions.DeviceSync, device, cancellationToken);

    [KernelFunction("restart_device")]
    [Description("Asks the signed-in employee to confirm a remote restart of one of their own devices.")]
    public Task<string> RestartDeviceAsync(
        Kernel kernel,
        [Description("The device's name, or its kind such as 'laptop' or 'phone'.")] string device,
        CancellationToken cancellationToken) =>
        RequestAsync(kernel, SelfHelpActions.DeviceRestart, device, cancellationToken);

    [KernelFunction("install_software")]
    [Description("Requests an approved application for the signed-in employee from the software catalog; they confirm before it is assigned.")]
    public Task<string> InstallSoftwareAsync(
        Kernel kernel,
        [Description("The application's name as the employee said it, e.g. 'visio'.")] string application,
        CancellationToken cancellationToken) =>
        RequestAsync(kernel, SelfHelpActions.SoftwareInstall, application, cancellationToken);

    [KernelFunction("my_licences")]
    [Description("Lists the signed-in employee's own Microsoft 365 licences.")]
    public Task<string> LicencesAsync(Kernel kernel, CancellationToken cancellationToken) =>
        RequestAsync(kernel, SelfHelpActions.LicenseCheck, null, cancellationToken);

    [KernelFunction("service_health")]
    [Description("Checks Microsoft 365 service health for known outages, e.g. when someone says Outlook or Teams is down.")]
    public Task<string> ServiceHealthAsync(
        Kernel kernel,
        [Description("The service mentioned, e.g. 'outlook', 'teams', 'sharepoint'; empty for all.")] string? service,
        CancellationToken cancellationToken) =>
        RequestAsync(kernel, SelfHelpActions.ServiceHealth, service, cancellationToken);

    private async Task<string> RequestAsync(Kernel kernel, SelfHelpAction action, string? argument, CancellationToken cancellationToken)
    {
        // The guard has already refused calls without a turn; this is the last line, not the only one.
        if (SelfHelpTurn.Of(kernel) is not { } turn)
        {
            return "Refused: no signed-in caller.";
        }

        // The user's own words decide whether someone else is named; the model's arguments are checked too.
        var request = new RecognisedRequest(
            action,
            argument,
            RequestRecognizer.OtherPerson(turn.UserText) ?? (argument is null ? null : RequestRecognizer.OtherPerson(argument)),
            RequestRecognizer.IsBulk(turn.UserText));
        var reply = await service.RequestAsync(turn.Caller, request, turn.CorrelationId, cancellationToken);
        turn.Replies.Add(reply);
        return reply.Confirmation is null
            ? reply.Text
            : "A confirmation card was shown to the user. Nothing has run; only the user's click on the card can run it.";
    }
}

/// <summary>The turn a kernel invocation belongs to: the authenticated caller and what the functions replied.</summary>
public sealed class SelfHelpTurn(Caller caller, string userText, string correlationId)
{
    private const string Key = "SupportBot.SelfHelpTurn";

    public Caller Caller { get; } = caller;

    public string UserText { get; } = userText;

    public string CorrelationId { get; } = correlationId;

    public List<ActionReply> Replies { get; } = [];

    internal int Calls { get; set; }

    internal int ChangeRequests { get; set; }

    public static SelfHelpTurn? Of(Kernel kernel) =>
        kernel.Data.TryGetValue(Key, out var value) ? value as SelfHelpTurn : null;

    public void AttachTo(Kernel kernel) => kernel.Data[Key] = this;
}
