namespace SupportBot.Skills.SelfHelp.Sandbox;

/// <summary>A demo person, for pages that offer "chat as" someone in the sandbox tenant.</summary>
public sealed record DemoUser(string UserPrincipalName, string DisplayName, string JobTitle, string Department);

/// <summary>A user in the sandbox tenant, as it stands now (a snapshot: mutations replace it).</summary>
public sealed record SandboxUser
{
    public required string Id { get; init; }
    public required string UserPrincipalName { get; init; }
    public required string DisplayName { get; init; }
    public required string GivenName { get; init; }
    public required string Surname { get; init; }
    public required string Mail { get; init; }
    public required string JobTitle { get; init; }
    public required string Department { get; init; }
    public required string OfficeLocation { get; init; }
    public required string MobilePhone { get; init; }
    public IReadOnlyList<string> BusinessPhones { get; init; } = [];
    public required string UsageLocation { get; init; }
    public bool AccountEnabled { get; init; }
    public DateTimeOffset LastPasswordChangeDateTime { get; init; }

    /// <summary>Null, or "DisablePasswordExpiration" for an account whose password never expires.</summary>
    public string? PasswordPolicies { get; init; }

    public DateTimeOffset SignInSessionsValidFromDateTime { get; init; }
    public bool IsAdmin { get; init; }
    public bool IsSsprRegistered { get; init; }
    public bool IsMfaRegistered { get; init; }
    public DateTimeOffset RegistrationLastUpdatedDateTime { get; init; }
    public IReadOnlyList<SandboxAuthenticationMethod> AuthenticationMethods { get; init; } = [];

    /// <summary>Assigned licences by SKU part number ("SPE_E3").</summary>
    public IReadOnlyList<string> LicenseSkus { get; init; } = [];
}

/// <summary>
/// One registered sign-in method. <see cref="Kind"/> is the Graph type's stem ("password", "microsoftAuthenticator",
/// "phone", "fido2", "windowsHelloForBusiness", "email"); the other properties are set where that type has them.
/// </summary>
public sealed record SandboxAuthenticationMethod(string Kind, string Id)
{
    public string ODataType => $"#microsoft.graph.{Kind}AuthenticationMethod";
    public string? DisplayName { get; init; }
    public string? DeviceTag { get; init; }
    public string? PhoneAppVersion { get; init; }
    public string? PhoneNumber { get; init; }
    public string? PhoneType { get; init; }
    public string? Model { get; init; }
    public string? EmailAddress { get; init; }
    public DateTimeOffset? CreatedDateTime { get; init; }
}

public sealed record SandboxServicePlan(Guid ServicePlanId, string ServicePlanName, string ProvisioningStatus, string AppliesTo);

public sealed record SandboxSku(string SkuPartNumber, Guid SkuId, IReadOnlyList<SandboxServicePlan> ServicePlans);

/// <summary>An Intune-managed device, with what the sandbox's device actions did to it.</summary>
public sealed record SandboxDevice
{
    public required string Id { get; init; }
    public required string DeviceName { get; init; }
    public required string OperatingSystem { get; init; }
    public required string OsVersion { get; init; }
    public required string Model { get; init; }
    public required string Manufacturer { get; init; }
    public required string SerialNumber { get; init; }

    /// <summary>"compliant" or "noncompliant".</summary>
    public required string ComplianceState { get; init; }

    public required string UserId { get; init; }
    public required string UserPrincipalName { get; init; }
    public DateTimeOffset LastSyncDateTime { get; init; }
    public DateTimeOffset EnrolledDateTime { get; init; }

    /// <summary>When each rebootNow request arrived, oldest first.</summary>
    public IReadOnlyList<DateTimeOffset> RebootRequests { get; init; } = [];
}

public sealed record SandboxGroup(string Id, string DisplayName, IReadOnlyList<string> MemberIds);

public sealed record SandboxDomain(string Id, bool IsDefault, bool IsVerified, int PasswordValidityPeriodInDays, int PasswordNotificationWindowInDays);

public sealed record SandboxServiceIssue
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public required string Service { get; init; }
    public required string Feature { get; init; }
    public required string FeatureGroup { get; init; }
    public required string Status { get; init; }
    public required string Classification { get; init; }
    public required string ImpactDescription { get; init; }
    public DateTimeOffset StartDateTime { get; init; }
    public DateTimeOffset? EndDateTime { get; init; }
    public DateTimeOffset LastModifiedDateTime { get; init; }
    public bool IsResolved => EndDateTime is not null;
}

/// <summary>What adding a member by reference came to.</summary>
internal enum AddMemberOutcome
{
    Added,
    AlreadyMember,
    NoSuchGroup,
    NoSuchUser,
}

/// <summary>
/// The sandbox's directory. Everything it hands out is an immutable snapshot, and every change swaps a record
/// under one lock, so tests can read it while requests change it.
/// </summary>
public sealed class SandboxTenant
{
    private readonly Lock _gate = new();
    private readonly List<SandboxUser> _users;
    private readonly List<SandboxDevice> _devices;
    private readonly List<SandboxGroup> _groups;
    private readonly IReadOnlyList<SandboxDomain> _domains;
    private readonly IReadOnlyList<SandboxSku> _skus;
    private readonly IReadOnlyList<SandboxServiceIssue> _issues;

    internal SandboxTenant(
        IEnumerable<SandboxUser> users,
        IEnumerable<SandboxDevice> devices,
        IEnumerable<SandboxGroup> groups,
        IReadOnlyList<SandboxDomain> domains,
        IReadOnlyList<SandboxSku> skus,
        IReadOnlyList<SandboxServiceIssue> issues)
    {
        _users = [.. users];
        _devices = [.. devices];
        _groups = [.. groups];
        _domains = domains;
        _skus = skus;
        _issues = issues;
    }

    public IReadOnlyList<SandboxUser> Users
    {
        get
        {
            lock (_gate)
            {
                return [.. _users];
            }
        }
    }

    public IReadOnlyList<SandboxGroup> Groups
    {
        get
        {
            lock (_gate)
            {
                return [.. _groups];
            }
        }
    }

    public IReadOnlyList<SandboxDomain> Domains => _domains;

    public IReadOnlyList<SandboxSku> Skus => _skus;

    public IReadOnlyList<SandboxServiceIssue> ServiceIssues => _issues;

    /// <summary>By object id or userPrincipalName, either case-insensitive.</summary>
    public SandboxUser? FindUser(string idOrUserPrincipalName)
    {
        lock (_gate)
        {
            return UserAt(IndexOfUser(idOrUserPrincipalName));
        }
    }

    /// <summary>The devices whose primary user this is (by object id or userPrincipalName).</summary>
    public IReadOnlyList<SandboxDevice> DevicesOf(string idOrUserPrincipalName)
    {
        lock (_gate)
        {
            var user = UserAt(IndexOfUser(idOrUserPrincipalName));
            return user is null ? [] : [.. _devices.Where(d => d.UserId == user.Id)];
        }
    }

    public SandboxDevice? FindDevice(string id)
    {
        lock (_gate)
        {
            var i = IndexOfDevice(id);
            return i < 0 ? null : _devices[i];
        }
    }

    public SandboxGroup? FindGroup(string id)
    {
        lock (_gate)
        {
            var i = IndexOfGroup(id);
            return i < 0 ? null : _groups[i];
        }
    }

    public SandboxDomain? FindDomain(string id) =>
        _domains.FirstOrDefault(d => string.Equals(d.Id, id, StringComparison.OrdinalIgnoreCase));

    public SandboxSku? FindSku(string skuPartNumber) =>
        _skus.FirstOrDefault(s => string.Equals(s.SkuPartNumber, skuPartNumber, StringComparison.OrdinalIgnoreCase));

    /// <summary>Changes a user for a test's or a demo's set-up (say, a password about to expire). Returns the new snapshot.</summary>
    public SandboxUser UpdateUser(string idOrUserPrincipalName, Func<SandboxUser, SandboxUser> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_gate)
        {
            var i = IndexOfUser(idOrUserPrincipalName);
            if (i < 0)
            {
                throw new KeyNotFoundException($"No user '{idOrUserPrincipalName}' in the sandbox tenant.");
            }

            var changed = change(_users[i]);
            if (changed.Id != _users[i].Id)
            {
                throw new InvalidOperationException("A user's id cannot change.");
            }

            _users[i] = changed;
            return changed;
        }
    }

    /// <summary>Group ids, of those asked about, that have the user as a direct member.</summary>
    public IReadOnlyList<string> MemberGroupsOf(string userId, IEnumerable<string> groupIds)
    {
        lock (_gate)
        {
            return [.. groupIds.Distinct(StringComparer.OrdinalIgnoreCase)
                .Select(IndexOfGroup)
                .Where(i => i >= 0 && _groups[i].MemberIds.Contains(userId, StringComparer.OrdinalIgnoreCase))
                .Select(i => _groups[i].Id)];
        }
    }

    internal SandboxUser? RevokeSignInSessions(string idOrUserPrincipalName, DateTimeOffset at)
    {
        lock (_gate)
        {
            var i = IndexOfUser(idOrUserPrincipalName);
            if (i < 0)
            {
                return null;
            }

            _users[i] = _users[i] with { SignInSessionsValidFromDateTime = at };
            return _users[i];
        }
    }

    internal SandboxDevice? SyncDevice(string id, DateTimeOffset at) =>
        ChangeDevice(id, d => d with { LastSyncDateTime = at });

    internal SandboxDevice? RequestReboot(string id, DateTimeOffset at) =>
        ChangeDevice(id, d => d with { RebootRequests = [.. d.RebootRequests, at] });

    internal AddMemberOutcome AddMember(string groupId, string userId)
    {
        lock (_gate)
        {
            var g = IndexOfGroup(groupId);
            if (g < 0)
            {
                return AddMemberOutcome.NoSuchGroup;
            }

            // Graph resolves the reference as a directory object: by object id only, never by UPN.
            var user = _users.Find(u => string.Equals(u.Id, userId, StringComparison.OrdinalIgnoreCase));
            if (user is null)
            {
                return AddMemberOutcome.NoSuchUser;
            }

            var group = _groups[g];
            if (group.MemberIds.Contains(user.Id, StringComparer.OrdinalIgnoreCase))
            {
                return AddMemberOutcome.AlreadyMember;
            }

            _groups[g] = group with { MemberIds = [.. group.MemberIds, user.Id] };
            return AddMemberOutcome.Added;
        }
    }

    private SandboxDevice? ChangeDevice(string id, Func<SandboxDevice, SandboxDevice> change)
    {
        lock (_gate)
        {
            var i = IndexOfDevice(id);
            if (i < 0)
            {
                return null;
            }

            _devices[i] = change(_devices[i]);
            return _devices[i];
        }
    }

    private SandboxUser? UserAt(int i) => i < 0 ? null : _users[i];

    private int IndexOfUser(string idOrUserPrincipalName) => _users.FindIndex(u =>
        string.Equals(u.Id, idOrUserPrincipalName, StringComparison.OrdinalIgnoreCase)
        || string.Equals(u.UserPrincipalName, idOrUserPrincipalName, StringComparison.OrdinalIgnoreCase));

    private int IndexOfDevice(string id) => _devices.FindIndex(d => string.Equals(d.Id, id, StringComparison.OrdinalIgnoreCase));

    private int IndexOfGroup(string id) => _groups.FindIndex(g => string.Equals(g.Id, id, StringComparison.OrdinalIgnoreCase));
}
