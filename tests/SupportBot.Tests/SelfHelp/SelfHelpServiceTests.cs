using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;
using SupportBot.Skills.SelfHelp;

namespace SupportBot.Tests.SelfHelp;

/// <summary>
/// SelfHelpService on its own, with the directory and Intune faked: administrators' switch-offs, every way a Graph
/// call can fail, and what the caller and the audit log see then.
/// </summary>
public sealed class SelfHelpServiceTests
{
    private const string AdeleId = "fa3c0f5c-c02b-494f-af8e-5cd3c163a222";
    private const string LaptopId = "677d1297-b493-4bbb-8f34-5ee2436b4619";
    private const string ZoomGroup = "3f0c1d6e-6a1b-4c53-9a55-0b1c7d6a1006";

    private static readonly Caller Adele = new("msteams", "29:adele", AdeleId, "Adele Vance");

    private readonly Mock<IDirectory> _directory = new();
    private readonly Mock<IDeviceManager> _devices = new();
    private readonly Mock<IServiceHealth> _health = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2025, 3, 14, 9, 30, 0, TimeSpan.Zero));
    private readonly RecordingAuditLog _audit = new();
    private readonly SelfHelpOptions _options = new() { Mode = GraphMode.Graph };
    private readonly SelfHelpService _sut;

    public SelfHelpServiceTests()
    {
        _directory.Setup(d => d.FindUserAsync(AdeleId, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new DirectoryUser(AdeleId, "Adele Vance", "AdeleV@contoso.com", true, _clock.GetUtcNow().AddDays(-75), false));
        _directory.Setup(d => d.GetRegistrationAsync(AdeleId, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new RegistrationDetails(true, true, ["microsoftAuthenticatorPush"]));
        _directory.Setup(d => d.GetLicencesAsync(AdeleId, It.IsAny<CancellationToken>()))
            .ReturnsAsync([new Licence("05e9a617-0261-4cee-bb44-138d3ef5d965", "SPE_E3")]);
        _directory.Setup(d => d.IsMemberAsync(AdeleId, ZoomGroup, It.IsAny<CancellationToken>())).ReturnsAsync(false);
        _devices.Setup(d => d.GetDevicesAsync(AdeleId, It.IsAny<CancellationToken>())).ReturnsAsync(
        [
            new ManagedDevice(LaptopId, "DESKTOP-ADELE01", "Windows", "10.0.22631", "Surface Laptop 5", "compliant", null),
            new ManagedDevice("8a2b9a1c-1e0f-4a5e-9a7e-1c2d3e4f5a6b", "Adele's iPhone", "iOS", "17.4", "iPhone 15", "compliant", null),
        ]);
        _health.Setup(h => h.GetOpenIssuesAsync(It.IsAny<CancellationToken>())).ReturnsAsync([]);

        var catalog = new SoftwareCatalog(
        [
            new CatalogApp { Name = "Zoom Workplace", Aliases = ["zoom"], InstallGroupId = ZoomGroup },
        ]);
        _sut = new SelfHelpService(
            _directory.Object, _devices.Object, _health.Object, catalog, new InMemoryConfirmationStore(_clock), _audit,
            Options.Create(_options), Options.Create(new OrganisationLinks()), _clock, NullLogger<SelfHelpService>.Instance);
    }

    [Fact]
    public async Task AnActionTheAdministratorSwitchedOff_IsRefused_NothingIsCalled_AndTheAuditSaysWhy()
    {
        _options.Disabled.Add("device.restart");

        var reply = await RequestAsync("restart my laptop");

        Assert.Contains("switched off here by your IT team", reply.Text, StringComparison.Ordinal);
        Assert.True(reply.NeedsTechnician);
        Assert.Null(reply.Confirmation);
        _directory.VerifyNoOtherCalls();
        _devices.VerifyNoOtherCalls();
        var entry = Assert.Single(_audit.Entries);
        Assert.Equal(AuditOutcome.Refused, entry.Outcome);
        Assert.Equal("device.restart", entry.Action);
        Assert.Equal("switched off by an administrator", entry.Reason);
    }

    [Fact]
    public async Task OtherActions_StillWork_WhenOneIsSwitchedOff()
    {
        _options.Disabled.Add("device.restart");

        var reply = await RequestAsync("sync my laptop");

        Assert.NotNull(reply.Confirmation);
    }

    [Fact]
    public async Task AnActionSwitchedOffAfterTheCardWasSent_DoesNotRun()
    {
        var asked = await RequestAsync("restart my laptop");
        _options.Disabled.Add("device.restart");

        var reply = await ConfirmAsync(asked);

        Assert.Contains("switched off by your IT team after the card was sent", reply.Text, StringComparison.Ordinal);
        _devices.Verify(d => d.RestartAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
        Assert.Equal(AuditOutcome.Refused, _audit.Entries[^1].Outcome);
    }

    [Fact]
    public async Task AConfirmedRestart_RestartsTheMatchedDevice_Once()
    {
        var asked = await RequestAsync("restart my laptop");

        var reply = await ConfirmAsync(asked);

        Assert.Contains("**DESKTOP-ADELE01** will restart", reply.Text, StringComparison.Ordinal);
        _devices.Verify(d => d.RestartAsync(LaptopId, It.IsAny<CancellationToken>()), Times.Once);
        Assert.Equal([AuditOutcome.AwaitingConfirmation, AuditOutcome.Succeeded], _audit.Entries.Select(e => e.Outcome));
    }

    [Theory]
    [InlineData(ConnectorFailure.Forbidden, "missing the Microsoft Graph permission **DeviceManagementManagedDevices.Read.All**")]
    [InlineData(ConnectorFailure.NotFound, "couldn't find that any more")]
    [InlineData(ConnectorFailure.Throttled, "Please try again in a minute")]
    [InlineData(ConnectorFailure.Unavailable, "had a problem answering me. Please try again")]
    [InlineData(ConnectorFailure.Timeout, "didn't answer in time")]
    public async Task AGraphFailureOnARead_GetsAClearReply_AndIsAuditedAsFailed(ConnectorFailure failure, string expected)
    {
        _devices.Setup(d => d.GetDevicesAsync(AdeleId, It.IsAny<CancellationToken>()))
            .ThrowsAsync(new ConnectorException(failure, "Graph said no."));

        var reply = await RequestAsync("show my devices");

        Assert.Contains(expected, reply.Text, StringComparison.Ordinal);
        Assert.Equal(AuditOutcome.Failed, reply.Outcome);
        var entry = Assert.Single(_audit.Entries);
        Assert.Equal(AuditOutcome.Failed, entry.Outcome);
        Assert.StartsWith(failure.ToString(), entry.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ConnectorFailure.Forbidden, "DeviceManagementManagedDevices.PrivilegedOperations.All")]
    [InlineData(ConnectorFailure.NotFound, "Nothing was changed")]
    [InlineData(ConnectorFailure.Throttled, "try again")]
    [InlineData(ConnectorFailure.Unavailable, "try again")]
    [InlineData(ConnectorFailure.Timeout, "try again")]
    public async Task AGraphFailureOnAConfirmedChange_GetsAClearReply_AndIsAuditedAsFailed(ConnectorFailure failure, string expected)
    {
        _devices.Setup(d => d.RestartAsync(LaptopId, It.IsAny<CancellationToken>()))
            .ThrowsAsync(new ConnectorException(failure, "Graph said no."));
        var asked = await RequestAsync("restart my laptop");

        var reply = await ConfirmAsync(asked);

        Assert.Contains(expected, reply.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("will restart", reply.Text, StringComparison.Ordinal);
        Assert.Equal(AuditOutcome.Failed, reply.Outcome);
        Assert.Equal([AuditOutcome.AwaitingConfirmation, AuditOutcome.Failed], _audit.Entries.Select(e => e.Outcome));
    }

    [Fact]
    public async Task Throttled_WithRetryAfter_SaysHowLongMicrosoftAskedToWait()
    {
        _directory.Setup(d => d.GetLicencesAsync(AdeleId, It.IsAny<CancellationToken>()))
            .ThrowsAsync(new ConnectorException(ConnectorFailure.Throttled, "Throttled.", TimeSpan.FromSeconds(30)));

        var reply = await RequestAsync("what licences do I have");

        Assert.Contains("asked me to wait 30 seconds", reply.Text, StringComparison.Ordinal);
        Assert.Contains("try again", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forbidden_NamesThePermissionOfTheActionThatFailed()
    {
        _health.Setup(h => h.GetOpenIssuesAsync(It.IsAny<CancellationToken>()))
            .ThrowsAsync(new ConnectorException(ConnectorFailure.Forbidden, "Authorization_RequestDenied"));

        var reply = await RequestAsync("is outlook down?");

        Assert.Contains("**ServiceHealth.Read.All**", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADirectoryFailureBeforeTheActionStarts_IsAFailedReply_NotACrash()
    {
        _directory.Setup(d => d.FindUserAsync(AdeleId, It.IsAny<CancellationToken>()))
            .ThrowsAsync(new ConnectorException(ConnectorFailure.Unavailable, "503"));

        var reply = await RequestAsync("sign me out everywhere");

        Assert.Equal(AuditOutcome.Failed, reply.Outcome);
        Assert.Null(reply.Confirmation);
        Assert.Equal(AuditOutcome.Failed, Assert.Single(_audit.Entries).Outcome);
    }

    [Fact]
    public async Task AConfirmationWhoseDeviceCallFailed_IsUsedUp_ASecondClickDoesNotRunItAgain()
    {
        _devices.Setup(d => d.RestartAsync(LaptopId, It.IsAny<CancellationToken>()))
            .ThrowsAsync(new ConnectorException(ConnectorFailure.Unavailable, "502"));
        var asked = await RequestAsync("restart my laptop");
        await ConfirmAsync(asked);

        var again = await ConfirmAsync(asked);

        Assert.Contains("already been used", again.Text, StringComparison.Ordinal);
        _devices.Verify(d => d.RestartAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Theory]
    [InlineData(GraphMode.Sandbox, true)]
    [InlineData(GraphMode.Graph, false)]
    public async Task TheDemoNote_AppearsOnlyWithTheDemoTenant(GraphMode mode, bool demo)
    {
        _options.Mode = mode;

        var reply = await RequestAsync("what licences do I have");

        Assert.Contains("Microsoft 365 E3", reply.Text, StringComparison.Ordinal);
        Assert.Equal(demo, reply.Text.Contains("Demo tenant", StringComparison.Ordinal));
        Assert.Equal(demo, _sut.IsDemo);
    }

    [Theory]
    [InlineData(GraphMode.Sandbox, true)]
    [InlineData(GraphMode.Graph, false)]
    public async Task TheConfirmationCard_SaysDemoTenantOnlyWithTheDemoTenant(GraphMode mode, bool demo)
    {
        _options.Mode = mode;

        var reply = await RequestAsync("restart my laptop");

        Assert.NotNull(reply.Confirmation);
        Assert.Equal(demo, reply.Confirmation.Details.Contains("(demo tenant)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("restart my laptop, my password is Hunter2!")]
    [InlineData("install zoom, my password is Hunter2!")]
    [InlineData("I forgot my password, it was Hunter2!")]
    [InlineData("sync my phone; password Hunter2!")]
    public async Task APasswordTypedIntoARequest_IsNeitherRepeatedNorAudited(string text)
    {
        var reply = await RequestAsync(text);

        Assert.DoesNotContain("Hunter2", reply.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Hunter2", reply.Confirmation?.Details ?? string.Empty, StringComparison.Ordinal);
        Assert.DoesNotContain(reply.Choices, c => c.Contains("Hunter2", StringComparison.Ordinal));
        Assert.NotEmpty(_audit.Entries);
        Assert.All(_audit.Entries, e => Assert.DoesNotContain("Hunter2", $"{e.Target} {e.Reason}", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("restart Adele's iPhone", "Restart Adele's iPhone?")]
    [InlineData("install zoom for Adele", "Install Zoom Workplace?")]
    [InlineData("install zoom for adelev@contoso.com", "Install Zoom Workplace?")]
    public async Task TheCallersOwnName_IsNotMistakenForSomeoneElse(string text, string card)
    {
        var reply = await RequestAsync(text);

        Assert.DoesNotContain("only do this for your own account", reply.Text, StringComparison.Ordinal);
        Assert.Equal(card, reply.Confirmation?.Title);
    }

    [Theory]
    [InlineData("restart Anna's laptop")]
    [InlineData("install zoom for Megan")]
    [InlineData("install zoom for meganb@contoso.com")]
    public async Task SomeoneElsesName_IsRefused_AndNothingIsOffered(string text)
    {
        var reply = await RequestAsync(text);

        Assert.Contains("only do this for your own account", reply.Text, StringComparison.Ordinal);
        Assert.Null(reply.Confirmation);
        Assert.Equal("the request named another person", Assert.Single(_audit.Entries).Reason);
    }

    private async Task<ActionReply> RequestAsync(string text)
    {
        var request = RequestRecognizer.Recognise(text) ?? throw new InvalidOperationException($"\"{text}\" is not recognised as a request.");
        return await _sut.RequestAsync(Adele, request, Guid.NewGuid().ToString("N"), CancellationToken.None);
    }

    private Task<ActionReply> ConfirmAsync(ActionReply asked)
    {
        var card = asked.Confirmation ?? throw new InvalidOperationException($"No confirmation card: {asked.Text}");
        return _sut.ConfirmAsync(Adele, new ConfirmationSubmit(card.Token, card.ActionId, Approved: true), Guid.NewGuid().ToString("N"), CancellationToken.None);
    }

    private sealed class RecordingAuditLog : IAuditLog
    {
        private readonly List<AuditEntry> _entries = [];

        public IReadOnlyList<AuditEntry> Entries => _entries;

        public Task WriteAsync(AuditEntry entry, CancellationToken cancellationToken)
        {
            _entries.Add(entry);
            return Task.CompletedTask;
        }
    }
}
