using System.Text.RegularExpressions;

namespace SupportBot.Skills.SelfHelp;

/// <summary>A request for a self-help action found in a message, before any check of who may do what.</summary>
/// <param name="Action">The action asked for.</param>
/// <param name="Argument">What it is about: a device, an app or a service name, as typed.</param>
/// <param name="OtherPerson">Someone other than the caller the message names ("Anna", "ceo@contoso.com"), if any.</param>
/// <param name="Bulk">True when it asks for many at once ("all devices", "everyone").</param>
public sealed record RecognisedRequest(SelfHelpAction Action, string? Argument = null, string? OtherPerson = null, bool Bulk = false);

/// <summary>
/// Plain requests for actions, with no LLM: "install visio", "sign me out everywhere", "is outlook down?",
/// "restart my laptop". Questions about how to do something ("how do I restart my laptop?") are left to the
/// knowledge base, except installs, where running the install is the best answer.
/// </summary>
public static partial class RequestRecognizer
{
    /// <summary>The argument of <see cref="SelfHelpActions.MfaMethods"/> when the caller wants a method added or removed.</summary>
    public const string MfaChangeArgument = "change";

    public static RecognisedRequest? Recognise(string text)
    {
        var t = text.Trim();
        if (t.Length == 0 || t.Length > 300)
        {
            return null;
        }

        var other = OtherPerson(t);
        var bulk = IsBulk(t);
        RecognisedRequest With(SelfHelpAction action, string? argument = null) => new(action, argument, other, bulk);

        if (SignOutEverywhere().IsMatch(t))
        {
            return With(SelfHelpActions.SessionsRevoke);
        }

        if (ServiceDown().Match(t) is { Success: true } down)
        {
            return With(SelfHelpActions.ServiceHealth, down.Groups["service"].Value);
        }

        if (ServiceHealthQuestion().IsMatch(t))
        {
            return With(SelfHelpActions.ServiceHealth);
        }

        if (PasswordForgotten().IsMatch(t))
        {
            return With(SelfHelpActions.PasswordResetHelp);
        }

        if (!HowTo().IsMatch(t) && MfaChange().IsMatch(t))
        {
            return With(SelfHelpActions.MfaMethods, MfaChangeArgument);
        }

        if (SignInMethods().IsMatch(t))
        {
            return With(SelfHelpActions.MfaMethods);
        }

        if (AccountStatus().IsMatch(t))
        {
            return With(SelfHelpActions.AccountStatus);
        }

        if (Licences().IsMatch(t))
        {
            return With(SelfHelpActions.LicenseCheck);
        }

        if (ListDevices().IsMatch(t))
        {
            return With(SelfHelpActions.DevicesList);
        }

        if (!HowTo().IsMatch(t) && DeviceCommand().Match(t) is { Success: true } command)
        {
            var action = command.Groups["verb"].Value.StartsWith("sync", StringComparison.OrdinalIgnoreCase)
                ? SelfHelpActions.DeviceSync
                : SelfHelpActions.DeviceRestart;
            return With(action, CleanArgument(command.Groups["what"].Value));
        }

        if (Install().Match(t) is { Success: true } install)
        {
            var app = CleanArgument(InstallFor().Replace(WithoutForWhom(install.Groups["app"].Value, other), string.Empty));
            return string.IsNullOrEmpty(app) ? null : With(SelfHelpActions.SoftwareInstall, app);
        }

        return null;
    }

    /// <summary>Someone other than the caller that the message names, or null.</summary>
    public static string? OtherPerson(string text)
    {
        if (Email().Match(text) is { Success: true } email)
        {
            return email.Value;
        }

        if (Possessive().Match(text) is { Success: true } possessive)
        {
            return possessive.Groups["who"].Value;
        }

        if (Pronoun().Match(text) is { Success: true } pronoun)
        {
            return pronoun.Groups["who"].Value;
        }

        if (ForSomeoneElse().Match(text) is { Success: true } forWhom)
        {
            return forWhom.Groups["who"].Value.Trim();
        }

        // Any other "Name's" ("Megan's and Alex's computers"); the caller's own name is checked against the directory.
        return NamePossessive().Match(text) is { Success: true } named ? named.Groups["who"].Value : null;
    }

    /// <summary>True when the text asks for many accounts or devices at once ("all devices", "everyone").</summary>
    public static bool IsBulk(string text) => Bulk().IsMatch(text);

    /// <summary>True when the text asks the bot to do something ("could you…", "please…"), not a question about how.</summary>
    public static bool LooksLikeRequest(string text) => PoliteRequest().IsMatch(text);

    /// <summary>The first email address in the text, if any.</summary>
    public static string? EmailIn(string? text) => text is not null && Email().Match(text) is { Success: true } m ? m.Value : null;

    // "visio for Megan" is about Visio (and Megan, who OtherPerson already names).
    private static string WithoutForWhom(string app, string? other) =>
        other is not null && app.EndsWith($" for {other}", StringComparison.OrdinalIgnoreCase) ? app[..^$" for {other}".Length] : app;

    private static string CleanArgument(string text)
    {
        var cleaned = Politeness().Replace(text, " ");
        return Spaces().Replace(cleaned, " ").Trim(' ', '.', '!', '?', ',', '"', '\'');
    }

    [GeneratedRegex(@"\b(sign|log)\s*(me\s+)?(out|off)\b.*\b(everywhere|all\s+(my\s+)?(devices|sessions|browsers|apps))\b|\brevoke\s+(all\s+)?(my\s+)?(sign[- ]?in\s+)?sessions\b|\b(sign|log)\s+(everyone|everybody|all\s+users)\s+(out|off)\b|\b(sign|log)\s*(out|off)\s+(everyone|everybody|all\s+users)\b", RegexOptions.IgnoreCase)]
    private static partial Regex SignOutEverywhere();

    [GeneratedRegex(@"\b(is|are)\s+(?<service>outlook|teams|sharepoint|onedrive|exchange|email|e-mail|office\s*365|microsoft\s*365|m365|office)\b.*\b(down|broken|not\s+working|out|having\s+(issues|problems)|an?\s+(outage|incident))\b|\b(?<service>outlook|teams|sharepoint|onedrive|exchange|email|office\s*365|microsoft\s*365|m365)\s+(is\s+|seems\s+|looks\s+)?(down|out)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ServiceDown();

    [GeneratedRegex(@"\b(service\s+health|(any|known)\s+(outages?|incidents?)|is\s+(there|anything)\s+(an?\s+)?(outage|down)|anything\s+down)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ServiceHealthQuestion();

    [GeneratedRegex(@"\b(forgot(ten)?|forget|lost|reset|locked\s+out.*)\b.*\bpass(word|code)\b|\bpass(word)?\s+(reset|expired)\b|\breset\s+(my|the|a|her|his|their)?\s*pass", RegexOptions.IgnoreCase)]
    private static partial Regex PasswordForgotten();

    [GeneratedRegex(@"\b(add|remove|delete|replace|register|update)\b.{0,40}\b(mfa|2fa|authenticator|sign[- ]in\s+method|authentication\s+method)|\btemporary\s+access\s+pass\b|(?-i:\bTAP\b)", RegexOptions.IgnoreCase)]
    private static partial Regex MfaChange();

    [GeneratedRegex(@"\b(mfa|2fa|two[- ]factor|multi[- ]factor|authentication|sign[- ]in|authenticator)\s+methods?\b|\b(which|what)\s+(mfa|sign[- ]in|authentication)\b|\bmy\s+(mfa|2fa)\b", RegexOptions.IgnoreCase)]
    private static partial Regex SignInMethods();

    [GeneratedRegex(@"\baccount\s+(status|locked|disabled|enabled|ok|okay)\b|\b(check|is)\s+my\s+account\b|\bwhen\s+(does|will)\s+my\s+password\s+expire\b|\bpassword\s+expir(y|es|ation)\b|\bam\s+i\s+(registered|set\s+up)\s+for\b", RegexOptions.IgnoreCase)]
    private static partial Regex AccountStatus();

    [GeneratedRegex(@"\b(my|which|what)\s+(microsoft\s+365\s+|m365\s+|office\s+)?licen[cs]es?\b|\blicen[cs]es?\s+do\s+i\s+have\b|\bdo\s+i\s+have\s+an?\s+.+\s+licen[cs]e\b", RegexOptions.IgnoreCase)]
    private static partial Regex Licences();

    [GeneratedRegex(@"\b(list|show|see|what\s+are|which\s+are)\s+(me\s+)?(all\s+)?my\s+(managed\s+|enrolled\s+)?devices\b|^\s*my\s+devices\s*\??$|\bwhich\s+devices\s+(do\s+i\s+have|are\s+mine)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ListDevices();

    [GeneratedRegex(@"^\s*(how|why|what|when|where|can\s+you\s+explain)\b", RegexOptions.IgnoreCase)]
    private static partial Regex HowTo();

    [GeneratedRegex(@"\b(?<verb>restart|reboot|sync|synchroni[sz]e)\s+(?<what>[^,;!?]{1,60}?)\s*([,;!?.].*)?$", RegexOptions.IgnoreCase)]
    private static partial Regex DeviceCommand();

    [GeneratedRegex(@"\b(install|installing|download)\s+(?<app>[^,;]{1,60}?)(\s+(on|onto|to)\s+my\s+\w+)?\s*([,;].*)?[.!?]*$|\b(can|could|may)\s+i\s+(get|have)\s+(?<app>.{1,60}?)\s+installed\b|\bi\s+need\s+(?<app>.{1,60}?)\s+installed\b", RegexOptions.IgnoreCase)]
    private static partial Regex Install();

    // The platform or device an app is for is not part of its name ("zoom for Mac", "chrome for my laptop").
    [GeneratedRegex(@"\s+for\s+(windows|mac|macos|mac\s*os|linux|ios|android|iphone|ipad|work|my\s+(laptop|computer|pc|mac|macbook|phone|iphone|ipad|tablet|device))\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex InstallFor();

    [GeneratedRegex(@"\b(please|pls|my|the|a|an|for\s+me|now|right\s+now|asap|thanks|thank\s+you|app|application|program|software)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Politeness();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"\b(all|every|everyone'?s?|each)\s+(the\s+)?(devices?|laptops?|computers?|users?|accounts?|passwords?|people|machines?)\b|\beveryone\b|\ball\s+users\b", RegexOptions.IgnoreCase)]
    private static partial Regex Bulk();

    [GeneratedRegex(@"[\w.+-]+@[\w-]+(\.[\w-]+)+", RegexOptions.IgnoreCase)]
    private static partial Regex Email();

    // "Anna's laptop", "the CEO's password" — not "my", not a contraction ("what's my account"), and not device names
    // the caller owns (checked later).
    [GeneratedRegex(@"\b(?<who>(?!(?:my|your|our|it|this|that|today|tomorrow|what|who|where|when|how|there|here|let|he|she)\b)[A-Za-z][\w.-]*)['’]s\s+(?:\w+\s+)?(laptop|computer|pc|device|phone|mobile|iphone|mac|macbook|tablet|ipad|surface|account|password|sessions?|mfa|licen[cs]es?|mailbox)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Possessive();

    [GeneratedRegex(@"\b(?<who>(?!(?:Microsoft|Windows|Apple|Google|Adobe|Today|Tomorrow|Monday|Friday|What|Who|Where|When|How|There|Here|That|It|Let|He|She)\b)[A-Z][a-z]+)['’]s\b")]
    private static partial Regex NamePossessive();

    [GeneratedRegex(@"^\s*(please|pls|kindly)\b|^\s*(please\s+)?(can|could|would|will)\s+you\b|\bi\s+(need|want)\s+you\s+to\b", RegexOptions.IgnoreCase)]
    private static partial Regex PoliteRequest();

    [GeneratedRegex(@"\b(?<who>his|her|their)\s+(laptop|computer|pc|device|phone|mac|account|password|sessions?|mfa|licen[cs]es?)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Pronoun();

    [GeneratedRegex(@"\bfor\s+(?<who>(?:my\s+)?(?:colleague|coworker|co-worker|boss|manager|team|someone(?:\s+else)?|another\s+(?:user|person)|the\s+ceo|ceo|user\s+\S+|(?!(?:Windows|Mac|MacOS|Microsoft|Office|Teams|Outlook|Zoom|Work|Me|Myself|Today|Tomorrow|Monday|Tuesday|Wednesday|Thursday|Friday)\b)[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?))(?=\s|[.!?,]|$)")]
    private static partial Regex ForSomeoneElse();
}
