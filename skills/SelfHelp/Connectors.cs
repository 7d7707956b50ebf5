namespace SupportBot.Skills.SelfHelp;

/// <summary>The directory (Microsoft Entra ID through Graph): people, their sign-in methods, licences and groups.</summary>
public interface IDirectory
{
    /// <summary>The user with this object id or user principal name, or null when the directory has no such user.</summary>
    Task<DirectoryUser?> FindUserAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// The one user whose mail (or, failing that, user principal name) is this address; null when there is none, or
    /// more than one, so a channel that only knows a verified email (Slack) can never be mapped to the wrong person.
    /// </summary>
    Task<DirectoryUser?> FindUserByEmailAsync(string email, CancellationToken cancellationToken);

    /// <summary>How many days a password lasts in this domain; null when it never expires.</summary>
    Task<int?> GetPasswordLifetimeDaysAsync(string domain, CancellationToken cancellationToken);

    Task<RegistrationDetails> GetRegistrationAsync(string userId, CancellationToken cancellationToken);

    Task<IReadOnlyList<SignInMethod>> GetSignInMethodsAsync(string userId, CancellationToken cancellationToken);

    Task<IReadOnlyList<Licence>> GetLicencesAsync(string userId, CancellationToken cancellationToken);

    Task RevokeSessionsAsync(string userId, CancellationToken cancellationToken);

    Task<bool> IsMemberAsync(string userId, string groupId, CancellationToken cancellationToken);

    Task AddMemberAsync(string userId, string groupId, CancellationToken cancellationToken);
}

/// <summary>Intune: the devices a person has enrolled, and the remote actions on them.</summary>
public interface IDeviceManager
{
    Task<IReadOnlyList<ManagedDevice>> GetDevicesAsync(string userId, CancellationToken cancellationToken);

    Task SyncAsync(string deviceId, CancellationToken cancellationToken);

    Task RestartAsync(string deviceId, CancellationToken cancellationToken);
}

/// <summary>Microsoft 365 service health.</summary>
public interface IServiceHealth
{
    Task<IReadOnlyList<ServiceIssue>> GetOpenIssuesAsync(CancellationToken cancellationToken);
}

public sealed record DirectoryUser(
    string Id,
    string DisplayName,
    string UserPrincipalName,
    bool AccountEnabled,
    DateTimeOffset? LastPasswordChange,
    bool PasswordNeverExpires);

public sealed record RegistrationDetails(bool SsprRegistered, bool MfaRegistered, IReadOnlyList<string> MethodsRegistered);

/// <summary>A registered sign-in method: its kind and a display name. Phone numbers are masked.</summary>
public sealed record SignInMethod(string Kind, string? Name);

public sealed record Licence(string SkuId, string SkuPartNumber);

public sealed record ManagedDevice(
    string Id,
    string Name,
    string? OperatingSystem,
    string? OsVersion,
    string? Model,
    string? ComplianceState,
    DateTimeOffset? LastSync);

public sealed record ServiceIssue(
    string Id,
    string Title,
    string Service,
    string Status,
    string Classification,
    string? ImpactDescription,
    DateTimeOffset? Started,
    DateTimeOffset? LastUpdated);

/// <summary>Why a call to the directory or device service failed, in terms the reply can explain.</summary>
public enum ConnectorFailure
{
    /// <summary>The app lacks a permission (403).</summary>
    Forbidden,

    /// <summary>The object doesn't exist (404).</summary>
    NotFound,

    /// <summary>Throttled (429) even after retrying.</summary>
    Throttled,

    /// <summary>The service failed (5xx) or couldn't be reached.</summary>
    Unavailable,

    /// <summary>No answer in time.</summary>
    Timeout,
}

/// <summary>A failed call to a connector, with what the reply can say about it.</summary>
public sealed class ConnectorException(ConnectorFailure failure, string message, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception(message, inner)
{
    public ConnectorFailure Failure { get; } = failure;

    public TimeSpan? RetryAfter { get; } = retryAfter;
}
