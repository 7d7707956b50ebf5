using System.Text.Json;

namespace SupportBot.Skills.SelfHelp.Sandbox;

/// <summary>Reads demo-tenant.json (embedded) and turns its relative times into absolute ones from "now".</summary>
internal static class DemoTenant
{
    public const string ResourceName = "SupportBot.Skills.SelfHelp.Sandbox.demo-tenant.json";

    // A typo in the file should stop the sandbox, not quietly leave a field empty.
    private static readonly JsonSerializerOptions FileOptions = new(JsonSerializerDefaults.Web)
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    public static SandboxTenant Load(DateTimeOffset now)
    {
        using var stream = typeof(DemoTenant).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing from {typeof(DemoTenant).Assembly.GetName().Name}.");
        var file = JsonSerializer.Deserialize<TenantFile>(stream, FileOptions)
            ?? throw new InvalidOperationException($"{ResourceName} is empty.");
        return Build(file, Seconds(now));
    }

    /// <summary>Graph's directory times are whole seconds.</summary>
    public static DateTimeOffset Seconds(DateTimeOffset at) =>
        new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    private static SandboxTenant Build(TenantFile file, DateTimeOffset now)
    {
        var users = file.Users.Select(u => new SandboxUser
        {
            Id = u.Id,
            UserPrincipalName = u.UserPrincipalName,
            DisplayName = u.DisplayName,
            GivenName = u.GivenName,
            Surname = u.Surname,
            Mail = u.UserPrincipalName,
            JobTitle = u.JobTitle,
            Department = u.Department,
            OfficeLocation = u.OfficeLocation,
            MobilePhone = u.MobilePhone,
            BusinessPhones = u.BusinessPhones,
            UsageLocation = u.UsageLocation,
            AccountEnabled = u.AccountEnabled,
            LastPasswordChangeDateTime = now.AddDays(-u.LastPasswordChangeDaysAgo),
            PasswordPolicies = u.PasswordPolicies,

            // Sessions are valid from the last password change: that is when Entra ID last revoked them.
            SignInSessionsValidFromDateTime = now.AddDays(-u.LastPasswordChangeDaysAgo),
            IsSsprRegistered = u.IsSsprRegistered,
            IsMfaRegistered = u.IsMfaRegistered,
            RegistrationLastUpdatedDateTime = now.AddHours(-6),
            AuthenticationMethods = [.. u.AuthenticationMethods.Select(m => new SandboxAuthenticationMethod(m.Type, m.Id)
            {
                DisplayName = m.DisplayName,
                DeviceTag = m.DeviceTag,
                PhoneAppVersion = m.PhoneAppVersion,
                PhoneNumber = m.PhoneNumber,
                PhoneType = m.PhoneType,
                Model = m.Model,
                EmailAddress = m.EmailAddress,
                CreatedDateTime = m.CreatedDaysAgo is { } days ? now.AddDays(-days) : null,
            })],
            LicenseSkus = u.Licenses,
        }).ToList();

        var devices = file.Users.SelectMany(u => u.ManagedDevices.Select(d => new SandboxDevice
        {
            Id = d.Id,
            DeviceName = d.DeviceName,
            OperatingSystem = d.OperatingSystem,
            OsVersion = d.OsVersion,
            Model = d.Model,
            Manufacturer = d.Manufacturer,
            SerialNumber = d.SerialNumber,
            ComplianceState = d.ComplianceState,
            UserId = u.Id,
            UserPrincipalName = u.UserPrincipalName,
            LastSyncDateTime = now.AddHours(-d.LastSyncHoursAgo),
            EnrolledDateTime = now.AddDays(-d.EnrolledDaysAgo),
        }));

        var groups = file.Groups.Select(g => new SandboxGroup(g.Id, g.DisplayName, g.Members));
        var domains = file.Domains.Select(d => new SandboxDomain(d.Id, d.IsDefault, d.IsVerified, d.PasswordValidityPeriodInDays, d.PasswordNotificationWindowInDays)).ToList();
        var skus = file.Skus.Select(s => new SandboxSku(
            s.SkuPartNumber,
            s.SkuId,
            [.. s.ServicePlans.Select(p => new SandboxServicePlan(p.ServicePlanId, p.ServicePlanName, p.ProvisioningStatus, p.AppliesTo))])).ToList();
        var issues = file.ServiceHealthIssues.Select(i => new SandboxServiceIssue
        {
            Id = i.Id,
            Title = i.Title,
            Service = i.Service,
            Feature = i.Feature,
            FeatureGroup = i.FeatureGroup,
            Status = i.Status,
            Classification = i.Classification,
            ImpactDescription = i.ImpactDescription,
            StartDateTime = now.AddMinutes(-i.StartedMinutesAgo),
            EndDateTime = i.EndedMinutesAgo is { } ended ? now.AddMinutes(-ended) : null,
            LastModifiedDateTime = now.AddMinutes(-i.LastModifiedMinutesAgo),
        }).ToList();

        var unknownSku = users.SelectMany(u => u.LicenseSkus).FirstOrDefault(s => !skus.Exists(k => k.SkuPartNumber == s));
        if (unknownSku is not null)
        {
            throw new InvalidOperationException($"{ResourceName} assigns licence {unknownSku}, which is not among its skus.");
        }

        return new SandboxTenant(users, devices, groups, domains, skus, issues);
    }

    private sealed record TenantFile(
        IReadOnlyList<DomainEntry> Domains,
        IReadOnlyList<SkuEntry> Skus,
        IReadOnlyList<UserEntry> Users,
        IReadOnlyList<GroupEntry> Groups,
        IReadOnlyList<IssueEntry> ServiceHealthIssues);

    private sealed record DomainEntry(string Id, bool IsDefault, bool IsVerified, int PasswordValidityPeriodInDays, int PasswordNotificationWindowInDays);

    private sealed record SkuEntry(string SkuPartNumber, Guid SkuId, IReadOnlyList<ServicePlanEntry> ServicePlans);

    private sealed record ServicePlanEntry(Guid ServicePlanId, string ServicePlanName, string ProvisioningStatus, string AppliesTo);

    private sealed record UserEntry(
        string Id,
        string UserPrincipalName,
        string DisplayName,
        string GivenName,
        string Surname,
        string JobTitle,
        string Department,
        string OfficeLocation,
        string MobilePhone,
        IReadOnlyList<string> BusinessPhones,
        string UsageLocation,
        bool AccountEnabled,
        int LastPasswordChangeDaysAgo,
        string? PasswordPolicies,
        bool IsSsprRegistered,
        bool IsMfaRegistered,
        IReadOnlyList<MethodEntry> AuthenticationMethods,
        IReadOnlyList<string> Licenses,
        IReadOnlyList<DeviceEntry> ManagedDevices);

    private sealed record MethodEntry(
        string Type,
        string Id,
        string? DisplayName = null,
        string? DeviceTag = null,
        string? PhoneAppVersion = null,
        string? PhoneNumber = null,
        string? PhoneType = null,
        string? Model = null,
        string? EmailAddress = null,
        int? CreatedDaysAgo = null);

    private sealed record DeviceEntry(
        string Id,
        string DeviceName,
        string OperatingSystem,
        string OsVersion,
        string Model,
        string Manufacturer,
        string SerialNumber,
        string ComplianceState,
        int LastSyncHoursAgo,
        int EnrolledDaysAgo);

    private sealed record GroupEntry(string Id, string DisplayName, IReadOnlyList<string> Members);

    private sealed record IssueEntry(
        string Id,
        string Title,
        string Service,
        string Feature,
        string FeatureGroup,
        string Status,
        string Classification,
        string ImpactDescription,
        int StartedMinutesAgo,
        int LastModifiedMinutesAgo,
        int? EndedMinutesAgo = null);
}
