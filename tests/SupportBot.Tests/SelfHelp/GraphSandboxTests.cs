using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Graph.Users.Item.CheckMemberGroups;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;
using SupportBot.Skills.SelfHelp.Sandbox;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.SelfHelp;

/// <summary>
/// The Graph sandbox, called only through the real Graph SDK (its default middleware, JSON, paging and errors) over
/// HTTP, so what passes here is what the bot's Graph code will meet.
/// </summary>
public sealed class GraphSandboxTests : IAsyncLifetime
{
    private const string Adele = "AdeleV@contoso.com";
    private const string AdeleId = "fa3c0f5c-c02b-494f-af8e-5cd3c163a222";
    private const string Megan = "MeganB@contoso.com";
    private const string MeganId = "d138f437-d0a0-424f-83ce-8a74755230ad";
    private const string Patti = "PattiF@contoso.com";
    private const string AdeleDesktopId = "677d1297-b493-4bbb-8f34-5ee2436b4619";
    private const string VisioGroup = "3f0c1d6e-6a1b-4c53-9a55-0b1c7d6a1001";
    private const string AcrobatReaderGroup = "3f0c1d6e-6a1b-4c53-9a55-0b1c7d6a1003";
    private const string NoSuchId = "00000000-0000-0000-0000-00000000dead";

    private static readonly DateTimeOffset Start = new(2025, 3, 14, 9, 30, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Start);
    private LoopbackServer _server = null!;
    private GraphSandbox _sandbox = null!;
    private HttpClient _http = null!;
    private GraphServiceClient _graph = null!;

    public async Task InitializeAsync()
    {
        _server = await LoopbackServer.StartAsync(
            app =>
            {
                app.MapGraphSandbox();
                _sandbox = app.Services.GetRequiredService<GraphSandbox>();
            },
            services => services.AddSingleton<TimeProvider>(_clock).AddGraphSandbox());
        (_http, _graph) = ConnectSdk(_server.BaseUrl + "_sandbox/graph/");
    }

    public async Task DisposeAsync()
    {
        _graph.Dispose();
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Users_ByUpnOrId_ReturnTheSameUser()
    {
        string[] select = ["id", "displayName", "userPrincipalName", "mail", "jobTitle", "department", "officeLocation", "mobilePhone", "accountEnabled", "usageLocation"];

        var byUpn = await _graph.Users[Adele].GetAsync(r => r.QueryParameters.Select = select);
        var byLowerCaseUpn = await _graph.Users[Adele.ToLowerInvariant()].GetAsync(r => r.QueryParameters.Select = select);
        var byId = await _graph.Users[AdeleId].GetAsync(r => r.QueryParameters.Select = select);

        Assert.NotNull(byUpn);
        Assert.Equal(AdeleId, byUpn.Id);
        Assert.Equal("Adele Vance", byUpn.DisplayName);
        Assert.Equal(Adele, byUpn.UserPrincipalName);
        Assert.Equal(Adele, byUpn.Mail);
        Assert.Equal("Retail Manager", byUpn.JobTitle);
        Assert.Equal("Retail", byUpn.Department);
        Assert.Equal("+1 425 555 0109", byUpn.MobilePhone);
        Assert.True(byUpn.AccountEnabled);
        Assert.Equal("US", byUpn.UsageLocation);
        Assert.All([byLowerCaseUpn, byId], other =>
        {
            Assert.Equal(byUpn.Id, other!.Id);
            Assert.Equal(byUpn.DisplayName, other.DisplayName);
            Assert.Equal(byUpn.Department, other.Department);
        });
    }

    [Fact]
    public async Task User_PasswordAndSessionDates_AreRelativeToTheClock_InUtc()
    {
        string[] select = ["lastPasswordChangeDateTime", "passwordPolicies", "signInSessionsValidFromDateTime", "accountEnabled"];

        var adele = await _graph.Users[Adele].GetAsync(r => r.QueryParameters.Select = select);
        var isaiah = await _graph.Users["IsaiahL@contoso.com"].GetAsync(r => r.QueryParameters.Select = select);
        var lee = await _graph.Users["LeeG@contoso.com"].GetAsync(r => r.QueryParameters.Select = select);

        Assert.Equal(Start.AddDays(-75), adele!.LastPasswordChangeDateTime);
        Assert.Equal(TimeSpan.Zero, adele.LastPasswordChangeDateTime!.Value.Offset);
        Assert.Null(adele.PasswordPolicies);
        Assert.NotNull(adele.SignInSessionsValidFromDateTime);
        Assert.Equal("DisablePasswordExpiration", isaiah!.PasswordPolicies);
        Assert.False(lee!.AccountEnabled);
    }

    [Fact]
    public async Task User_WithoutSelect_HasOnlyGraphsDefaultProperties()
    {
        var user = await _graph.Users[Adele].GetAsync();

        Assert.Equal("Adele Vance", user!.DisplayName);
        Assert.Equal("Retail Manager", user.JobTitle);
        Assert.Null(user.AccountEnabled);
        Assert.Null(user.LastPasswordChangeDateTime);
        Assert.Null(user.Department);
    }

    [Fact]
    public async Task Responses_AreGraphJson_WithODataContextAndZuluDates()
    {
        var inspection = new BodyInspectionHandlerOption { InspectResponseBody = true };

        await _graph.Users[Adele].GetAsync(r =>
        {
            r.QueryParameters.Select = ["lastPasswordChangeDateTime"];
            r.Options.Add(inspection);
        });

        using var reader = new StreamReader(inspection.ResponseBody!);
        var json = await reader.ReadToEndAsync();
        Assert.Contains("\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#users/$entity\"", json, StringComparison.Ordinal);
        Assert.Contains("\"lastPasswordChangeDateTime\":\"2024-12-29T09:30:00Z\"", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mail eq 'adelev@contoso.com'")]
    [InlineData("userPrincipalName eq 'AdeleV@contoso.com'")]
    [InlineData("userPrincipalName eq 'ADELEV@CONTOSO.COM'")]
    public async Task Users_FilteredByMailOrUpn_FindJustThatUser(string filter)
    {
        var page = await _graph.Users.GetAsync(r => r.QueryParameters.Filter = filter);

        var user = Assert.Single(page!.Value!);
        Assert.Equal(AdeleId, user.Id);
    }

    [Fact]
    public async Task Users_FilteredByAnUnknownMail_IsAnEmptyCollection()
    {
        var page = await _graph.Users.GetAsync(r => r.QueryParameters.Filter = "mail eq 'nobody@contoso.com'");

        Assert.Empty(page!.Value!);
        Assert.Null(page.OdataNextLink);
    }

    [Fact]
    public async Task Users_FilteredOnAnUnsupportedProperty_IsA400_NotEveryone()
    {
        var error = await Assert.ThrowsAsync<ODataError>(() => _graph.Users.GetAsync(r => r.QueryParameters.Filter = "displayName eq 'Adele Vance'"));

        Assert.Equal(400, error.ResponseStatusCode);
        Assert.Equal("Request_UnsupportedQuery", error.Error!.Code);
    }

    [Fact]
    public async Task UnknownUser_IsA404ODataError_InGraphsShape()
    {
        var error = await Assert.ThrowsAsync<ODataError>(() => _graph.Users["nobody@contoso.com"].GetAsync());

        Assert.Equal(404, error.ResponseStatusCode);
        Assert.Equal("Request_ResourceNotFound", error.Error!.Code);
        Assert.Equal("Resource 'nobody@contoso.com' does not exist or one of its queried reference-property objects are not present.", error.Error.Message);
        Assert.True(Guid.TryParse(error.Error.InnerError!.RequestId, out _));
        Assert.Equal(Start, error.Error.InnerError.Date);
    }

    [Fact]
    public async Task Errors_EchoTheClientRequestId()
    {
        var error = await Assert.ThrowsAsync<ODataError>(() => _graph.Users["nobody@contoso.com"].GetAsync(r => r.Headers.Add("client-request-id", "bot-turn-42")));

        Assert.Equal("bot-turn-42", error.Error!.InnerError!.ClientRequestId);
    }

    [Fact]
    public async Task UnknownRoute_IsA404ODataError()
    {
        var error = await Assert.ThrowsAsync<ODataError>(() => _graph.Me.GetAsync());

        Assert.Equal(404, error.ResponseStatusCode);
        Assert.Equal("Sandbox_UnknownRoute", error.Error!.Code);
        Assert.Contains("GET /me", error.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Domain_HasThePasswordExpiryPolicy()
    {
        var domain = await _graph.Domains["contoso.com"].GetAsync();

        Assert.Equal("contoso.com", domain!.Id);
        Assert.True(domain.IsDefault);
        Assert.True(domain.IsVerified);
        Assert.Equal(90, domain.PasswordValidityPeriodInDays);
        Assert.Equal(14, domain.PasswordNotificationWindowInDays);
    }

    [Fact]
    public async Task RegistrationDetails_SayWhoCanResetTheirOwnPassword()
    {
        var adele = await _graph.Reports.AuthenticationMethods.UserRegistrationDetails[AdeleId].GetAsync();
        var megan = await _graph.Reports.AuthenticationMethods.UserRegistrationDetails[MeganId].GetAsync();

        Assert.Equal(Adele, adele!.UserPrincipalName);
        Assert.Equal("Adele Vance", adele.UserDisplayName);
        Assert.True(adele.IsSsprRegistered);
        Assert.True(adele.IsSsprCapable);
        Assert.True(adele.IsMfaRegistered);
        Assert.Equal(["microsoftAuthenticatorPush", "mobilePhone"], adele.MethodsRegistered);
        Assert.Equal(UserDefaultAuthenticationMethod.Push, adele.UserPreferredMethodForSecondaryAuthentication);
        Assert.Equal("microsoftAuthenticatorPush", adele.AdditionalData["defaultMfaMethod"]?.ToString());
        Assert.Equal(SignInUserType.Member, adele.UserType);
        Assert.False(megan!.IsSsprRegistered);
        Assert.False(megan.IsSsprCapable);
        Assert.True(megan.IsMfaRegistered);
    }

    [Fact]
    public async Task RegistrationDetails_AreKeyedByObjectId_NotUpn()
    {
        var error = await Assert.ThrowsAsync<ODataError>(() => _graph.Reports.AuthenticationMethods.UserRegistrationDetails[Adele].GetAsync());

        Assert.Equal(404, error.ResponseStatusCode);
    }

    [Fact]
    public async Task RevokeSignInSessions_ReturnsTrue_AndSessionsAreValidOnlyFromNow()
    {
        _clock.Advance(TimeSpan.FromMinutes(5));

        var response = await _graph.Users[Adele].RevokeSignInSessions.PostAsRevokeSignInSessionsPostResponseAsync();

        Assert.True(response!.Value);
        var user = await _graph.Users[Adele].GetAsync(r => r.QueryParameters.Select = ["signInSessionsValidFromDateTime"]);
        Assert.Equal(Start.AddMinutes(5), user!.SignInSessionsValidFromDateTime);
        Assert.Equal(Start.AddMinutes(5), _sandbox.Tenant.FindUser(Adele)!.SignInSessionsValidFromDateTime);
    }

    [Fact]
    public async Task AuthenticationMethods_DeserialiseIntoTheirDerivedTypes()
    {
        var adele = (await _graph.Users[Adele].Authentication.Methods.GetAsync())!.Value!;
        var patti = (await _graph.Users[Patti].Authentication.Methods.GetAsync())!.Value!;
        var isaiah = (await _graph.Users["IsaiahL@contoso.com"].Authentication.Methods.GetAsync())!.Value!;

        Assert.Single(adele.OfType<PasswordAuthenticationMethod>());
        Assert.Equal("iPhone 15", Assert.Single(adele.OfType<MicrosoftAuthenticatorAuthenticationMethod>()).DisplayName);
        var phone = Assert.Single(adele.OfType<PhoneAuthenticationMethod>());
        Assert.Equal(AuthenticationPhoneType.Mobile, phone.PhoneType);
        Assert.Equal("+1 4255550109", phone.PhoneNumber);
        var key = Assert.Single(patti.OfType<Fido2AuthenticationMethod>());
        Assert.Equal("YubiKey 5 NFC", key.DisplayName);
        Assert.Equal("YubiKey 5 NFC", key.Model);
        Assert.Equal("PATTI-SURFACE", Assert.Single(patti.OfType<WindowsHelloForBusinessAuthenticationMethod>()).DisplayName);
        Assert.Equal("isaiah.langer@example.com", Assert.Single(isaiah.OfType<EmailAuthenticationMethod>()).EmailAddress);
    }

    [Fact]
    public async Task ManagedDevices_ForAUser_AreTheirsOnly_WithIntuneFields()
    {
        var devices = (await _graph.Users[Adele].ManagedDevices.GetAsync())!.Value!;

        Assert.Equal(["DESKTOP-ADELE01", "Adele's iPhone"], devices.Select(d => d.DeviceName));
        var desktop = devices[0];
        Assert.Equal(AdeleDesktopId, desktop.Id);
        Assert.Equal("Windows", desktop.OperatingSystem);
        Assert.Equal("Surface Laptop 5", desktop.Model);
        Assert.Equal(ComplianceState.Compliant, desktop.ComplianceState);
        Assert.Equal(ManagementState.Managed, desktop.ManagementState);
        Assert.Equal(ManagedDeviceOwnerType.Company, desktop.ManagedDeviceOwnerType);
        Assert.Equal(AdeleId, desktop.UserId);
        Assert.Equal(Start.AddHours(-3), desktop.LastSyncDateTime);
        Assert.Equal("iOS", devices[1].OperatingSystem);
        Assert.Equal("18.1", devices[1].OsVersion);
    }

    [Fact]
    public async Task ManagedDevices_NoncompliantDevice_SaysSo()
    {
        var devices = (await _graph.Users["AlexW@contoso.com"].ManagedDevices.GetAsync())!.Value!;

        Assert.Equal(ComplianceState.Noncompliant, Assert.Single(devices, d => d.DeviceName == "Alex's MacBook Pro").ComplianceState);
    }

    [Fact]
    public async Task ManagedDevices_PagedOneAtATime_PageIteratorFollowsAbsoluteNextLinks()
    {
        _sandbox.PageSize = 1;
        var names = new List<string>();

        var first = await _graph.Users[Megan].ManagedDevices.GetAsync();
        var iterator = PageIterator<ManagedDevice, ManagedDeviceCollectionResponse>.CreatePageIterator(_graph, first!, d =>
        {
            names.Add(d.DeviceName!);
            return true;
        });
        await iterator.IterateAsync();

        Assert.StartsWith(_server.BaseUrl + "_sandbox/graph/v1.0/users/", first!.OdataNextLink, StringComparison.Ordinal);
        Assert.Contains("$skiptoken=", first.OdataNextLink, StringComparison.Ordinal);
        Assert.Equal(["MEGAN-SURFACE", "MEGAN-SURFACE-2", "Megan's Pixel"], names);
        Assert.Equal(3, _sandbox.Requests.Count(r => r.Path.EndsWith("/managedDevices", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Users_Top_LowersThePageSize_AndNextLinksKeepTheQuery()
    {
        var ids = new List<string>();

        var first = await _graph.Users.GetAsync(r =>
        {
            r.QueryParameters.Top = 3;
            r.QueryParameters.Select = ["id", "accountEnabled"];
        });
        var iterator = PageIterator<User, UserCollectionResponse>.CreatePageIterator(_graph, first!, u =>
        {
            ids.Add(u.Id!);
            return true;
        });
        await iterator.IterateAsync();

        Assert.Equal(3, first!.Value!.Count);
        Assert.Equal(8, ids.Distinct().Count());
        Assert.Equal(3, _sandbox.Requests.Count(r => r.Path == "/users"));
        Assert.All(_sandbox.Requests, r => Assert.Contains("$top=3", r.Query, StringComparison.Ordinal));
        Assert.Single(_sandbox.Tenant.Users, u => !u.AccountEnabled);
    }

    [Fact]
    public async Task SyncDevice_Is204_AndTheDevicesLastSyncIsNow()
    {
        _clock.Advance(TimeSpan.FromMinutes(1));

        await _graph.DeviceManagement.ManagedDevices[AdeleDesktopId].SyncDevice.PostAsync();

        var device = (await _graph.Users[Adele].ManagedDevices.GetAsync())!.Value!.Single(d => d.Id == AdeleDesktopId);
        Assert.Equal(Start.AddMinutes(1), device.LastSyncDateTime);
        Assert.Equal(Start.AddMinutes(1), _sandbox.Tenant.FindDevice(AdeleDesktopId)!.LastSyncDateTime);
    }

    [Fact]
    public async Task RebootNow_Is204_AndTheRebootRequestIsRecorded()
    {
        await _graph.DeviceManagement.ManagedDevices[AdeleDesktopId].RebootNow.PostAsync();

        Assert.Equal([Start], _sandbox.Tenant.FindDevice(AdeleDesktopId)!.RebootRequests);
    }

    [Fact]
    public async Task DeviceActions_OnAnUnknownDevice_Are404()
    {
        var sync = await Assert.ThrowsAsync<ODataError>(() => _graph.DeviceManagement.ManagedDevices[NoSuchId].SyncDevice.PostAsync());
        var reboot = await Assert.ThrowsAsync<ODataError>(() => _graph.DeviceManagement.ManagedDevices[NoSuchId].RebootNow.PostAsync());

        Assert.Equal(404, sync.ResponseStatusCode);
        Assert.Equal(404, reboot.ResponseStatusCode);
        Assert.Equal("Request_ResourceNotFound", reboot.Error!.Code);
    }

    [Fact]
    public async Task CheckMemberGroups_ReturnsOnlyTheGroupsTheUserIsIn()
    {
        string[] groups = [VisioGroup, AcrobatReaderGroup, NoSuchId];

        var adele = await _graph.Users[Adele].CheckMemberGroups.PostAsCheckMemberGroupsPostResponseAsync(new() { GroupIds = [.. groups] });
        var megan = await _graph.Users[Megan].CheckMemberGroups.PostAsCheckMemberGroupsPostResponseAsync(new() { GroupIds = [.. groups] });

        Assert.Equal([AcrobatReaderGroup], adele!.Value);
        Assert.Empty(megan!.Value!);
    }

    [Fact]
    public async Task SdkRequestBody_ReusedForASecondCall_IsSentWithoutItsValues()
    {
        var body = new CheckMemberGroupsPostRequestBody { GroupIds = [AcrobatReaderGroup] };
        var first = new BodyInspectionHandlerOption { InspectRequestBody = true };
        var second = new BodyInspectionHandlerOption { InspectRequestBody = true };

        await _graph.Users[Adele].CheckMemberGroups.PostAsCheckMemberGroupsPostResponseAsync(body, r => r.Options.Add(first));
        var error = await Assert.ThrowsAsync<ODataError>(() => _graph.Users[Adele].CheckMemberGroups.PostAsCheckMemberGroupsPostResponseAsync(body, r => r.Options.Add(second)));

        // The SDK's backing store marks a body's values as sent; build a new body for each call.
        Assert.Equal($"{{\"groupIds\":[\"{AcrobatReaderGroup}\"]}}", await new StreamReader(first.RequestBody!).ReadToEndAsync());
        Assert.Equal("{}", await new StreamReader(second.RequestBody!).ReadToEndAsync());
        Assert.Equal(400, error.ResponseStatusCode);
    }

    [Fact]
    public async Task AddMember_AddsTheUser_SoCheckMemberGroupsSeesIt()
    {
        await _graph.Groups[VisioGroup].Members.Ref.PostAsync(Reference(MeganId));

        var memberOf = await _graph.Users[Megan].CheckMemberGroups.PostAsCheckMemberGroupsPostResponseAsync(new() { GroupIds = [VisioGroup] });
        Assert.Equal([VisioGroup], memberOf!.Value);
        Assert.Contains(MeganId, _sandbox.Tenant.FindGroup(VisioGroup)!.MemberIds);
    }

    [Fact]
    public async Task AddMember_WhenAlreadyAMember_IsGraphs400()
    {
        var error = await Assert.ThrowsAsync<ODataError>(() => _graph.Groups[AcrobatReaderGroup].Members.Ref.PostAsync(Reference(AdeleId)));

        Assert.Equal(400, error.ResponseStatusCode);
        Assert.Equal("Request_BadRequest", error.Error!.Code);
        Assert.Equal("One or more added object references already exist for the following modified properties: 'members'.", error.Error.Message);
    }

    [Fact]
    public async Task AddMember_ToAnUnknownGroupOrOfAnUnknownUser_Is404()
    {
        var noGroup = await Assert.ThrowsAsync<ODataError>(() => _graph.Groups[NoSuchId].Members.Ref.PostAsync(Reference(MeganId)));
        var noUser = await Assert.ThrowsAsync<ODataError>(() => _graph.Groups[VisioGroup].Members.Ref.PostAsync(Reference(NoSuchId)));

        Assert.Equal(404, noGroup.ResponseStatusCode);
        Assert.Equal(404, noUser.ResponseStatusCode);
        Assert.Contains(NoSuchId, noUser.Error!.Message, StringComparison.Ordinal);
        Assert.Empty(_sandbox.Tenant.FindGroup(VisioGroup)!.MemberIds);
    }

    [Fact]
    public async Task AddMember_RacingRequests_AddTheUserOnce()
    {
        var attempts = Enumerable.Range(0, 8).Select(_ => Record.ExceptionAsync(() => _graph.Groups[VisioGroup].Members.Ref.PostAsync(Reference(MeganId))));

        var outcomes = await Task.WhenAll(attempts);

        Assert.Single(outcomes, e => e is null);
        Assert.All(outcomes.OfType<ODataError>(), e => Assert.Equal(400, e.ResponseStatusCode));
        Assert.Equal(7, outcomes.OfType<ODataError>().Count());
        Assert.Equal([MeganId], _sandbox.Tenant.FindGroup(VisioGroup)!.MemberIds);
    }

    [Fact]
    public async Task LicenseDetails_ListTheUsersSkusWithServicePlans()
    {
        var licences = (await _graph.Users[Patti].LicenseDetails.GetAsync())!.Value!;

        Assert.Equal(["SPE_E3", "VISIOCLIENT", "PROJECTPROFESSIONAL"], licences.Select(l => l.SkuPartNumber));
        Assert.Equal(Guid.Parse("05e9a617-0261-4cee-bb44-138d3ef5d965"), licences[0].SkuId);
        Assert.Contains(licences[0].ServicePlans!, p => p.ServicePlanName == "EXCHANGE_S_ENTERPRISE" && p.ProvisioningStatus == "Success" && p.AppliesTo == "User");
        Assert.All(licences, l => Assert.False(string.IsNullOrEmpty(l.Id)));
    }

    [Fact]
    public async Task ServiceIssues_FilteredToUnresolved_AreTheOngoingAdvisories()
    {
        var issues = (await _graph.Admin.ServiceAnnouncement.Issues.GetAsync(r => r.QueryParameters.Filter = "isResolved eq false"))!.Value!;

        Assert.Equal(["EX912345", "SP912346"], issues.Select(i => i.Id));
        var exchange = issues[0];
        Assert.Equal("Exchange Online", exchange.Service);
        Assert.Equal("Some users may see delays receiving email in Outlook", exchange.Title);
        Assert.Equal(ServiceHealthStatus.ServiceDegradation, exchange.Status);
        Assert.Equal(ServiceHealthClassificationType.Advisory, exchange.Classification);
        Assert.Equal(ServiceHealthOrigin.Microsoft, exchange.Origin);
        Assert.Equal(Start.AddHours(-3), exchange.StartDateTime);
        Assert.Null(exchange.EndDateTime);
        Assert.Equal(ServiceHealthStatus.Investigating, issues[1].Status);
    }

    [Fact]
    public async Task ServiceIssues_Unfiltered_IncludeYesterdaysResolvedIncident()
    {
        var issues = (await _graph.Admin.ServiceAnnouncement.Issues.GetAsync())!.Value!;

        var teams = Assert.Single(issues, i => i.IsResolved == true);
        Assert.Equal("TM912300", teams.Id);
        Assert.Equal(ServiceHealthClassificationType.Incident, teams.Classification);
        Assert.Equal(ServiceHealthStatus.ServiceRestored, teams.Status);
        Assert.NotNull(teams.EndDateTime);
        Assert.Equal(3, issues.Count);
    }

    [Fact]
    public async Task Requests_AreRecorded_WithMethodPathQueryAndTime()
    {
        await _graph.Users.GetAsync(r => r.QueryParameters.Filter = "mail eq 'AdeleV@contoso.com'");
        await _graph.DeviceManagement.ManagedDevices[AdeleDesktopId].RebootNow.PostAsync();

        Assert.Collection(
            _sandbox.Requests,
            r => Assert.Equal(new SandboxRequest("GET", "/users", "$filter=mail eq 'AdeleV@contoso.com'", Start), r),
            r => Assert.Equal(new SandboxRequest("POST", $"/deviceManagement/managedDevices/{AdeleDesktopId}/rebootNow", string.Empty, Start), r));
        _sandbox.ClearRequests();
        Assert.Empty(_sandbox.Requests);
    }

    [Fact]
    public async Task Fault_403OnReboot_SurfacesAsAuthorizationDenied_AndLeavesOtherCallsAlone()
    {
        var fault = _sandbox.Inject(SandboxFault.Failing("/rebootNow", 403, method: "POST"));

        var error = await Assert.ThrowsAsync<ODataError>(() => _graph.DeviceManagement.ManagedDevices[AdeleDesktopId].RebootNow.PostAsync());
        await _graph.DeviceManagement.ManagedDevices[AdeleDesktopId].SyncDevice.PostAsync();

        Assert.Equal(403, error.ResponseStatusCode);
        Assert.Equal("Authorization_RequestDenied", error.Error!.Code);
        Assert.Equal("Insufficient privileges to complete the operation.", error.Error.Message);
        Assert.Equal(1, fault.Fired);
        Assert.Empty(_sandbox.Tenant.FindDevice(AdeleDesktopId)!.RebootRequests);
    }

    [Fact]
    public async Task Fault_500_IsNotRetried()
    {
        var fault = _sandbox.Inject(SandboxFault.Failing("/domains/", 500));

        var error = await Assert.ThrowsAsync<ODataError>(() => _graph.Domains["contoso.com"].GetAsync());

        Assert.Equal(500, error.ResponseStatusCode);
        Assert.Equal("InternalServerError", error.Error!.Code);
        Assert.Equal(1, fault.Fired);
    }

    [Fact]
    public async Task Fault_429WithRetryAfter_IsRetriedBySdkAfterThatWait_ThenSucceeds()
    {
        var fault = _sandbox.Inject(SandboxFault.Throttled("/users/", TimeSpan.FromSeconds(1)));
        var watch = Stopwatch.StartNew();

        var user = await _graph.Users[Adele].GetAsync();

        watch.Stop();
        Assert.Equal("Adele Vance", user!.DisplayName);
        Assert.Equal(1, fault.Fired);
        Assert.Equal(2, _sandbox.Requests.Count(r => r.Path == "/users/" + Adele));

        // Waited for Retry-After (1 s), not the handler's own 3 s back-off.
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.95), TimeSpan.FromSeconds(2.9));
    }

    [Fact]
    public async Task Fault_503_IsRetriedBySdk_ThenSucceeds()
    {
        var fault = _sandbox.Inject(new SandboxFault { PathContains = "/domains/", StatusCode = 503, RetryAfter = TimeSpan.Zero, Times = 2 });

        var domain = await _graph.Domains["contoso.com"].GetAsync();

        Assert.Equal(90, domain!.PasswordValidityPeriodInDays);
        Assert.Equal(2, fault.Fired);
        Assert.Equal(3, _sandbox.Requests.Count);
    }

    [Fact]
    public async Task Fault_ThrottlingThatNeverEnds_SurfacesAsAggregateException_AfterThreeRetries()
    {
        _sandbox.Inject(SandboxFault.Throttled("/users/", TimeSpan.Zero, times: null));

        var exception = await Record.ExceptionAsync(() => _graph.Users[Adele].GetAsync());

        // Not an ODataError: the SDK's retry handler gives up by throwing, with each attempt's response inside.
        var aggregate = Assert.IsType<AggregateException>(exception);
        Assert.All(aggregate.InnerExceptions, e => Assert.Equal(429, Assert.IsType<ApiException>(e).ResponseStatusCode));
        Assert.Equal(4, _sandbox.Requests.Count);
    }

    [Fact]
    public async Task Fault_RetryDelegate_IsGivenTheConfiguredDelay_NotTheRetryAfterHeader()
    {
        _sandbox.Inject(SandboxFault.Throttled("/users/", TimeSpan.FromSeconds(120)));
        var seen = new List<int>();
        var retry = new RetryHandlerOption
        {
            Delay = 1,
            ShouldRetry = (delay, _, response) =>
            {
                seen.Add(delay);
                return false;
            },
        };

        var error = await Assert.ThrowsAsync<ODataError>(() => _graph.Users[Adele].GetAsync(r => r.Options.Add(retry)));

        Assert.Equal(429, error.ResponseStatusCode);
        Assert.Equal("TooManyRequests", error.Error!.Code);
        Assert.Equal("120", Assert.Single(error.ResponseHeaders["Retry-After"]));
        Assert.Equal([1], seen);
    }

    [Fact]
    public async Task Fault_Delay_HoldsTheResponse_ThenAnswersNormally()
    {
        var fault = _sandbox.Inject(SandboxFault.Slow("/domains/", TimeSpan.FromMilliseconds(300), times: 1));
        var watch = Stopwatch.StartNew();

        var domain = await _graph.Domains["contoso.com"].GetAsync();

        Assert.Equal("contoso.com", domain!.Id);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(290), $"Answered after {watch.Elapsed}.");
        Assert.Equal(1, fault.Fired);
    }

    [Fact]
    public async Task Fault_Delay_LongerThanTheCallersPatience_EndsInCancellation()
    {
        _sandbox.Inject(SandboxFault.Slow("/users/", TimeSpan.FromMinutes(5)));
        using var patience = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var watch = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _graph.Users[Adele].GetAsync(cancellationToken: patience.Token));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"Gave up after {watch.Elapsed}.");
    }

    [Fact]
    public async Task ClearFaults_StopsThemFiring()
    {
        var fault = _sandbox.Inject(SandboxFault.Failing(string.Empty, 503));
        _sandbox.ClearFaults();

        var domain = await _graph.Domains["contoso.com"].GetAsync();

        Assert.NotNull(domain);
        Assert.Equal(0, fault.Fired);
        Assert.Empty(_sandbox.Faults);
    }

    [Fact]
    public void Inject_WithNothingToDo_IsRejected()
    {
        var fault = new SandboxFault { PathContains = "/users" };

        Assert.Throws<ArgumentException>(() => _sandbox.Inject(fault));
    }

    [Fact]
    public void DemoUsers_AreTheEightContosoPeople_ForChatAs()
    {
        var users = _sandbox.Users;

        Assert.Equal(8, users.Count);
        Assert.Contains(new DemoUser(Adele, "Adele Vance", "Retail Manager", "Retail"), users);
        Assert.All(users, u => Assert.EndsWith("@contoso.com", u.UserPrincipalName, StringComparison.Ordinal));
    }

    [Fact]
    public void InstallGroups_AreTheTwelveSoftwareGroups_WithAdeleInAcrobatReader()
    {
        var groups = _sandbox.Tenant.Groups;

        Assert.Equal(12, groups.Count);
        Assert.All(groups, g => Assert.StartsWith("SW-Install-", g.DisplayName, StringComparison.Ordinal));
        Assert.Equal([AdeleId], _sandbox.Tenant.FindGroup(AcrobatReaderGroup)!.MemberIds);
        Assert.Equal(1, groups.Sum(g => g.MemberIds.Count));
    }

    /// <summary>As production builds it: the SDK's default middleware (retry, redirect, …), anonymous for the sandbox.</summary>
    private static (HttpClient Http, GraphServiceClient Graph) ConnectSdk(string sandboxBaseUrl)
    {
        var handlers = GraphClientFactory.CreateDefaultHandlers();
        var http = GraphClientFactory.Create(handlers);
        http.BaseAddress = null;
        return (http, new GraphServiceClient(http, new AnonymousAuthenticationProvider(), sandboxBaseUrl + "v1.0"));
    }

    private static ReferenceCreate Reference(string userId) =>
        new() { OdataId = $"https://graph.microsoft.com/v1.0/directoryObjects/{userId}" };
}
