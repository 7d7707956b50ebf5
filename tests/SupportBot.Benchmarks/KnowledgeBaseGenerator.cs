using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using SupportBot.Skills.Knowledge;

namespace SupportBot.Benchmarks;

/// <summary>
/// Writes a large, varied knowledge base as Markdown articles in the starter articles' format (front matter,
/// a summary, "## " sections with numbered steps, a "When to contact the help desk" section). Titles, ways
/// people ask, tags and bodies recombine the starter articles' own sentences, steps, headings, questions and tags
/// with an IT vocabulary (products, internal systems, features, tasks, faults, platforms, error codes), so the
/// index sees a realistic vocabulary and realistic postings rather than copies of one article. Deterministic:
/// the same seed gives the same articles.
/// </summary>
public sealed partial class KnowledgeBaseGenerator
{
    // Real products and devices people ask about, with the category an article about them would get.
    private static readonly (string Name, string Category)[] Products =
    [
        ("Excel", "software"), ("Word", "software"), ("PowerPoint", "software"), ("OneNote", "software"), ("Visio", "software"),
        ("Project", "software"), ("Access", "software"), ("Publisher", "software"), ("Adobe Acrobat", "software"),
        ("Adobe Reader", "software"), ("Photoshop", "software"), ("Illustrator", "software"), ("InDesign", "software"),
        ("Zoom", "collaboration"), ("Webex", "collaboration"), ("Slack", "collaboration"), ("Miro", "collaboration"),
        ("Yammer", "collaboration"), ("Viva Engage", "collaboration"), ("Loop", "collaboration"), ("Planner", "collaboration"),
        ("To Do", "collaboration"), ("Whiteboard", "collaboration"), ("Stream", "collaboration"), ("Forms", "collaboration"),
        ("Salesforce", "business apps"), ("SAP GUI", "business apps"), ("Workday", "business apps"), ("ServiceNow", "business apps"),
        ("Jira", "business apps"), ("Confluence", "business apps"), ("Power BI", "business apps"), ("Tableau", "business apps"),
        ("Dynamics 365", "business apps"), ("DocuSign", "business apps"), ("Zendesk", "business apps"), ("HubSpot", "business apps"),
        ("Trello", "business apps"), ("Asana", "business apps"), ("Sage", "business apps"), ("QuickBooks", "business apps"),
        ("Xero", "business apps"), ("Coupa", "business apps"), ("Concur", "business apps"), ("Smartsheet", "business apps"),
        ("Visual Studio", "developer tools"), ("Visual Studio Code", "developer tools"), ("Git", "developer tools"),
        ("GitHub Desktop", "developer tools"), ("Docker Desktop", "developer tools"), ("Postman", "developer tools"),
        ("Python", "developer tools"), ("Node.js", "developer tools"), ("SQL Server Management Studio", "developer tools"),
        ("Azure Data Studio", "developer tools"), ("PuTTY", "developer tools"), ("WinSCP", "developer tools"),
        ("Chrome", "browser"), ("Edge", "browser"), ("Firefox", "browser"), ("Safari", "browser"),
        ("Citrix Workspace", "remote access"), ("Azure Virtual Desktop", "remote access"), ("Windows App", "remote access"),
        ("Cisco AnyConnect", "network"), ("FortiClient", "network"), ("Zscaler", "network"),
        ("Intune Company Portal", "device"), ("Windows Hello", "security"), ("Defender", "security"), ("CrowdStrike Falcon", "security"),
        ("Okta Verify", "security"), ("YubiKey", "security"), ("Bitwarden", "security"), ("1Password", "security"), ("Keeper", "security"),
        ("smart card reader", "hardware"), ("badge reader", "hardware"), ("label printer", "printing"), ("plotter", "printing"),
        ("scanner", "printing"), ("document camera", "hardware"), ("room display", "hardware"), ("Surface Hub", "hardware"),
        ("Poly speakerphone", "hardware"), ("Jabra headset", "hardware"), ("Logitech webcam", "hardware"), ("USB-C hub", "hardware"),
        ("Thunderbolt dock", "hardware"), ("KVM switch", "hardware"), ("barcode scanner", "hardware"), ("receipt printer", "printing"),
        ("drawing tablet", "hardware"), ("Chromebook", "device"), ("iPad", "device"), ("Android tablet", "device"),
        ("Surface laptop", "device"), ("ThinkPad", "device"), ("MacBook Pro", "device"), ("desk phone", "telephony"),
        ("softphone", "telephony"), ("voicemail", "telephony"), ("Teams Phone", "telephony"), ("call queue", "telephony"),
        ("mapped network drive", "files"), ("home folder", "files"), ("file share", "files"), ("Dropbox", "files"), ("Box", "files"),
        ("Google Drive", "files"), ("intranet", "general"), ("learning portal", "general"), ("HR portal", "general"),
    ];

    private static readonly string[] SystemPrefixes =
    [
        "Nova", "Flow", "Data", "Cloud", "Quick", "Smart", "Work", "Team", "Sales", "Asset", "Case", "Doc", "Print", "Time",
        "Field", "Pay", "Claim", "Stock", "Vendor", "Fleet", "Lab", "Grant", "Policy", "Audit", "Ledger", "Route", "Plan", "Shift",
    ];

    private static readonly string[] SystemSuffixes =
    [
        "desk", "hub", "point", "track", "line", "base", "link", "view", "flow", "gate", "sync", "ware", "centre", "suite",
        "portal", "board", "box", "logic", "stream", "works",
    ];

    private static readonly string[] Features =
    [
        "the calendar", "a shared folder", "notifications", "an add-in", "a plugin", "a browser extension", "macros", "a template",
        "a dashboard", "a report", "saved searches", "favourites", "offline mode", "dark mode", "permissions", "your profile",
        "a certificate", "proxy settings", "drivers", "firmware", "display settings", "the default audio device", "keyboard shortcuts",
        "autosave", "version history", "the recycle bin", "a sharing link", "guest access", "single sign-on", "an API token",
        "a signature", "delegates", "a distribution list", "a workspace", "a project", "a channel", "a data connection",
        "scheduled exports", "a custom view", "two-step sign-in", "a recovery code", "the language", "the time zone",
        "spell check", "the ribbon", "a watermark", "a digital signature", "form fields", "a pivot table", "a mail merge",
        "a backup", "a sync folder", "the cache", "a workflow", "an approval", "a queue", "a status message", "a room booking",
        "a meeting recording", "captions", "background effects", "screen sharing", "a whiteboard", "a poll", "breakout rooms",
        "a print queue", "double-sided printing", "scan to email", "a network location", "a VPN profile", "a Wi-Fi profile",
        "a USB device", "a second display", "the battery saver", "a power plan", "a local admin request", "an expired licence",
    ];

    private static readonly string[] Tasks =
    [
        "Set up {0}", "Reset {0}", "Export {0}", "Import {0}", "Turn on {0}", "Turn off {0}", "Change {0}", "Share {0}",
        "Back up {0}", "Restore {0}", "Update {0}", "Remove {0}", "Move {0} to a new laptop", "Find {0}", "Customise {0}",
        "Sync {0}", "Add {0}", "Configure {0}", "Repair {0}", "Request {0}", "Renew {0}", "Copy {0}", "Clear {0}",
    ];

    private static readonly string[] Problems =
    [
        "crashes on start", "won't open", "is very slow", "keeps asking for a password", "shows a licence error", "won't sync",
        "freezes", "can't connect", "shows a blank screen", "says access denied", "won't print", "has no sound",
        "keeps disconnecting", "shows an update error", "won't sign in", "is missing from the Start menu", "closes by itself",
        "shows the wrong data", "won't save", "can't find the server", "shows a certificate warning", "is stuck loading",
        "uses all the memory", "drains the battery", "won't update", "shows garbled text", "loses its settings",
    ];

    private static readonly string[] Platforms =
    [
        "Windows 11", "Windows 10", "macOS", "iPhone", "Android", "the web", "Linux", "a Chromebook",
    ];

    private static readonly string[] Teams =
    [
        "finance", "sales", "HR", "engineering", "marketing", "legal", "facilities", "customer service", "operations",
        "procurement", "research", "design", "logistics", "compliance",
    ];

    private static readonly string[] Purposes =
    [
        "tracking cases", "approving invoices", "managing contracts", "planning projects", "booking resources", "reporting",
        "storing documents", "recording time", "keeping customer records", "ordering stock", "managing suppliers",
        "scheduling shifts", "processing claims", "tracking assets", "running payroll reports", "signing documents",
        "sharing files with partners", "analysing data", "writing code", "designing layouts", "video calls", "team chat",
    ];

    private static readonly string[] Menus = ["Settings", "Preferences", "Tools", "File", "Account", "Help", "Options", "View", "Admin"];

    private static readonly string[] Submenus =
    [
        "General", "Privacy", "Accounts", "Notifications", "Advanced", "Sync", "Storage", "Connections", "Security", "Devices",
        "Updates", "Sharing", "Display", "Language", "Integrations", "Backup",
    ];

    private static readonly string[] Options =
    [
        "Sign in automatically", "Sync on start-up", "Use system proxy", "Keep files offline", "Show notifications",
        "Hardware acceleration", "Remember me", "Send diagnostic data", "Start with Windows", "Use modern authentication",
        "Download updates automatically", "Open links in the app", "Compact layout", "Cache credentials",
    ];

    private static readonly string[] Resources =
    [
        "camera", "microphone", "notifications", "network", "files and folders", "location", "Bluetooth", "screen recording",
    ];

    private static readonly string[] MainHeadings =
    [
        "Windows", "macOS", "iPhone and Android", "In the browser", "On a shared computer", "Using the desktop app",
        "Using the web version", "Set it up", "Fix it", "Step by step", "If you work from home", "For managers",
    ];

    // The long tail a real KB has: IT terms beyond the starter articles' own words, hardware models, update numbers, servers.
    private static readonly string[] Glossary =
    [
        "hypervisor", "partition", "registry", "thumbnail", "codec", "bandwidth", "latency", "packet loss", "firewall", "subnet",
        "gateway", "DNS", "DHCP", "IP address", "MAC address", "proxy", "certificate chain", "token", "session", "cookie",
        "redirect", "tenant", "mailbox", "calendar permissions", "delegate access", "group policy", "compliance policy",
        "conditional access", "device enrolment", "MDM profile", "kernel extension", "system extension", "daemon", "service account",
        "scheduled task", "event log", "crash dump", "memory leak", "page file", "swap", "SSD", "NVMe", "BIOS", "UEFI", "TPM",
        "secure boot", "driver rollback", "firmware update", "docking firmware", "display port", "HDMI", "refresh rate", "resolution",
        "scaling", "colour profile", "font cache", "spooler", "print driver", "duplex unit", "toner", "drum", "paper tray",
        "fuser", "scan profile", "OCR", "PDF/A", "macro security", "trusted location", "protected view", "add-in manager",
        "COM add-in", "roaming profile", "local profile", "credential manager", "keychain", "password vault", "SAML", "OAuth",
        "SCIM", "provisioning", "deprovisioning", "licence pool", "seat", "entitlement", "retention policy", "litigation hold",
        "archive mailbox", "journaling", "transport rule", "SPF", "DKIM", "DMARC", "quarantine", "allow list", "block list",
        "sandbox", "endpoint protection", "isolation", "tamper protection", "real-time protection", "exclusion", "hash",
        "checksum", "encryption", "decryption", "recovery partition", "system restore", "snapshot", "replication", "failover",
        "load balancer", "throttling", "rate limit", "timeout", "handshake", "cipher", "TLS", "SMB", "NFS", "WebDAV", "SFTP",
        "SSH key", "API key", "webhook", "connector", "data gateway", "refresh schedule", "dataset", "workspace capacity",
        "premium capacity", "row-level security", "audit log", "telemetry", "diagnostic data", "support bundle", "log file",
        "trace", "verbose logging", "safe mode", "clean boot", "compatibility mode", "Rosetta", "ARM64", "x64", "runtime",
        "redistributable", "framework", "dependency", "package manager", "installer cache", "MSI", "PKG", "silent install",
        "self-service", "approval workflow", "cost centre", "purchase order", "asset register", "warranty", "RMA", "loan pool",
        "hot desk", "meeting room panel", "occupancy sensor", "ceiling microphone", "echo cancellation", "noise suppression",
        "bitrate", "frame rate", "codec pack", "screen reader", "magnifier", "dictation", "high contrast", "captions file",
    ];

    private static readonly string[] Models =
    [
        "Dell Latitude 7440", "Dell Latitude 5540", "HP EliteBook 840 G10", "HP EliteBook 860 G9", "Lenovo ThinkPad T14 Gen 4",
        "Lenovo ThinkPad X1 Carbon Gen 11", "Surface Laptop 5", "Surface Pro 9", "MacBook Air M2", "MacBook Pro M3",
        "HP LaserJet M507", "HP Color LaserJet M555", "Canon imageRUNNER C3826", "Ricoh IM C3000", "Xerox VersaLink C405",
        "Brother QL-820NWB", "Zebra ZD421", "Jabra Evolve2 65", "Jabra Evolve2 85", "Poly Voyager Focus 2", "Poly Studio P15",
        "Logitech Brio 4K", "Logitech MX Keys", "Dell WD19TB", "Dell WD22TB4", "HP USB-C Dock G5", "Lenovo ThinkPad Universal Dock",
        "Dell P2723QE", "LG 27UP850", "Samsung Galaxy S23", "iPhone 15", "Pixel 8", "YubiKey 5 NFC", "Yealink T54W", "Cisco 8851",
    ];

    private static readonly string[] Sites = ["lon", "nyc", "ber", "par", "syd", "tor", "sgp", "mad", "dub", "ams"];

    private static readonly string[] Roles = ["fs", "print", "app", "sql", "rds", "dc", "web", "files", "lic", "ts"];

    private static readonly string[] Shares = ["Finance", "Projects", "Scans", "Public", "Teams", "Archive", "Templates", "Reports"];

    private static readonly string[] SpecificTemplates =
    [
        "If {product} mentions the {term}, leave it as it is and continue.",
        "This does not change your {term} or {term2} settings.",
        "Open **{menu} > {submenu}** and check the {term} matches what the help desk gave you.",
        "Make sure Windows update **{kb}** is installed (**Settings > Windows Update > Update history**).",
        "Connect to **\\\\{host}\\{share}** in File Explorer if {product} asks for its data folder.",
        "On a {model}, update the {term} first; the help desk has the right version.",
        "{product} talks to the server **{host}**; if that name does not respond, it is probably an outage.",
        "The {model} needs the latest {term} before {product} works with it.",
    ];

    private static readonly string[] StepTemplates =
    [
        "Open **{product}** and select **{menu} > {submenu}**.",
        "Select **{feature}**, then turn on **{option}**.",
        "Close {product} completely (check the system tray or the menu bar too), then open it again.",
        "Sign in with your work email address when {product} asks, using your normal password, and approve the MFA prompt.",
        "Select **Save** and wait a minute for the change to reach your other devices.",
        "Check that {feature} now appears in {product}. If not, restart your laptop and check again.",
        "Go to **{menu} > {submenu}** and select **Reset**. Your own files are not deleted.",
        "Open the Company Portal, search for **{product}** and select **Reinstall** or **Update**.",
        "Note the error message exactly as shown, for example **{code}**, so the help desk can look it up.",
        "On {platform}, make sure {product} is allowed to use the {resource} in the privacy settings.",
        "Sign out of {product} (**Account > Sign out**), then sign in again.",
        "Check the service status page on the intranet for a known {product} outage before changing anything.",
        "If {product} asks for a licence, select **Sign in** and use your work account; licences are assigned within a day.",
        "Export a copy first: select **File > Export** and save it to OneDrive.",
        "Select **{option}** and then **Apply**.",
        "Remove {feature} by selecting the three dots (**…**) next to it and choosing **Remove**.",
        "Try the web version of {product} in a browser; if it works there, the problem is with the app on your laptop.",
        "Install waiting updates for {platform} and restart.",
        "Turn the {resource} off and on again, then reconnect in {product}.",
        "Select **Help > About {product}** and check the version is {version} or later.",
        "Start {product} in safe mode: hold **Ctrl** (Mac: **Option**) while opening it.",
        "Re-enter your details in **{menu} > Accounts** and select **Test connection**.",
        "Choose **{menu} > {submenu} > {feature}** and follow the prompts.",
        "Ask the owner to share {feature} with you again if the link has expired.",
        "Wait up to 15 minutes, then refresh {product} with **F5** (Mac: **Cmd + R**).",
    ];

    private static readonly string[] CheckTemplates =
    [
        "Make sure you are in the office or connected to the VPN.",
        "Restart your laptop and try {product} again.",
        "Check that you are signed in to {product} with your work account, not a personal one.",
        "Check for updates with **Help > Check for updates** in {product}.",
        "Make sure you have a {product} licence: it is listed in your account portal under **Subscriptions**.",
        "Check whether colleagues have the same problem; if they do, it is probably an outage.",
    ];

    private static readonly string[] BulletTemplates =
    [
        "{product} still {problem} after the steps above.",
        "You see error **{code}** in {product}.",
        "{feature} is missing for everyone in your team, not just you.",
        "You need {product} access for a new starter or after a team change.",
        "You think {product} data was lost or shared with the wrong people.",
    ];

    private static readonly string[] Descriptions =
    [
        "{product} is the app the {team} team uses for {purpose}.",
        "{product} is the company's system for {purpose}.",
        "{product} is a licensed app for {purpose}, available to staff who need it.",
        "{product} is the {team} team's tool for {purpose}.",
    ];

    private readonly Random _random;
    private readonly string[] _summarySentences;
    private readonly string[] _prose;
    private readonly string[] _bullets;
    private readonly string[] _contactProse;
    private readonly string[] _checkSteps;
    private readonly string[] _steps;
    private readonly string[] _headings;
    private readonly string[] _questions;
    private readonly string[] _tags;
    private readonly string[] _systems;

    /// <summary>Collects the starter articles' sentences, steps, headings, questions and tags to recombine.</summary>
    public KnowledgeBaseGenerator(IReadOnlyList<KnowledgeArticle> starter, int seed)
    {
        _random = new Random(seed);
        var sections = starter.SelectMany(a => a.Sections).ToList();
        bool IsContact(ArticleSection s) => s.Heading.Contains("help desk", StringComparison.OrdinalIgnoreCase);
        bool IsCheck(ArticleSection s) => s.Heading.Equals("Check first", StringComparison.OrdinalIgnoreCase);
        static IEnumerable<string> Lines(string text) => text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0);

        _summarySentences = Distinct(starter.SelectMany(a => Sentences(a.Summary)));
        _prose = Distinct(sections.Where(s => !IsContact(s)).SelectMany(s => Lines(s.Text)).Where(l => !l.StartsWith("- ", StringComparison.Ordinal)).SelectMany(Sentences));
        _bullets = Distinct(sections.Where(IsContact).SelectMany(s => Lines(s.Text)).Where(l => l.StartsWith("- ", StringComparison.Ordinal)).Select(l => l[2..]));
        _contactProse = Distinct(sections.Where(IsContact).SelectMany(s => Lines(s.Text)).Where(l => !l.StartsWith("- ", StringComparison.Ordinal)));
        _checkSteps = Distinct(sections.Where(IsCheck).SelectMany(s => s.Steps));
        _steps = Distinct(sections.Where(s => !IsCheck(s) && !IsContact(s)).SelectMany(s => s.Steps));
        _headings = Distinct(sections.Where(s => !IsCheck(s) && !IsContact(s)).Select(s => s.Heading));
        _questions = Distinct(starter.SelectMany(a => a.Questions));
        _tags = Distinct(starter.SelectMany(a => a.Tags));

        // Internal systems: one-word names such as "Assettrack" or "Claimportal", like the line-of-business apps a real KB covers.
        _systems = SystemPrefixes.SelectMany(p => SystemSuffixes.Select(s => p + s)).OrderBy(_ => _random.Next()).Take(320).ToArray();
    }

    /// <summary>Words of the body (summary and sections) of the Markdown, as the ~200–400-word target counts them.</summary>
    public static int BodyWords(string markdown)
    {
        var end = markdown.IndexOf("\n---\n", 4, StringComparison.Ordinal);
        return WordCount(markdown[(end + 5)..]);
    }

    /// <summary>Generates <paramref name="count"/> articles as (id, Markdown) pairs with unique ids.</summary>
    public IReadOnlyList<(string Id, string Markdown)> Generate(int count)
    {
        var articles = new List<(string, string)>(count);
        for (var i = 0; i < count; i++)
        {
            articles.Add(GenerateOne(i));
        }

        return articles;
    }

    private (string Id, string Markdown) GenerateOne(int number)
    {
        var topic = NewTopic();
        var kind = _random.Next(100) switch
        {
            < 45 => ArticleKind.Task,
            < 85 => ArticleKind.Fault,
            _ => ArticleKind.Access,
        };

        var task = Pick(Tasks);
        var title = kind switch
        {
            ArticleKind.Task when task.StartsWith("Set up", StringComparison.Ordinal) && Chance(30) => $"Install {topic.Product} on {topic.Platform}",
            ArticleKind.Task => Format(task, $"{topic.Feature} in {topic.Product}") + (Chance(30) ? $" on {topic.Platform}" : string.Empty),
            ArticleKind.Fault when Chance(30) => $"{Capitalise(topic.Feature)} in {topic.Product} {topic.Problem}",
            ArticleKind.Fault => $"{topic.Product} {topic.Problem}" + (Chance(35) ? $" on {topic.Platform}" : string.Empty),
            _ => Pick(["Request access to {0}", "Get a {0} licence", "Request a {0} account for a new starter", "Change who can use {0}"])
                .Replace("{0}", topic.Product, StringComparison.Ordinal),
        };

        var id = Slug(title, 70) + "-" + number.ToString("D5", CultureInfo.InvariantCulture);
        var questions = Questions(kind, topic, task);
        var tags = new[] { topic.Product.ToLowerInvariant(), Bare(topic.Feature), topic.Platform.ToLowerInvariant(), Pick(_tags), Pick(_tags), topic.Category }
            .Concat(kind == ArticleKind.Fault ? [topic.Problem.Split(' ')[^1]] : kind == ArticleKind.Access ? ["access", "licence"] : [Bare(Format(task, string.Empty))])
            .Select(t => t.Trim().ToLowerInvariant())
            .Where(t => t.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .ToList();

        var body = Body(kind, topic, task, _random.Next(200, 401));

        var markdown = new StringBuilder();
        markdown.Append("---\n");
        markdown.Append(CultureInfo.InvariantCulture, $"id: {id}\n");
        markdown.Append(CultureInfo.InvariantCulture, $"title: {Quote(title)}\n");
        markdown.Append(CultureInfo.InvariantCulture, $"category: {topic.Category}\n");
        markdown.Append(CultureInfo.InvariantCulture, $"tags: [{string.Join(", ", tags.Select(Quote))}]\n");
        markdown.Append("questions:\n");
        foreach (var question in questions)
        {
            markdown.Append(CultureInfo.InvariantCulture, $"  - {Quote(question)}\n");
        }

        markdown.Append("actions: []\n---\n");
        markdown.Append(body);
        return (id, markdown.ToString());
    }

    private List<string> Questions(ArticleKind kind, Topic topic, string task)
    {
        var doing = Format(task, topic.Feature).ToLowerInvariant();
        var device = Pick(["laptop", "Mac", "phone", "iPad", "work PC"]);
        string[] candidates = kind switch
        {
            ArticleKind.Task =>
            [
                $"How do I {doing} in {topic.Product}?", $"Where is {Bare(topic.Feature)} in {topic.Product}?",
                $"{topic.Product} {Bare(topic.Feature)} on {topic.Platform}", $"Can I {doing} in {topic.Product} on my {device}?",
                $"how to {doing} {topic.Product}", $"{topic.Product}: {doing}", $"Is there a way to {doing} in {topic.Product}?",
            ],
            ArticleKind.Fault =>
            [
                $"{topic.Product} {topic.Problem}", $"My {topic.Product} {topic.Problem} since the update", $"{topic.Product} {topic.Problem} on my {device}",
                $"{topic.Product} shows error {topic.Code}", $"{Capitalise(Bare(topic.Feature))} not working in {topic.Product}",
                $"{topic.Product} {topic.Problem} again, what do I do?", $"Why is {topic.Product} broken on {topic.Platform}?",
            ],
            _ =>
            [
                $"How do I get access to {topic.Product}?", $"I need a {topic.Product} licence", $"{topic.Product} says I don't have permission",
                $"Who approves {topic.Product} access?", $"Can a new starter get {topic.Product}?", $"request {topic.Product}",
            ],
        };

        var questions = candidates.OrderBy(_ => _random.Next()).Take(_random.Next(3, 7)).ToList();
        if (Chance(30))
        {
            // Real phrasing from the starter set, pointed at this product.
            var starter = Pick(_questions).TrimEnd('?', '.', '!');
            questions.Add($"{starter} in {topic.Product}?");
        }

        return questions;
    }

    private string Body(ArticleKind kind, Topic topic, string task, int targetWords)
    {
        var summary = new List<string>
        {
            Fill(Pick(Descriptions), topic),
            kind switch
            {
                ArticleKind.Task => $"This article explains how to {Format(task, topic.Feature).ToLowerInvariant()} on {topic.Platform} and in the browser.",
                ArticleKind.Fault => $"Use this when {topic.Product} {topic.Problem}, for example after an update or a password change.",
                _ => $"Access is approved by your manager and set up by the {Pick(Teams)} team, usually within two working days.",
            },
        };
        if (Chance(50))
        {
            summary.Add(Pick(_summarySentences));
        }

        if (kind == ArticleKind.Fault && Chance(50))
        {
            summary.Add(Fill("You may see **{code}** or a similar message.", topic));
        }

        if (Chance(40))
        {
            summary.Add(Fill("Applies to {product} {version} on {platform}" + (Chance(50) ? " and the {model}." : "."), topic));
        }

        var check = new Section("Check first", null, [Fill(Pick(CheckTemplates), topic), Pick(_checkSteps)]);
        var main = new List<Section> { NewMainSection(kind, topic, task) };
        var contact = new Section(
            "When to contact the help desk",
            Pick(_contactProse),
            [Fill(Pick(BulletTemplates), topic), Pick(_bullets)]);

        var sections = new List<Section>();
        void Assemble()
        {
            sections.Clear();
            if (check.Steps.Count > 0)
            {
                sections.Add(check);
            }

            sections.AddRange(main);
            sections.Add(contact);
        }

        Assemble();
        while (WordCount(Render(summary, sections)) < targetWords)
        {
            var grow = _random.Next(100);
            if (grow < 10 && check.Steps.Count < 4)
            {
                check.Steps.Add(Chance(50) ? Fill(Pick(CheckTemplates), topic) : Pick(_checkSteps));
            }
            else if (grow < 20 && main.Count < 4)
            {
                main.Add(NewMainSection(kind, topic, task));
            }
            else if (grow < 25 && main[^1].Prose is null)
            {
                main[^1] = main[^1] with
                {
                    Prose = _random.Next(3) switch
                    {
                        0 => Pick(_prose),
                        1 => Fill("These steps also work for {product} on {platform}.", topic),
                        _ => Fill(Pick(SpecificTemplates), topic),
                    }
                };
            }
            else
            {
                var section = main.Where(s => s.Steps.Count < 7).OrderBy(_ => _random.Next()).FirstOrDefault();
                if (section is null)
                {
                    main.Add(NewMainSection(kind, topic, task));
                }
                else
                {
                    section.Steps.Add(NewStep(topic));
                }
            }

            Assemble();
        }

        // The last addition may overshoot: trim steps (never below two in a section) back to at most 400 words.
        while (WordCount(Render(summary, sections)) > 400 && main.Where(s => s.Steps.Count > 2).MaxBy(s => s.Steps.Count) is { } longest)
        {
            longest.Steps.RemoveAt(longest.Steps.Count - 1);
        }

        return Render(summary, sections);
    }

    private Section NewMainSection(ArticleKind kind, Topic topic, string task)
    {
        var heading = _random.Next(100) switch
        {
            < 40 => Pick(MainHeadings),
            < 60 => Pick(_headings),
            < 80 when kind == ArticleKind.Fault => $"If {topic.Product} {topic.Problem}",
            < 80 => Format(task, topic.Feature),
            _ => $"{topic.Product} on {topic.Platform}",
        };
        var steps = Enumerable.Range(0, _random.Next(2, 4)).Select(_ => NewStep(topic)).ToList();
        return new Section(heading, null, steps);
    }

    private string NewStep(Topic topic) => _random.Next(100) switch
    {
        < 15 => Fill(Pick(SpecificTemplates), topic),
        < 60 => Fill(Pick(StepTemplates), topic),
        _ => Pick(_steps),
    };

    private Topic NewTopic()
    {
        string product;
        string category;
        if (Chance(40))
        {
            product = Pick(_systems);
            category = "business apps";
        }
        else
        {
            (product, category) = Products[_random.Next(Products.Length)];
        }

        var code = _random.Next(3) switch
        {
            0 => "0x8007" + _random.Next(0x10000).ToString("x4", CultureInfo.InvariantCulture),
            1 => "AADSTS" + _random.Next(50000, 900000).ToString(CultureInfo.InvariantCulture),
            _ => product.Split(' ')[0].ToUpperInvariant() + "-" + _random.Next(100, 9999).ToString(CultureInfo.InvariantCulture),
        };
        var version = $"{_random.Next(1, 25)}.{_random.Next(0, 10)}";
        return new Topic(product, category, Pick(Features), Pick(Problems), Pick(Platforms), code, version);
    }

    private string Fill(string template, Topic topic) =>
        template
            .Replace("{product}", topic.Product, StringComparison.Ordinal)
            .Replace("{feature}", topic.Feature, StringComparison.Ordinal)
            .Replace("{problem}", topic.Problem, StringComparison.Ordinal)
            .Replace("{platform}", topic.Platform, StringComparison.Ordinal)
            .Replace("{code}", topic.Code, StringComparison.Ordinal)
            .Replace("{version}", topic.Version, StringComparison.Ordinal)
            .Replace("{menu}", Pick(Menus), StringComparison.Ordinal)
            .Replace("{submenu}", Pick(Submenus), StringComparison.Ordinal)
            .Replace("{option}", Pick(Options), StringComparison.Ordinal)
            .Replace("{resource}", Pick(Resources), StringComparison.Ordinal)
            .Replace("{team}", Pick(Teams), StringComparison.Ordinal)
            .Replace("{purpose}", Pick(Purposes), StringComparison.Ordinal)
            .Replace("{term}", Pick(Glossary), StringComparison.Ordinal)
            .Replace("{term2}", Pick(Glossary), StringComparison.Ordinal)
            .Replace("{model}", Pick(Models), StringComparison.Ordinal)
            .Replace("{host}", Host(), StringComparison.Ordinal)
            .Replace("{share}", Pick(Shares), StringComparison.Ordinal)
            .Replace("{kb}", "KB50" + _random.Next(10000, 99999).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    // Server names the way organisations write them: LON-FS-03 or lonfs03.
    private string Host()
    {
        var (site, role, number) = (Pick(Sites), Pick(Roles), _random.Next(1, 21).ToString("D2", CultureInfo.InvariantCulture));
        return Chance(50) ? $"{site}-{role}-{number}".ToUpperInvariant() : $"{site}{role}{number}";
    }

    private static string Render(List<string> summary, List<Section> sections)
    {
        var text = new StringBuilder();
        text.Append(string.Join(' ', summary)).Append("\n\n");
        foreach (var section in sections)
        {
            text.Append("## ").Append(section.Heading).Append('\n');
            var contact = section.Heading.StartsWith("When to contact", StringComparison.Ordinal);
            if (!contact && section.Prose is not null)
            {
                text.Append(section.Prose).Append("\n\n");
            }

            for (var i = 0; i < section.Steps.Count; i++)
            {
                text.Append(contact ? "- " : (i + 1).ToString(CultureInfo.InvariantCulture) + ". ").Append(section.Steps[i]).Append('\n');
            }

            if (contact && section.Prose is not null)
            {
                text.Append('\n').Append(section.Prose).Append('\n');
            }

            text.Append('\n');
        }

        return text.ToString().TrimEnd() + "\n";
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    private bool Chance(int percent) => _random.Next(100) < percent;

    private static string Format(string template, string value) => template.Replace("{0}", value, StringComparison.Ordinal).Trim();

    private static string Bare(string phrase) =>
        phrase.StartsWith("the ", StringComparison.Ordinal) ? phrase[4..]
        : phrase.StartsWith("a ", StringComparison.Ordinal) ? phrase[2..]
        : phrase.StartsWith("an ", StringComparison.Ordinal) ? phrase[3..]
        : phrase.StartsWith("your ", StringComparison.Ordinal) ? phrase[5..]
        : phrase;

    private static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static string Slug(string text, int max = 80)
    {
        var slug = NonSlug().Replace(text.ToLowerInvariant(), "-").Trim('-');
        return slug.Length <= max ? slug : slug[..max].TrimEnd('-');
    }

    private static int WordCount(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;

    private static string[] Distinct(IEnumerable<string> items) =>
        items.Select(i => i.Trim()).Where(i => i.Length > 0).Distinct(StringComparer.Ordinal).ToArray();

    private static IEnumerable<string> Sentences(string text) => SentenceEnd().Split(text.Replace('\n', ' '));

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NonSlug();

    [GeneratedRegex(@"(?<=[.!?])\s+(?=[A-Z*""(])")]
    private static partial Regex SentenceEnd();

    private enum ArticleKind
    {
        Task,
        Fault,
        Access,
    }

    private sealed record Topic(string Product, string Category, string Feature, string Problem, string Platform, string Code, string Version);

    private sealed record Section(string Heading, string? Prose, List<string> Steps);
}
