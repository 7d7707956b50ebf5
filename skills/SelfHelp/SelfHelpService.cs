using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SupportBot.Skills.Conversation;

namespace SupportBot.Skills.SelfHelp;

/// <summary>
/// Runs self-help actions for the authenticated caller. Read-only actions answer at once; anything that changes
/// state returns a confirmation card and runs only from <see cref="ConfirmAsync"/>, for the same user, once, in time.
/// Every attempt — allowed, refused or failed — goes to the audit log.
/// </summary>
public sealed class SelfHelpService(
    IDirectory directory,
    IDeviceManager deviceManager,
    IServiceHealth serviceHealth,
    SoftwareCatalog catalog,
    IConfirmationStore confirmations,
    IAuditLog audit,
    IOptions<SelfHelpOptions> options,
    IOptions<OrganisationLinks> links,
    TimeProvider time,
    ILogger<SelfHelpService> logger)
{
    private const string DemoNote = "\n\n_Demo tenant: this used SupportBot's built-in sample directory, not your organisation's._";

    private static readonly Dictionary<string, string> LicenceNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["SPE_E3"] = "Microsoft 365 E3",
        ["SPE_E5"] = "Microsoft 365 E5",
        ["SPE_F1"] = "Microsoft 365 F3",
        ["ENTERPRISEPACK"] = "Office 365 E3",
        ["STANDARDPACK"] = "Office 365 E1",
        ["O365_BUSINESS_PREMIUM"] = "Microsoft 365 Business Standard",
        ["SPB"] = "Microsoft 365 Business Premium",
        ["VISIOCLIENT"] = "Visio Plan 2",
        ["PROJECTPROFESSIONAL"] = "Project Plan 3",
        ["POWER_BI_PRO"] = "Power BI Pro",
        ["EMS"] = "Enterprise Mobility + Security E3",
    };

    private static readonly Dictionary<string, string> ServiceNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["outlook"] = "Exchange Online",
        ["email"] = "Exchange Online",
        ["e-mail"] = "Exchange Online",
        ["exchange"] = "Exchange Online",
        ["teams"] = "Microsoft Teams",
        ["sharepoint"] = "SharePoint Online",
        ["onedrive"] = "OneDrive for Business",
    };

    private SelfHelpOptions Options => options.Value;

    private IAuditLog Audit => audit;

    private TimeProvider Clock => time;

    private ILogger Logger => logger;

    private OrganisationLinks Links => links.Value;

    /// <summary>True when actions run against the built-in demo tenant.</summary>
    public bool IsDemo => Options.Mode == GraphMode.Sandbox;

    /// <summary>Handles a request: answers read-only actions, or returns a confirmation card for ones that change state.</summary>
    public async Task<ActionReply> RequestAsync(Caller caller, RecognisedRequest request, string correlationId, CancellationToken cancellationToken)
    {
        var action = request.Action;
        using var stage = SupportTelemetry.Stage(SupportStage.Act);
        stage.SetTag("supportbot.action", action.Id);
        var attempt = new Attempt(this, caller, action, correlationId);
        if (!Options.IsEnabled(action.Id))
        {
            return await attempt.RefuseAsync("switched off by an administrator",
                $"\"{action.Title}\" is switched off here by your IT team. A technician can help with it instead.",
                cancellationToken, offerTechnician: true);
        }

        if (request.Bulk)
        {
            return await attempt.RefuseAsync("asked for many accounts or devices at once",
                "I can only act on your own account, one device at a time. Nothing was changed.", cancellationToken);
        }

        try
        {
            // Service health is about Microsoft 365, not about a person: guests may ask too.
            if (action == SelfHelpActions.ServiceHealth)
            {
                return await ServiceHealthAsync(attempt, request.Argument, cancellationToken);
            }

            if (!caller.IsVerified)
            {
                return action == SelfHelpActions.PasswordResetHelp
                    ? await attempt.DoneAsync(null, GuestPasswordHelp(), AuditOutcome.Succeeded, cancellationToken, "guest: general steps only")
                    : await attempt.RefuseAsync("the channel did not identify the caller",
                        $"I can't \"{action.Title.ToLowerInvariant()}\" here because this chat doesn't tell me who you are. " +
                        "Ask me in Microsoft Teams or on the intranet page while signed in, or contact the help desk.",
                        cancellationToken);
            }

            var user = await directory.FindUserAsync(caller.DirectoryKey!, cancellationToken);
            if (user is null)
            {
                return await attempt.RefuseAsync("the caller is not in the directory",
                    "I couldn't find your account in the directory, so I can't run account or device actions for you. " +
                    "I can still answer questions — or a technician can look into your account.",
                    cancellationToken, offerTechnician: true);
            }

            attempt.User = user;
            if (request.OtherPerson is { } other && !IsSelf(other, user) && !await NamesOwnDeviceAsync(request, user, cancellationToken))
            {
                logger.LogWarning("Refused {Action} for {Caller}: the request names someone else", action.Id, caller.AuditId);
                return await attempt.RefuseAsync("the request named another person",
                    "I can only do this for your own account and devices — never for someone else, even with their permission. " +
                    "They can ask me themselves, or a technician can help them.",
                    cancellationToken);
            }

            return action.Id switch
            {
                "account.status" => await AccountStatusAsync(attempt, user, cancellationToken),
                "password.reset-help" => await PasswordHelpAsync(attempt, user, cancellationToken),
                "sessions.revoke" => await ConfirmFirstAsync(attempt, user.Id, user.DisplayName,
                    "Sign out everywhere?",
                    "This signs you out of Outlook, Teams, OneDrive and every browser on all your devices. You'll sign in again with your password and MFA. It takes effect within a few minutes.",
                    "Sign me out everywhere", cancellationToken),
                "mfa.methods" => await SignInMethodsAsync(attempt, user, request.Argument, cancellationToken),
                "devices.list" => await DevicesAsync(attempt, user, cancellationToken),
                "device.sync" or "device.restart" => await DeviceActionAsync(attempt, user, request.Argument, cancellationToken),
                "software.install" => await InstallAsync(attempt, user, request.Argument, cancellationToken),
                "license.check" => await LicencesAsync(attempt, user, cancellationToken),
                _ => await attempt.RefuseAsync("unknown action", "I can't do that one yet.", cancellationToken),
            };
        }
        catch (ConnectorException ex)
        {
            return await attempt.FailAsync(ex, cancellationToken);
        }
    }

    /// <summary>Runs a confirmed action — only for the user the card was made for, once, before it expires.</summary>
    public async Task<ActionReply> ConfirmAsync(Caller caller, ConfirmationSubmit submit, string correlationId, CancellationToken cancellationToken)
    {
        var claimed = SelfHelpActions.Find(submit.ActionId);
        using var stage = SupportTelemetry.Stage(SupportStage.Act);
        stage.SetTag("supportbot.action", claimed?.Id ?? "unknown");
        var attempt = new Attempt(this, caller, claimed ?? new SelfHelpAction(submit.ActionId ?? "unknown", "this action", string.Empty, true, string.Empty), correlationId);
        if (string.IsNullOrWhiteSpace(submit.Token) || claimed is null)
        {
            return await attempt.RefuseAsync("confirmation without a token or action",
                "That confirmation was incomplete, so I didn't run anything. Ask me again and use the buttons on the new card.", cancellationToken);
        }

        var found = await confirmations.FindAsync(submit.Token, cancellationToken);
        if (found is not { } entry)
        {
            return await attempt.RefuseAsync("unknown confirmation token",
                "I don't recognise that confirmation, so I didn't run anything. Ask me again for a fresh card.", cancellationToken);
        }

        var pending = entry.Pending;
        attempt.CorrelationId = pending.CorrelationId;
        attempt.Target = pending.TargetName;
        if (!string.Equals(pending.ChannelUserId, caller.ChannelUserId, StringComparison.Ordinal) || !caller.IsVerified)
        {
            logger.LogWarning("Refused a confirmation of {Action} by {Caller}: the card belongs to someone else", pending.ActionId, caller.AuditId);
            return await attempt.RefuseAsync("confirmation clicked by another user",
                "That card was for someone else, so I didn't run anything. If you need this too, ask me yourself.", cancellationToken);
        }

        if (!string.Equals(pending.ActionId, claimed.Id, StringComparison.Ordinal))
        {
            return await attempt.RefuseAsync("confirmation does not match its action",
                "That confirmation doesn't match what it was issued for, so I didn't run anything.", cancellationToken);
        }

        if (entry.Used)
        {
            return await attempt.RefuseAsync("confirmation already used",
                "That card has already been used, so I didn't run it again.", cancellationToken);
        }

        if (time.GetUtcNow() > pending.ExpiresAt)
        {
            return await attempt.RefuseAsync("confirmation expired",
                $"That card expired (they last {Options.ConfirmationLifetime.TotalMinutes:0} minutes), so I didn't run anything. Ask me again if you still need it.",
                cancellationToken);
        }

        if (!await confirmations.TryUseAsync(pending.Token, cancellationToken))
        {
            return await attempt.RefuseAsync("confirmation already used",
                "That card has already been used, so I didn't run it again.", cancellationToken);
        }

        if (!submit.Approved)
        {
            return await attempt.DoneAsync(pending.TargetName, "OK — I didn't change anything.", AuditOutcome.Cancelled, cancellationToken);
        }

        if (!Options.IsEnabled(claimed.Id))
        {
            return await attempt.RefuseAsync("switched off by an administrator",
                $"\"{claimed.Title}\" was switched off by your IT team after the card was sent, so I didn't run it.", cancellationToken, offerTechnician: true);
        }

        try
        {
            return await RunAsync(attempt, pending, cancellationToken);
        }
        catch (ConnectorException ex)
        {
            return await attempt.FailAsync(ex, cancellationToken);
        }
    }

    private async Task<ActionReply> RunAsync(Attempt attempt, PendingConfirmation pending, CancellationToken cancellationToken)
    {
        switch (pending.ActionId)
        {
            case "sessions.revoke":
                await directory.RevokeSessionsAsync(pending.DirectoryUserId, cancellationToken);
                return await attempt.DoneAsync(pending.TargetName,
                    "Done — you're being signed out everywhere. Apps ask you to sign in again within a few minutes (some take up to an hour).\n\n" +
                    "If a laptop or phone was lost or stolen, report it now too, so it can be wiped.",
                    AuditOutcome.Succeeded, cancellationToken) with
                { NextArticleId = "security-lost-device" };
            case "device.sync":
                await deviceManager.SyncAsync(pending.TargetId, cancellationToken);
                return await attempt.DoneAsync(pending.TargetName,
                    $"Done — I asked Intune to sync **{pending.TargetName}**. It checks in within a few minutes and picks up new apps, settings and policies.",
                    AuditOutcome.Succeeded, cancellationToken);
            case "device.restart":
                await deviceManager.RestartAsync(pending.TargetId, cancellationToken);
                return await attempt.DoneAsync(pending.TargetName,
                    $"Done — **{pending.TargetName}** will restart within a few minutes, as soon as it's online.",
                    AuditOutcome.Succeeded, cancellationToken);
            case "software.install":
                await directory.AddMemberAsync(pending.DirectoryUserId, pending.TargetId, cancellationToken);
                return await attempt.DoneAsync(pending.TargetName,
                    $"Done — **{pending.TargetName}** is assigned to you. Intune installs it on your work devices, usually within an hour. " +
                    $"To get it sooner, open {Links.CompanyPortalName} and install it from there.",
                    AuditOutcome.Succeeded, cancellationToken);
            default:
                return await attempt.RefuseAsync("unknown action", "I can't run that one.", cancellationToken);
        }
    }

    private async Task<ActionReply> AccountStatusAsync(Attempt attempt, DirectoryUser user, CancellationToken cancellationToken)
    {
        var registration = await directory.GetRegistrationAsync(user.Id, cancellationToken);
        var lifetime = user.PasswordNeverExpires ? null : await directory.GetPasswordLifetimeDaysAsync(Domain(user), cancellationToken);
        var now = time.GetUtcNow();
        var text = new StringBuilder($"Here's your account, {FirstName(user)}:\n\n");
        text.Append(CultureInfo.InvariantCulture, $"- **Account:** {(user.AccountEnabled ? "active" : "disabled — contact the help desk to re-enable it")}\n");
        if (user.LastPasswordChange is { } changed)
        {
            text.Append(CultureInfo.InvariantCulture, $"- **Password last changed:** {Day(changed)} ({Ago(now - changed)})\n");
            if (lifetime is { } days)
            {
                var expires = changed.AddDays(days);
                text.Append(expires > now
                    ? $"- **Password expires:** {Day(expires)} (in {Days(expires - now)})\n"
                    : $"- **Password expired** on {Day(expires)} — change it at {Links.PasswordResetUrl}\n");
            }
            else
            {
                text.Append("- **Password expires:** never\n");
            }
        }

        text.Append(CultureInfo.InvariantCulture, $"- **Self-service password reset:** {(registration.SsprRegistered ? "registered" : $"not registered — set it up at {Links.MfaSetupUrl}")}\n");
        text.Append(CultureInfo.InvariantCulture, $"- **Multi-factor authentication:** {(registration.MfaRegistered ? "registered" : $"not registered — set it up at {Links.MfaSetupUrl}")}");
        return await attempt.DoneAsync(user.UserPrincipalName, text.ToString(), AuditOutcome.Succeeded, cancellationToken);
    }

    private async Task<ActionReply> PasswordHelpAsync(Attempt attempt, DirectoryUser user, CancellationToken cancellationToken)
    {
        var registration = await directory.GetRegistrationAsync(user.Id, cancellationToken);
        if (!user.AccountEnabled)
        {
            return await attempt.DoneAsync(user.UserPrincipalName,
                "Your account is disabled, so a new password won't help yet. A technician needs to check it with you.",
                AuditOutcome.NeedsTechnician, cancellationToken, "account disabled");
        }

        if (!registration.SsprRegistered)
        {
            return await attempt.DoneAsync(user.UserPrincipalName,
                "You aren't registered for self-service password reset, so you can't reset it yourself yet. " +
                "A technician can confirm who you are and reset it for you — don't send your password to anyone, including me.\n\n" +
                $"Once you're back in, register at {Links.MfaSetupUrl} so next time you can do it yourself.",
                AuditOutcome.NeedsTechnician, cancellationToken, "not registered for SSPR");
        }

        return await attempt.DoneAsync(user.UserPrincipalName,
            "Good news: you're registered for self-service password reset, so you can do it yourself in a couple of minutes:\n\n" +
            $"1. Open {Links.PasswordResetUrl} (from any device, even a personal phone).\n" +
            $"2. Enter **{user.UserPrincipalName}** and the characters shown.\n" +
            "3. Verify it's you with your registered method (Authenticator app or phone).\n" +
            $"4. Choose a new password: {Links.PasswordPolicy}.\n" +
            "5. Sign in again with it on your laptop, phone and Outlook.\n\n" +
            "Never type your password in a chat — not even here.",
            AuditOutcome.Succeeded, cancellationToken);
    }

    private async Task<ActionReply> SignInMethodsAsync(Attempt attempt, DirectoryUser user, string? argument, CancellationToken cancellationToken)
    {
        if (argument == RequestRecognizer.MfaChangeArgument)
        {
            return await attempt.DoneAsync(user.UserPrincipalName,
                "Adding or removing a sign-in method, or issuing a Temporary Access Pass, has to be done by a technician who verifies it's really you. " +
                "I'll hand it over with what we've discussed so you don't have to repeat it.",
                AuditOutcome.NeedsTechnician, cancellationToken, "sign-in method change requested");
        }

        var methods = await directory.GetSignInMethodsAsync(user.Id, cancellationToken);
        var text = new StringBuilder(methods.Count == 0
            ? "You have no sign-in methods registered besides your password."
            : "These are the sign-in methods registered for your account:\n\n");
        foreach (var method in methods)
        {
            text.Append(CultureInfo.InvariantCulture, $"- {method.Kind}{(method.Name is null ? string.Empty : $" — {method.Name}")}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"\nTo add a method yourself go to {Links.MfaSetupUrl}; to remove one you no longer have (a lost phone), ask a technician.");
        return await attempt.DoneAsync(user.UserPrincipalName, text.ToString(), AuditOutcome.Succeeded, cancellationToken);
    }

    private async Task<ActionReply> DevicesAsync(Attempt attempt, DirectoryUser user, CancellationToken cancellationToken)
    {
        var devices = await deviceManager.GetDevicesAsync(user.Id, cancellationToken);
        if (devices.Count == 0)
        {
            return await attempt.DoneAsync(user.UserPrincipalName,
                "You have no devices managed by Intune. To enrol one, sign in to the Company Portal app on it.",
                AuditOutcome.Succeeded, cancellationToken);
        }

        var text = new StringBuilder("Your managed devices:\n\n");
        foreach (var device in devices)
        {
            text.Append(CultureInfo.InvariantCulture, $"- **{device.Name}** — {Describe(device)}\n");
        }

        return await attempt.DoneAsync(user.UserPrincipalName, text.ToString().TrimEnd(), AuditOutcome.Succeeded, cancellationToken) with
        {
            Choices = [.. devices.Take(3).SelectMany(d => new[] { $"Sync {d.Name}", $"Restart {d.Name}" })],
        };
    }

    private async Task<ActionReply> DeviceActionAsync(Attempt attempt, DirectoryUser user, string? argument, CancellationToken cancellationToken)
    {
        var restart = attempt.Action == SelfHelpActions.DeviceRestart;
        var verb = restart ? "Restart" : "Sync";
        var devices = await deviceManager.GetDevicesAsync(user.Id, cancellationToken);
        if (devices.Count == 0)
        {
            return await attempt.RefuseAsync("the caller has no managed devices",
                "You have no devices managed by Intune, so there's nothing I can do remotely. Try restarting it yourself, or ask a technician.",
                cancellationToken);
        }

        var matches = DeviceMatcher.Match(argument, devices);
        if (matches.Count != 1)
        {
            // What was typed stays out of the audit log: it isn't one of the caller's devices.
            attempt.Target = matches.Count > 1 ? string.Join(", ", matches.Select(d => d.Name)) : null;
            var choices = (matches.Count > 1 ? matches : devices).Select(d => $"{verb} {d.Name}").ToList();
            var question = matches.Count > 1
                ? $"Which device? You have {matches.Count} that could be \"{argument}\"."
                : string.IsNullOrWhiteSpace(argument) || DeviceMatcher.IsGeneric(argument)
                    ? "Which device?"
                    : $"I couldn't find a device called \"{argument}\" among yours. Which one did you mean?";
            await attempt.AuditAsync(AuditOutcome.Refused, matches.Count > 1 ? "ambiguous device" : "device not found or not chosen", cancellationToken);
            return new ActionReply(question, AuditOutcome.Refused) { Choices = choices };
        }

        var device = matches[0];
        return restart
            ? await ConfirmFirstAsync(attempt, device.Id, device.Name, $"Restart {device.Name}?",
                $"{device.Name} ({Describe(device)}) restarts within a few minutes, without further warning. Save your work on it first.",
                "Restart now", cancellationToken)
            : await ConfirmFirstAsync(attempt, device.Id, device.Name, $"Sync {device.Name}?",
                $"Intune asks {device.Name} to check in now, so it picks up new apps, settings and policies. Nothing on it is lost.",
                "Sync now", cancellationToken);
    }

    private async Task<ActionReply> InstallAsync(Attempt attempt, DirectoryUser user, string? argument, CancellationToken cancellationToken)
    {
        var match = catalog.Match(argument);

        // What was typed stays out of the audit log unless it names a catalog app.
        attempt.Target = match.IsAmbiguous ? string.Join(", ", match.Apps.Select(a => a.Name)) : null;
        if (match.IsAmbiguous)
        {
            await attempt.AuditAsync(AuditOutcome.Refused, "ambiguous app name", cancellationToken);
            return new ActionReply($"Which one do you mean by \"{argument}\"?", AuditOutcome.Refused)
            {
                Choices = [.. match.Apps.Select(a => $"Install {a.Name}")],
            };
        }

        if (match.Only is not { } app)
        {
            var request = Links.SoftwareRequestUrl is { } url ? $"request it at {url}" : "ask the help desk for it";
            return await attempt.DoneAsync(null,
                $"\"{argument}\" isn't in the approved software catalog, so I can't install it. To get it added, {request}: " +
                "a technician checks licensing and security first.",
                AuditOutcome.Refused, cancellationToken, "not in the catalog") with
            { TryKnowledgeInstead = true, KnowledgeSubject = argument };
        }

        attempt.Target = app.Name;
        if (app.ApprovalRequired)
        {
            return await attempt.DoneAsync(app.Name,
                $"{app.Name} needs a technician's approval (licence cost or security review). I'll pass your request on so you don't have to repeat it.",
                AuditOutcome.NeedsTechnician, cancellationToken, "approval required");
        }

        if (app.RequiredSku is { } sku)
        {
            var licences = await directory.GetLicencesAsync(user.Id, cancellationToken);
            if (!licences.Any(l => string.Equals(l.SkuPartNumber, sku, StringComparison.OrdinalIgnoreCase)))
            {
                var where = Links.LicenceRequestUrl is { } url ? $" Request one at {url}, or" : string.Empty;
                return await attempt.DoneAsync(app.Name,
                    $"{app.Name} needs a {LicenceName(sku)} licence, and your account doesn't have one.{where} I can pass it to a technician.",
                    AuditOutcome.NeedsTechnician, cancellationToken, $"missing licence {sku}");
            }
        }

        if (await directory.IsMemberAsync(user.Id, app.InstallGroupId, cancellationToken))
        {
            return await attempt.DoneAsync(app.Name,
                $"{app.Name} is already assigned to you, so Intune installs it automatically. If it isn't there yet, open {Links.CompanyPortalName} and install it from there.",
                AuditOutcome.Succeeded, cancellationToken, "already assigned");
        }

        return await ConfirmFirstAsync(attempt, app.InstallGroupId, app.Name, $"Install {app.Name}?",
            $"I'll assign {app.Name} to you; Intune installs it on your work devices, usually within an hour.",
            "Install it", cancellationToken);
    }

    private async Task<ActionReply> LicencesAsync(Attempt attempt, DirectoryUser user, CancellationToken cancellationToken)
    {
        var licences = await directory.GetLicencesAsync(user.Id, cancellationToken);
        var text = licences.Count == 0
            ? "Your account has no Microsoft 365 licences assigned. A technician can check whether it should."
            : "Your Microsoft 365 licences:\n\n" + string.Join('\n', licences.Select(l => $"- {LicenceName(l.SkuPartNumber)}"));
        return await attempt.DoneAsync(user.UserPrincipalName, text, AuditOutcome.Succeeded, cancellationToken);
    }

    private async Task<ActionReply> ServiceHealthAsync(Attempt attempt, string? argument, CancellationToken cancellationToken)
    {
        var issues = await serviceHealth.GetOpenIssuesAsync(cancellationToken);
        var service = argument is not null && ServiceNames.TryGetValue(argument.Trim(), out var name) ? name : null;
        var relevant = issues.Where(i => service is null || string.Equals(i.Service, service, StringComparison.OrdinalIgnoreCase)).ToList();
        var now = time.GetUtcNow();
        attempt.Target = service ?? "Microsoft 365";
        if (relevant.Count == 0)
        {
            var scope = service is null ? "any Microsoft 365 service" : service;
            return await attempt.DoneAsync(attempt.Target,
                $"Microsoft reports no open incidents or advisories for {scope} right now, so it's probably something local to you.",
                AuditOutcome.Succeeded, cancellationToken) with
            { TryKnowledgeInstead = service is not null };
        }

        var text = new StringBuilder(service is null
            ? "Microsoft is working on these known issues right now:\n\n"
            : $"Yes — Microsoft is working on a known issue with {service}, so you don't need to report it:\n\n");
        foreach (var issue in relevant)
        {
            var since = issue.Started is { } started ? $", since {Ago(now - started)}" : string.Empty;
            text.Append(CultureInfo.InvariantCulture, $"- **{issue.Title}** ({issue.Service}, {issue.Classification} {issue.Id}{since})");
            if (!string.IsNullOrWhiteSpace(issue.ImpactDescription))
            {
                text.Append(CultureInfo.InvariantCulture, $"\n  {issue.ImpactDescription}");
            }

            text.Append('\n');
        }

        text.Append("\nIt usually clears up without anything on your side; I'd wait for Microsoft's fix before trying other steps.");
        return await attempt.DoneAsync(attempt.Target, text.ToString(), AuditOutcome.Succeeded, cancellationToken);
    }

    private async Task<ActionReply> ConfirmFirstAsync(
        Attempt attempt, string targetId, string targetName, string title, string details, string confirmLabel, CancellationToken cancellationToken)
    {
        var expires = time.GetUtcNow() + Options.ConfirmationLifetime;
        var pending = new PendingConfirmation(PendingConfirmation.NewToken(), attempt.Action.Id, attempt.Caller.ChannelUserId,
            attempt.User!.Id, targetId, targetName, attempt.CorrelationId, expires);
        await confirmations.SaveAsync(pending, cancellationToken);
        attempt.Target = targetName;
        await attempt.AuditAsync(AuditOutcome.AwaitingConfirmation, null, cancellationToken);
        var note = IsDemo ? " (demo tenant)" : string.Empty;
        return new ActionReply($"**{title}**\n\n{details}", AuditOutcome.AwaitingConfirmation)
        {
            Confirmation = new ConfirmationPrompt(pending.Token, attempt.Action.Id, title, details + note, confirmLabel, expires),
        };
    }

    private string GuestPasswordHelp() =>
        "I can't see your account from this chat, so here are the general steps. If you registered for self-service password reset:\n\n" +
        $"1. Open {Links.PasswordResetUrl}.\n2. Enter your work email and verify it's you.\n3. Choose a new password: {Links.PasswordPolicy}.\n\n" +
        "If you never registered, a technician can reset it after confirming who you are. Never type your password in a chat.";

    private async Task<bool> NamesOwnDeviceAsync(RecognisedRequest request, DirectoryUser user, CancellationToken cancellationToken)
    {
        if (request.Action != SelfHelpActions.DeviceRestart && request.Action != SelfHelpActions.DeviceSync || request.Argument is null)
        {
            return false;
        }

        var devices = await deviceManager.GetDevicesAsync(user.Id, cancellationToken);
        return devices.Any(d => string.Equals(DeviceMatcher.Normalise(d.Name), DeviceMatcher.Normalise(request.Argument), StringComparison.Ordinal));
    }

    private static bool IsSelf(string named, DirectoryUser user)
    {
        var who = named.Trim().TrimEnd('\'', '’', 's').Trim();
        return string.Equals(named, user.UserPrincipalName, StringComparison.OrdinalIgnoreCase) ||
               user.DisplayName.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(n => string.Equals(n, named, StringComparison.OrdinalIgnoreCase) ||
                                                                                            string.Equals(n, who, StringComparison.OrdinalIgnoreCase));
    }

    private static string Describe(ManagedDevice device)
    {
        var parts = new List<string>();
        if (device.OperatingSystem is not null)
        {
            parts.Add($"{device.OperatingSystem} {device.OsVersion}".Trim());
        }

        if (device.Model is not null)
        {
            parts.Add(device.Model);
        }

        if (device.ComplianceState is { } compliance)
        {
            parts.Add(string.Equals(compliance, "compliant", StringComparison.OrdinalIgnoreCase) ? "compliant" : $"{compliance.ToLowerInvariant()} (check Company Portal)");
        }

        return string.Join(", ", parts);
    }

    private static string LicenceName(string skuPartNumber) =>
        LicenceNames.TryGetValue(skuPartNumber, out var name) ? name : skuPartNumber;

    private static string Domain(DirectoryUser user) => user.UserPrincipalName[(user.UserPrincipalName.IndexOf('@', StringComparison.Ordinal) + 1)..];

    private static string FirstName(DirectoryUser user) => user.DisplayName.Split(' ')[0];

    private static string Day(DateTimeOffset when) => when.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);

    // Rounded up: a password that expires in 14.9 days expires "in 15 days".
    private static string Days(TimeSpan span) => span.TotalDays >= 2 ? $"{Math.Ceiling(span.TotalDays):0} days" : span.TotalHours >= 2 ? $"{Math.Floor(span.TotalHours):0} hours" : "less than two hours";

    private static string Ago(TimeSpan span) => span.TotalDays >= 2 ? $"{Math.Floor(span.TotalDays):0} days ago"
        : span.TotalHours >= 2 ? $"{Math.Floor(span.TotalHours):0} hours ago"
        : span.TotalMinutes >= 2 ? $"{Math.Floor(span.TotalMinutes):0} minutes ago" : "just now";

    /// <summary>One action attempt: who, what, on what — so every way out writes the same audit line.</summary>
    private sealed class Attempt(SelfHelpService service, Caller caller, SelfHelpAction action, string correlationId)
    {
        public Caller Caller { get; } = caller;

        public SelfHelpAction Action { get; } = action;

        public string CorrelationId { get; set; } = correlationId;

        public DirectoryUser? User { get; set; }

        public string? Target { get; set; }

        public Task AuditAsync(AuditOutcome outcome, string? reason, CancellationToken cancellationToken)
        {
            // Every way out is audited, so this is where attempts are counted; a made-up action id from a card
            // submit is counted as "unknown".
            SupportTelemetry.ActionAttempted(SelfHelpActions.Find(Action.Id)?.Id ?? "unknown", outcome.ToString(), outcome == AuditOutcome.Succeeded);
            return service.Audit.WriteAsync(
                new AuditEntry(service.Clock.GetUtcNow(), CorrelationId, Caller.AuditId, Caller.ChannelId, Action.Id, Target, outcome, reason),
                cancellationToken);
        }

        public async Task<ActionReply> DoneAsync(string? target, string text, AuditOutcome outcome, CancellationToken cancellationToken, string? reason = null)
        {
            Target = target ?? Target;
            await AuditAsync(outcome, reason, cancellationToken);
            return new ActionReply(service.IsDemo && outcome != AuditOutcome.Cancelled ? text + DemoNote : text, outcome) { ActionId = Action.Id, Target = Target };
        }

        public async Task<ActionReply> RefuseAsync(string reason, string text, CancellationToken cancellationToken, bool offerTechnician = false)
        {
            await AuditAsync(AuditOutcome.Refused, reason, cancellationToken);
            return new ActionReply(text, offerTechnician ? AuditOutcome.NeedsTechnician : AuditOutcome.Refused) { ActionId = Action.Id, Target = Target };
        }

        public async Task<ActionReply> FailAsync(ConnectorException ex, CancellationToken cancellationToken)
        {
            service.Logger.LogWarning(ex, "Self-help {Action} failed for {Caller}: {Failure}", Action.Id, Caller.AuditId, ex.Failure);
            await AuditAsync(AuditOutcome.Failed, $"{ex.Failure}: {ex.Message}", cancellationToken);
            var text = ex.Failure switch
            {
                ConnectorFailure.Forbidden =>
                    $"I'm not allowed to do that yet: SupportBot's app registration is missing the Microsoft Graph permission **{Action.Permissions}**. " +
                    "Please tell your IT administrator (it's listed in SupportBot's README). Nothing was changed.",
                ConnectorFailure.NotFound => "Microsoft 365 couldn't find that any more (it may have just been removed). Nothing was changed.",
                ConnectorFailure.Throttled =>
                    $"Microsoft 365 is busy right now and asked me to wait{(ex.RetryAfter is { } wait ? $" {Math.Ceiling(wait.TotalSeconds):0} seconds" : string.Empty)}. Please try again in a minute. Nothing was changed.",
                ConnectorFailure.Timeout => "Microsoft 365 didn't answer in time, so I stopped waiting. Please try again in a few minutes; if it keeps happening, a technician can help.",
                _ => "Microsoft 365 had a problem answering me. Please try again in a few minutes; if it keeps happening, a technician can help.",
            };
            return new ActionReply(text, AuditOutcome.Failed) { ActionId = Action.Id, Target = Target };
        }
    }
}
