using System.Text.RegularExpressions;

namespace SupportBot.Skills.Knowledge;

/// <summary>
/// How people name IT things. Phrases are rewritten to one canonical form on both sides (articles and
/// questions), so "wi-fi", "wireless" and "WLAN" all meet "wifi", and "2FA" meets "MFA".
/// </summary>
public static partial class ItVocabulary
{
    // canonical replacement  <=  alternatives (regex alternatives, matched on whole words, lower case)
    private static readonly (string Canonical, string Pattern)[] Groups =
    [
        // Intent: "how do I…" questions and "it won't…" problems usually want different articles on the same thing.
        ("howto", @"how do i|how do you|how can i|how to|how would i|set up|setting up|setup"),
        ("fault", @"won't|wont|can't|cant|cannot|couldn't|couldnt|not working|doesn't work|does not work|isn't working|isnt working|stopped working|no longer works|keeps|fails|failing|failed|failure|errors|error|broken"),
        ("wifi", @"wi-fi|wi fi|wireless network|wireless|wlan|wifi"),
        ("password", @"passwords|password|passwort|passwd|pwd|pw"),
        ("mfa", @"multi-factor authentication|multi factor authentication|two-factor authentication|two factor authentication|multifactor|multi-factor|multi factor|two-factor|two factor|2-factor|2 factor|2fa|two-step verification|two step verification|2-step verification|2 step verification|two-step|two step|2-step|2 step|mfa"),
        ("authenticator mfa", @"authenticator app|microsoft authenticator|authenticator"),
        ("vpn", @"virtual private network|vpn"),
        ("email", @"e-mails|e-mail|emails|mails|mail|email"),
        ("signin", @"signing in|sign-in|sign in|signed in|logging in|log-in|log in|logged in|logon|log on|login|logins"),
        ("signout", @"signing out|sign-out|sign out|logging out|log-out|log out|logout"),
        ("locked", @"locked out|lock out|lockout|locked"),
        ("laptop", @"laptops|laptop|notebook|macbook|computer|pc"),
        ("phone", @"mobile phone|cell phone|cellphone|smartphone|smart phone|mobile|phone"),
        ("frozen", @"not responding|unresponsive|freezes|freezing|froze|frozen|freeze|hangs|hanging|hung"),
        ("external monitor", @"second screen|external screen|external display|extra screen|extra monitor|dual monitors|dual monitor|dual screens|second monitor|external monitor|docking station|dock"),
        ("printer", @"printers|printer|printing"),
        ("headset", @"headphones|headphone|earphones|earbuds|airpods|headsets|headset"),
        ("battery", @"batteries|battery|charger|charging"),
        ("bitlocker", @"bit locker|bitlocker|recovery key"),
        ("phishing", @"phishing|phish|phishy|scam|scams|spam|dodgy email|suspicious email"),
        ("license", @"licences|licenses|licence|license|licensing"),
        ("install", @"installation|installing|installed|install|reinstalling|reinstalled|reinstall|re-install|uninstalled|uninstall|download|downloading"),
        ("restore", @"undelete|recover|recovering|restore|restoring"),
        ("cache", @"cookies|cache"),
        ("outofoffice", @"out of office|out-of-office|ooo|auto-reply|auto reply|autoreply|automatic replies|automatic reply|vacation reply|holiday reply|away message"),
        ("signature", @"email signature|signature|sig"),
        ("onboarding", @"first day|new starter|new joiner|new hire|onboarding|new employee"),
        ("remotedesktop", @"remote desktop|remote-desktop|rdp|remote into|remote access to my"),
        ("helpdesk", @"help desk|helpdesk|service desk|servicedesk|it support|support team|human|real person|a person|technician|agent"),
        ("slow", @"sluggish|laggy|lagging|lag|takes forever|takes ages|slow|slowly|slower"),
        ("onedrive", @"one drive|onedrive"),
        ("sharepoint", @"share point|sharepoint"),
        ("teams", @"ms teams|microsoft teams|teams"),
        ("outlook", @"outlook"),
        ("quota", @"mailbox full|inbox full|mailbox is full|inbox is full|storage full|quota"),
        ("shared mailbox", @"shared mailbox|shared inbox|team mailbox|group mailbox"),
        ("mic", @"microphone|mic"),
        ("audio", @"no sound|sound|audio|speakers|speaker"),
        ("camera", @"webcam|camera|video"),
    ];

    private static readonly Regex[] Rules = Groups
        .Select(g => new Regex(@"(?<![a-z0-9])(?:" + g.Pattern + @")(?![a-z0-9])", RegexOptions.CultureInvariant | RegexOptions.Compiled))
        .ToArray();

    /// <summary>Words that carry no topic: removed from questions (not from articles) before searching and scoring.</summary>
    public static readonly IReadOnlySet<string> Filler = new HashSet<string>(StringComparer.Ordinal)
    {
        "hi", "hello", "hey", "please", "pls", "plz", "thanks", "thank", "help", "helping", "need", "needs", "want", "wants",
        "trying", "try", "tried", "issue", "issues", "problem", "problems", "anyone", "someone", "somebody", "know", "tell",
        "just", "really", "still", "also", "today", "now", "got", "get", "getting", "keep", "keeps", "since", "morning",
        "yesterday", "ok", "okay", "so", "well", "um", "uh", "like", "do", "does", "did", "doing", "can", "could", "would",
        "should", "will", "im", "i'm", "ive", "i've", "my", "me", "i", "you", "your", "we", "our", "it", "its", "is", "am",
        "are", "was", "were", "be", "been", "how", "what", "why", "when", "where", "which", "who", "there", "here", "this",
        "that", "these", "those", "some", "any", "all", "again", "new", "one", "work", "working", "works", "worked", "cant",
        "can't", "cannot", "wont", "won't", "doesnt", "doesn't", "dont", "don't", "isnt", "isn't", "not", "no", "way",
        "thing", "things", "stuff", "guys", "team", "quick", "question", "asap", "urgent", "please", "sorry", "hiya",
        "morning", "afternoon", "day", "time", "bit", "lot", "much", "very", "too", "to", "the", "a", "an", "and", "or",
        "of", "in", "on", "at", "for", "with", "from", "up", "out", "off", "about", "into", "over", "after", "before",
        "then", "than", "but", "if", "because", "as", "by", "go", "going", "went", "make", "made", "use", "using", "used",
        "see", "seems", "seem", "say", "says", "said", "right", "anymore", "ever", "every", "everything", "something",
        "anything", "nothing", "back", "via", "able", "unable", "properly", "correctly", "suddenly", "randomly", "wrong",
        "has", "have", "had", "having", "speak", "talk", "chat", "guess", "think", "sure", "maybe", "hoping", "hope", "wondering", "wonder", "honestly",
    };

    /// <summary>
    /// Topics first-line IT support does not cover (HR, facilities, travel, finance, small talk). A question about
    /// one of them is only answered when it also names an IT thing (e.g. "holiday" next to "out of office").
    /// </summary>
    public static readonly Regex OutOfScopeTopics = new(
        @"(?<![a-z])(weather|forecast|rain|flights?|hotel|train tickets?|taxi|holiday allowance|holiday entitlement|annual leave|leave balance|days? off|sick leave|sick days?|maternity|paternity|parental leave|payslips?|payroll|salary|pay rise|bonus|expenses?|expense claims?|mileage|claim back|pension|heating|air ?con(ditioning)?|temperature|lights?|canteen|cafeteria|lunch menu|menu|parking|car park|catering|meeting room|desk booking|post room|mail room|gym|dress code|joke|poem|recipe|stock price|shares|football|score|horoscope|translate|homework|solve|equation|maths?|dating|birthday party|team building|away day)(?![a-z])",
        RegexOptions.CultureInvariant);

    /// <summary>Canonical words that make a question about IT even when it also mentions a non-IT topic.</summary>
    public static readonly IReadOnlySet<string> ItAnchors = new HashSet<string>(StringComparer.Ordinal)
    {
        "wifi", "vpn", "password", "mfa", "authenticator", "email", "outlook", "teams", "onedrive", "sharepoint", "printer",
        "laptop", "signin", "signout", "bitlocker", "license", "install", "software", "monitor", "headset", "bluetooth",
        "battery", "outofoffice", "quota", "signature", "phishing", "remotedesktop", "helpdesk", "cache", "browser",
        "network", "internet", "account", "iphone", "android", "windows", "mac", "app", "excel", "word", "powerpoint",
    };

    /// <summary>Lower-cases and rewrites known phrases to their canonical form, plus the organisation's own names.</summary>
    public static string Canonicalize(string text, IReadOnlyList<(Regex Pattern, string Canonical)>? extra = null)
    {
        var result = text.ToLowerInvariant().Replace('’', '\'');
        if (extra is not null)
        {
            foreach (var (pattern, canonical) in extra)
            {
                result = pattern.Replace(result, " " + canonical + " ");
            }
        }

        for (var i = 0; i < Rules.Length; i++)
        {
            result = Rules[i].Replace(result, " " + Groups[i].Canonical + " ");
        }

        return result;
    }

    /// <summary>Every word that appears in a phrase above, so spelling correction can aim at them.</summary>
    public static IEnumerable<string> KnownWords() =>
        Groups.SelectMany(g => WordPattern().Matches(g.Pattern + " " + g.Canonical).Select(m => m.Value));

    public static IEnumerable<string> Words(string text) =>
        WordPattern().Matches(text.ToLowerInvariant()).Select(m => m.Value);

    /// <summary>A whole-word pattern for an organisation-specific name (e.g. the VPN client's).</summary>
    public static Regex PhrasePattern(string phrase) =>
        new(@"(?<![a-z0-9])" + Regex.Escape(phrase.ToLowerInvariant()) + @"(?![a-z0-9])", RegexOptions.CultureInvariant);

    [GeneratedRegex(@"[a-z0-9]+(?:'[a-z]+)?")]
    private static partial Regex WordPattern();
}
