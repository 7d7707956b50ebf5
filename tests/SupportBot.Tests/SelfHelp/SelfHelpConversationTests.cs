using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Newtonsoft.Json.Linq;
using SupportBot.Skills.SelfHelp.Sandbox;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.SelfHelp;

/// <summary>
/// Self-help actions through real turns in Teams: the bot acts through the real Graph SDK over HTTP on the demo
/// tenant's sandbox, only for the signed-in caller, only after they confirm on the card.
/// </summary>
public sealed class SelfHelpConversationTests : IAsyncLifetime
{
    private const string AdeleLaptop = "677d1297-b493-4bbb-8f34-5ee2436b4619";
    private const string VisioGroup = "3f0c1d6e-6a1b-4c53-9a55-0b1c7d6a1001";
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private BotHost _host = null!;
    private ChannelRecorder _channel = null!;
    private HttpClient _client = null!;
    private GraphSandbox _sandbox = null!;

    public async Task InitializeAsync()
    {
        _host = BotHost.Start(services: s => s.AddSingleton<TimeProvider>(_clock));
        _channel = await ChannelRecorder.StartAsync();
        _client = _host.NewClient();
        _sandbox = _host.Services.GetRequiredService<GraphSandbox>();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _channel.DisposeAsync();
        await _host.DisposeAsync();
    }

    private TeamsChat ChatAs(TeamsUser user) => new(_client, _channel, user);

    private int RebootsOf(string deviceId) => _sandbox.Tenant.FindDevice(deviceId)!.RebootRequests.Count;

    [Fact]
    public async Task AccountStatus_ShowsTheCallersPasswordExpiryAndRegistration_FromTheDemoTenant()
    {
        var replies = await ChatAs(DemoPeople.Adele).SayAsync("check my account status");

        var text = replies.Text();
        Assert.Contains("Here's your account, Adele", text, StringComparison.Ordinal);
        Assert.Contains("**Password expires:**", text, StringComparison.Ordinal);
        Assert.Contains("in 15 days", text, StringComparison.Ordinal);
        Assert.Contains("**Self-service password reset:** registered", text, StringComparison.Ordinal);
        Assert.Contains("Demo tenant", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RestartMyLaptop_RunsOnlyAfterTheCallerConfirms_AndOnlyOnce()
    {
        var chat = ChatAs(DemoPeople.Adele);

        var asked = await chat.SayAsync("restart my laptop");

        Assert.Contains("Restart DESKTOP-ADELE01?", asked.Text(), StringComparison.Ordinal);
        Assert.Equal(0, RebootsOf(AdeleLaptop));

        var done = await chat.SubmitAsync(asked.ConfirmData());
        Assert.Contains("DESKTOP-ADELE01** will restart", done.Text(), StringComparison.Ordinal);
        Assert.Equal(1, RebootsOf(AdeleLaptop));

        var replay = await chat.SubmitAsync(asked.ConfirmData());
        Assert.Contains("already been used", replay.Text(), StringComparison.Ordinal);
        Assert.Equal(1, RebootsOf(AdeleLaptop));
    }

    [Fact]
    public async Task ConfirmationClickedByAnotherUser_RunsNothing_AndStillWorksForItsOwner()
    {
        var chat = ChatAs(DemoPeople.Adele);
        var asked = await chat.SayAsync("restart DESKTOP-ADELE01");

        var intruder = await chat.SubmitAsync(asked.ConfirmData(), from: DemoPeople.Megan);

        Assert.Contains("was for someone else", intruder.Text(), StringComparison.Ordinal);
        Assert.Equal(0, RebootsOf(AdeleLaptop));
        Assert.Contains(_host.Logs.Entries, e => e.Message.Contains("belongs to someone else", StringComparison.Ordinal));

        await chat.SubmitAsync(asked.ConfirmData());
        Assert.Equal(1, RebootsOf(AdeleLaptop));
    }

    [Fact]
    public async Task ConfirmationAfterTenMinutes_HasExpired_AndRunsNothing()
    {
        var chat = ChatAs(DemoPeople.Adele);
        var asked = await chat.SayAsync("sign me out everywhere");
        var before = _sandbox.Tenant.FindUser("AdeleV@contoso.com")!.SignInSessionsValidFromDateTime;

        _clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        var late = await chat.SubmitAsync(asked.ConfirmData());

        Assert.Contains("expired", late.Text(), StringComparison.Ordinal);
        Assert.Equal(before, _sandbox.Tenant.FindUser("AdeleV@contoso.com")!.SignInSessionsValidFromDateTime);
        Assert.DoesNotContain(_sandbox.Requests, r => r.Path.Contains("revokeSignInSessions", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SignOutEverywhere_RevokesTheCallersSessions_AndPointsToTheLostDeviceArticle()
    {
        var chat = ChatAs(DemoPeople.Adele);
        var asked = await chat.SayAsync("sign me out everywhere");

        var done = await chat.SubmitAsync(asked.ConfirmData());

        Assert.Contains("signed out everywhere", done.Text(), StringComparison.Ordinal);
        Assert.True(_sandbox.Tenant.FindUser("AdeleV@contoso.com")!.SignInSessionsValidFromDateTime > _clock.GetUtcNow().AddMinutes(-1));
        Assert.Contains(done.CitedUrls(), u => u.EndsWith("/kb/security-lost-device", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CancelOnTheCard_ChangesNothing()
    {
        var chat = ChatAs(DemoPeople.Adele);
        var asked = await chat.SayAsync("restart my laptop");

        var cancelled = await chat.SubmitAsync(asked.ConfirmData(approved: false));

        Assert.Contains("didn't change anything", cancelled.Text(), StringComparison.Ordinal);
        Assert.Equal(0, RebootsOf(AdeleLaptop));
    }

    [Theory]
    [InlineData("restart Anna's laptop")]
    [InlineData("reset the password for ceo@contoso.com")]
    [InlineData("please sync his laptop")]
    [InlineData("install visio for Megan")]
    public async Task RequestsAboutSomeoneElse_AreRefusedPolitely_LoggedAndAudited(string request)
    {
        var replies = await ChatAs(DemoPeople.Adele).SayAsync(request);

        Assert.Contains("only do this for your own account", replies.Text(), StringComparison.Ordinal);
        Assert.Contains(_host.Logs.Entries, e => e.Message.Contains("names someone else", StringComparison.Ordinal));
        var audit = await File.ReadAllLinesAsync(_host.AuditLogFile);
        Assert.Contains(audit, l => l.Contains("\"outcome\":\"Refused\"", StringComparison.Ordinal) && l.Contains("named another person", StringComparison.Ordinal));
        Assert.DoesNotContain(_sandbox.Requests, r => r.Method == "POST");
    }

    [Fact]
    public async Task RestartAllDevices_IsRefused_NothingRuns()
    {
        var replies = await ChatAs(DemoPeople.Adele).SayAsync("restart all devices");

        Assert.Contains("one device at a time", replies.Text(), StringComparison.Ordinal);
        Assert.DoesNotContain(_sandbox.Requests, r => r.Method == "POST");
    }

    [Fact]
    public async Task TheCallersOwnDeviceNamedWithTheirName_IsNotMistakenForSomeoneElses()
    {
        var replies = await ChatAs(DemoPeople.Adele).SayAsync("restart Adele's iPhone");

        Assert.Contains("Restart Adele's iPhone?", replies.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserTheDirectoryDoesNotKnow_GetsAClearReply_AndKnowledgeStillWorks()
    {
        var chat = ChatAs(DemoPeople.Stranger);

        var action = await chat.SayAsync("show my devices");
        var answer = await chat.SayAsync("How do I connect to the VPN?");

        Assert.Contains("couldn't find your account in the directory", action.Text(), StringComparison.Ordinal);
        Assert.Contains("VPN", answer.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChannelWithoutAVerifiedIdentity_ChatsAsAGuest_ActionsArePolitelyRefused()
    {
        var conversation = Activities.NewConversationId();
        var activity = Activities.Message(_channel.ServiceUrl, conversation, "restart my laptop", userId: "AdeleV@contoso.com", channelId: "emulator");

        await _client.PostAsync(activity);
        var replies = await _channel.WaitForMessagesAsync(conversation, 1);

        Assert.Contains("doesn't tell me who you are", replies.Text(), StringComparison.Ordinal);
        Assert.DoesNotContain(_sandbox.Requests, r => r.Path.Contains("managedDevices", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ForgotPassword_Registered_GetsTheResetLinkAndSteps_NeverAskedForThePassword()
    {
        var text = (await ChatAs(DemoPeople.Adele).SayAsync("I forgot my password")).Text();

        Assert.Contains("https://aka.ms/sspr", text, StringComparison.Ordinal);
        Assert.Contains("AdeleV@contoso.com", text, StringComparison.Ordinal);
        Assert.Contains("Never type your password in a chat", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForgotPassword_NotRegisteredForSelfServiceReset_IsOfferedATechnician()
    {
        var replies = await ChatAs(DemoPeople.Megan).SayAsync("I forgot my password");

        Assert.Contains("aren't registered for self-service password reset", replies.Text(), StringComparison.Ordinal);
        Assert.Contains("Talk to a technician", replies.Buttons());
    }

    [Fact]
    public async Task SignInMethods_ListsTypesAndNames_WithThePhoneNumberMasked()
    {
        var text = (await ChatAs(DemoPeople.Adele).SayAsync("show my mfa methods")).Text();

        Assert.Contains("Microsoft Authenticator — iPhone 15", text, StringComparison.Ordinal);
        Assert.Contains("number ending in 09", text, StringComparison.Ordinal);
        Assert.DoesNotContain("5550109", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddingAnMfaMethod_GoesToATechnician()
    {
        var replies = await ChatAs(DemoPeople.Adele).SayAsync("add a new authenticator phone to my mfa");

        Assert.Contains("has to be done by a technician", replies.Text(), StringComparison.Ordinal);
        Assert.Contains("Talk to a technician", replies.Buttons());
    }

    [Fact]
    public async Task InstallVisio_WithTheLicence_AddsTheCallerToTheInstallGroupAfterConfirming()
    {
        var chat = ChatAs(DemoPeople.Megan);
        var asked = await chat.SayAsync("install visio");
        Assert.DoesNotContain(DemoPeople.Megan.AadObjectId, _sandbox.Tenant.FindGroup(VisioGroup)!.MemberIds);

        var done = await chat.SubmitAsync(asked.ConfirmData());

        Assert.Contains("Microsoft Visio** is assigned to you", done.Text(), StringComparison.Ordinal);
        Assert.Contains(DemoPeople.Megan.AadObjectId, _sandbox.Tenant.FindGroup(VisioGroup)!.MemberIds);
    }

    [Fact]
    public async Task InstallVisio_WithoutTheLicence_ExplainsAndOffersATechnician()
    {
        var replies = await ChatAs(DemoPeople.Adele).SayAsync("can I get visio installed?");

        Assert.Contains("needs a Visio Plan 2 licence", replies.Text(), StringComparison.Ordinal);
        Assert.Contains("Talk to a technician", replies.Buttons());
        Assert.DoesNotContain(DemoPeople.Adele.AadObjectId, _sandbox.Tenant.FindGroup(VisioGroup)!.MemberIds);
    }

    [Fact]
    public async Task InstallAdobe_IsAmbiguous_TheBotAsksWhichOne()
    {
        var replies = await ChatAs(DemoPeople.Adele).SayAsync("install adobe");

        Assert.Contains("Which one do you mean", replies.Text(), StringComparison.Ordinal);
        Assert.Equal(
            ["Install Adobe Acrobat Pro", "Install Adobe Acrobat Reader", "Install Adobe Photoshop"],
            replies.Buttons().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task InstallAnAppNeedingApproval_GoesToATechnician()
    {
        var replies = await ChatAs(DemoPeople.Adele).SayAsync("install photoshop");

        Assert.Contains("needs a technician's approval", replies.Text(), StringComparison.Ordinal);
        Assert.Contains("Talk to a technician", replies.Buttons());
    }

    [Fact]
    public async Task InstallAnAppNotInTheCatalog_SaysHowToRequestIt()
    {
        var replies = await ChatAs(DemoPeople.Adele).SayAsync("install fortnite");

        Assert.Contains("isn't in the approved software catalog", replies.Text(), StringComparison.Ordinal);
        Assert.Contains("https://support.contoso.example/software", replies.Text(), StringComparison.Ordinal);
        Assert.DoesNotContain("fortnite", await File.ReadAllTextAsync(_host.AuditLogFile), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("install the printer", "/kb/printer-add")]
    [InlineData("install teams", "/kb/teams-install")]
    public async Task InstallingSomethingTheKnowledgeBaseCovers_GetsTheArticle(string request, string article)
    {
        var replies = await ChatAs(DemoPeople.Adele).SayAsync(request);

        Assert.Contains(replies.CitedUrls(), u => u.EndsWith(article, StringComparison.Ordinal));
        Assert.DoesNotContain("isn't in the approved software catalog", replies.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoDevicesWithSimilarNames_TheBotAsksWhich_NothingRunsYet()
    {
        var replies = await ChatAs(DemoPeople.Megan).SayAsync("restart my surface");

        Assert.Contains("Which device?", replies.Text(), StringComparison.Ordinal);
        Assert.Equal(["Restart MEGAN-SURFACE", "Restart MEGAN-SURFACE-2"], replies.Buttons());
        Assert.DoesNotContain(_sandbox.Requests, r => r.Method == "POST");
    }

    [Fact]
    public async Task UnknownDeviceName_ListsTheCallersOwnDevices()
    {
        var replies = await ChatAs(DemoPeople.Adele).SayAsync("restart the toaster");

        Assert.Contains("couldn't find a device called \"toaster\"", replies.Text(), StringComparison.Ordinal);
        Assert.Equal(["Restart DESKTOP-ADELE01", "Restart Adele's iPhone"], replies.Buttons());
    }

    [Fact]
    public async Task IsOutlookDown_ReportsTheKnownAdvisory_SoNobodyFilesATicket()
    {
        var text = (await ChatAs(DemoPeople.Adele).SayAsync("is outlook down?")).Text();

        Assert.Contains("known issue with Exchange Online", text, StringComparison.Ordinal);
        Assert.Contains("EX912345", text, StringComparison.Ordinal);
        Assert.DoesNotContain("SP912346", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TeamsIsDown_WithNoOpenIssue_SaysSoAndOffersTheTroubleshootingArticle()
    {
        var replies = await ChatAs(DemoPeople.Adele).SayAsync("teams is down, my calls keep dropping");

        Assert.Contains("no open incidents or advisories for Microsoft Teams", replies[0].Value<string>("text"), StringComparison.Ordinal);
        Assert.Equal(2, replies.Count);
        Assert.Single(new[] { replies[1] }.CitedUrls());
    }

    [Fact]
    public async Task Licences_AreListedByTheirProductNames()
    {
        var text = (await ChatAs(DemoPeople.Megan).SayAsync("which licences do I have?")).Text();

        Assert.Contains("Microsoft 365 E3", text, StringComparison.Ordinal);
        Assert.Contains("Visio Plan 2", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ArticleThatListsActions_OffersThemAsButtons()
    {
        var replies = await ChatAs(DemoPeople.Adele).SayAsync("I left my laptop on the train");

        Assert.Contains("Sign me out everywhere", replies.Buttons());
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"kind\":\"selfhelp.confirm\",\"action\":\"device.restart\",\"approved\":true}")]
    [InlineData("{\"kind\":\"selfhelp.confirm\",\"token\":\"made-up\",\"action\":\"device.restart\",\"approved\":true}")]
    [InlineData("{\"kind\":\"selfhelp.confirm\",\"token\":42,\"action\":[1],\"approved\":\"yes\"}")]
    public async Task ForgedOrIncompleteConfirmations_RunNothing(string value)
    {
        var replies = await ChatAs(DemoPeople.Adele).SubmitAsync(JToken.Parse(value));

        Assert.False(string.IsNullOrWhiteSpace(replies.Text()));
        Assert.DoesNotContain(_sandbox.Requests, r => r.Method == "POST");
    }

    [Fact]
    public async Task ConfirmationForOneActionSubmittedAsAnother_RunsNothing()
    {
        var chat = ChatAs(DemoPeople.Adele);
        var asked = await chat.SayAsync("sync my laptop");
        var forged = asked.ConfirmData();
        forged["action"] = "device.restart";

        var replies = await chat.SubmitAsync(forged);

        Assert.Contains("doesn't match", replies.Text(), StringComparison.Ordinal);
        Assert.DoesNotContain(_sandbox.Requests, r => r.Method == "POST");
    }

    [Fact]
    public async Task AuditLog_HasOneLinePerAttempt_WithWhoWhatTargetAndResult_AndNothingTheUserTyped()
    {
        var chat = ChatAs(DemoPeople.Adele);
        var asked = await chat.SayAsync("restart my laptop, my password is Hunter2!");
        await chat.SubmitAsync(asked.ConfirmData());

        var lines = await File.ReadAllLinesAsync(_host.AuditLogFile);
        var entries = lines.Select(JObject.Parse).ToList();
        Assert.Equal(["AwaitingConfirmation", "Succeeded"], entries.Select(e => (string)e["outcome"]!));
        Assert.All(entries, e =>
        {
            Assert.Equal(DemoPeople.Adele.AadObjectId, (string?)e["actor"]);
            Assert.Equal("device.restart", (string?)e["action"]);
            Assert.Equal("DESKTOP-ADELE01", (string?)e["target"]);
            Assert.Equal("msteams", (string?)e["channel"]);
        });
        Assert.Single(entries.Select(e => (string)e["correlationId"]!).Distinct());
        Assert.DoesNotContain("Hunter2", string.Join('\n', lines), StringComparison.Ordinal);
    }
}
