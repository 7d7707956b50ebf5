using System.Net;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Graph.Users.Item.CheckMemberGroups;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Serialization;

namespace SupportBot.Skills.SelfHelp;

/// <summary>
/// The only code that talks to Microsoft Graph. Turns Graph's answers into the connector records and its failures
/// into <see cref="ConnectorException"/> with a reason the reply can explain.
/// </summary>
public sealed class GraphConnector(GraphServiceClient client, TimeSpan timeout) : IDirectory, IDeviceManager, IServiceHealth
{
    // Graph reports "never expires" as Int32.MaxValue.
    private const int NeverExpires = int.MaxValue;

    // The properties a DirectoryUser is made of.
    private static readonly string[] UserProperties =
    [
        "id", "displayName", "userPrincipalName", "accountEnabled", "lastPasswordChangeDateTime", "passwordPolicies",
    ];

    public Task<DirectoryUser?> FindUserAsync(string key, CancellationToken cancellationToken) =>
        CallAsync(async ct =>
        {
            try
            {
                var user = await client.Users[key].GetAsync(r => r.QueryParameters.Select = UserProperties, ct);
                return user is null ? null : ToDirectoryUser(user, key);
            }
            catch (ODataError ex) when (ex.ResponseStatusCode == (int)HttpStatusCode.NotFound)
            {
                return null;
            }
        }, cancellationToken);

    public async Task<DirectoryUser?> FindUserByEmailAsync(string email, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(email);

        // mail is what Slack and most people call "my email"; the sign-in name is the fallback for accounts whose mail
        // attribute is empty. Two matches means the address doesn't name one person, so it names nobody.
        var byMail = await FindUsersWhereAsync("mail", email, cancellationToken);
        return byMail.Count switch
        {
            1 => byMail[0],
            0 => (await FindUsersWhereAsync("userPrincipalName", email, cancellationToken)) is [var only] ? only : null,
            _ => null,
        };
    }

    private Task<IReadOnlyList<DirectoryUser>> FindUsersWhereAsync(string property, string value, CancellationToken cancellationToken) =>
        CallAsync(async ct =>
        {
            var page = await client.Users.GetAsync(
                r =>
                {
                    // OData string literals escape a quote by doubling it.
                    r.QueryParameters.Filter = $"{property} eq '{value.Replace("'", "''", StringComparison.Ordinal)}'";
                    r.QueryParameters.Select = UserProperties;
                    r.QueryParameters.Top = 2;
                },
                ct);
            return (IReadOnlyList<DirectoryUser>)[.. (page?.Value ?? []).Select(u => ToDirectoryUser(u, value))];
        }, cancellationToken);

    private static DirectoryUser ToDirectoryUser(User user, string key) => new(
        user.Id ?? key,
        user.DisplayName ?? user.UserPrincipalName ?? key,
        user.UserPrincipalName ?? key,
        user.AccountEnabled ?? true,
        user.LastPasswordChangeDateTime,
        user.PasswordPolicies?.Contains("DisablePasswordExpiration", StringComparison.OrdinalIgnoreCase) == true);

    public Task<int?> GetPasswordLifetimeDaysAsync(string domain, CancellationToken cancellationToken) =>
        CallAsync(async ct =>
        {
            var found = await client.Domains[domain].GetAsync(cancellationToken: ct);
            return found?.PasswordValidityPeriodInDays is { } days and < NeverExpires ? days : (int?)null;
        }, cancellationToken);

    public Task<RegistrationDetails> GetRegistrationAsync(string userId, CancellationToken cancellationToken) =>
        CallAsync(async ct =>
        {
            var details = await client.Reports.AuthenticationMethods.UserRegistrationDetails[userId].GetAsync(cancellationToken: ct);
            return new RegistrationDetails(
                details?.IsSsprRegistered ?? false,
                details?.IsMfaRegistered ?? false,
                details?.MethodsRegistered ?? []);
        }, cancellationToken);

    public Task<IReadOnlyList<SignInMethod>> GetSignInMethodsAsync(string userId, CancellationToken cancellationToken) =>
        CallAsync(async ct =>
        {
            var first = await client.Users[userId].Authentication.Methods.GetAsync(cancellationToken: ct);
            var methods = await AllAsync<AuthenticationMethod, AuthenticationMethodCollectionResponse>(first, ct);
            return (IReadOnlyList<SignInMethod>)[.. methods.Select(Describe)];
        }, cancellationToken);

    public Task<IReadOnlyList<Licence>> GetLicencesAsync(string userId, CancellationToken cancellationToken) =>
        CallAsync(async ct =>
        {
            var first = await client.Users[userId].LicenseDetails.GetAsync(cancellationToken: ct);
            var licences = await AllAsync<LicenseDetails, LicenseDetailsCollectionResponse>(first, ct);
            return (IReadOnlyList<Licence>)[.. licences.Select(l => new Licence(l.SkuId?.ToString() ?? string.Empty, l.SkuPartNumber ?? "unknown"))];
        }, cancellationToken);

    public Task RevokeSessionsAsync(string userId, CancellationToken cancellationToken) =>
        CallAsync(async ct =>
        {
            var result = await client.Users[userId].RevokeSignInSessions.PostAsRevokeSignInSessionsPostResponseAsync(cancellationToken: ct);
            return result?.Value == true
                ? true
                : throw new ConnectorException(ConnectorFailure.Unavailable, "Microsoft Graph did not confirm that the sessions were revoked.");
        }, cancellationToken);

    public Task<bool> IsMemberAsync(string userId, string groupId, CancellationToken cancellationToken) =>
        CallAsync(async ct =>
        {
            var result = await client.Users[userId].CheckMemberGroups.PostAsCheckMemberGroupsPostResponseAsync(
                new CheckMemberGroupsPostRequestBody { GroupIds = [groupId] }, cancellationToken: ct);
            return result?.Value?.Contains(groupId, StringComparer.OrdinalIgnoreCase) == true;
        }, cancellationToken);

    public Task AddMemberAsync(string userId, string groupId, CancellationToken cancellationToken) =>
        CallAsync(async ct =>
        {
            try
            {
                await client.Groups[groupId].Members.Ref.PostAsync(
                    new ReferenceCreate { OdataId = $"https://graph.microsoft.com/v1.0/directoryObjects/{userId}" },
                    cancellationToken: ct);
            }
            catch (ODataError ex) when (ex.ResponseStatusCode == (int)HttpStatusCode.BadRequest &&
                                        ex.Error?.Message?.Contains("already exist", StringComparison.OrdinalIgnoreCase) == true)
            {
                // Already a member: the outcome the caller wanted.
            }

            return true;
        }, cancellationToken);

    public Task<IReadOnlyList<ManagedDevice>> GetDevicesAsync(string userId, CancellationToken cancellationToken) =>
        CallAsync(async ct =>
        {
            var first = await client.Users[userId].ManagedDevices.GetAsync(cancellationToken: ct);
            var devices = await AllAsync<Microsoft.Graph.Models.ManagedDevice, ManagedDeviceCollectionResponse>(first, ct);
            return (IReadOnlyList<ManagedDevice>)[.. devices.Select(d => new ManagedDevice(
                d.Id ?? string.Empty,
                d.DeviceName ?? d.Model ?? "Unnamed device",
                d.OperatingSystem,
                d.OsVersion,
                d.Model,
                d.ComplianceState?.ToString(),
                d.LastSyncDateTime))];
        }, cancellationToken);

    public Task SyncAsync(string deviceId, CancellationToken cancellationToken) =>
        CallAsync(async ct =>
        {
            await client.DeviceManagement.ManagedDevices[deviceId].SyncDevice.PostAsync(cancellationToken: ct);
            return true;
        }, cancellationToken);

    public Task RestartAsync(string deviceId, CancellationToken cancellationToken) =>
        CallAsync(async ct =>
        {
            await client.DeviceManagement.ManagedDevices[deviceId].RebootNow.PostAsync(cancellationToken: ct);
            return true;
        }, cancellationToken);

    public Task<IReadOnlyList<ServiceIssue>> GetOpenIssuesAsync(CancellationToken cancellationToken) =>
        CallAsync(async ct =>
        {
            var first = await client.Admin.ServiceAnnouncement.Issues.GetAsync(r => r.QueryParameters.Filter = "isResolved eq false", ct);
            var issues = await AllAsync<ServiceHealthIssue, ServiceHealthIssueCollectionResponse>(first, ct);
            return (IReadOnlyList<ServiceIssue>)[.. issues
                .Where(i => i.IsResolved != true)
                .Select(i => new ServiceIssue(
                    i.Id ?? string.Empty,
                    i.Title ?? "Service issue",
                    i.Service ?? "Microsoft 365",
                    i.Status?.ToString() ?? "unknown",
                    i.Classification?.ToString() ?? "advisory",
                    i.ImpactDescription,
                    i.StartDateTime,
                    i.LastModifiedDateTime))];
        }, cancellationToken);

    private static SignInMethod Describe(AuthenticationMethod method) => method switch
    {
        PasswordAuthenticationMethod => new SignInMethod("Password", null),
        MicrosoftAuthenticatorAuthenticationMethod m => new SignInMethod("Microsoft Authenticator", m.DisplayName),
        PhoneAuthenticationMethod p => new SignInMethod("Phone", MaskPhone(p.PhoneNumber)),
        Fido2AuthenticationMethod f => new SignInMethod("Security key", f.DisplayName ?? f.Model),
        WindowsHelloForBusinessAuthenticationMethod w => new SignInMethod("Windows Hello for Business", w.DisplayName),
        EmailAuthenticationMethod => new SignInMethod("Email", null),
        SoftwareOathAuthenticationMethod => new SignInMethod("Authenticator app (code)", null),
        TemporaryAccessPassAuthenticationMethod => new SignInMethod("Temporary Access Pass", null),
        _ => new SignInMethod(method.OdataType?.Replace("#microsoft.graph.", string.Empty, StringComparison.Ordinal) ?? "Other", null),
    };

    // Only the last two digits: enough to recognise the phone, useless to anyone reading over a shoulder.
    private static string? MaskPhone(string? number)
    {
        var digits = number?.Where(char.IsDigit).ToArray();
        return digits is { Length: >= 4 } ? $"number ending in {digits[^2]}{digits[^1]}" : null;
    }

    private async Task<List<TEntity>> AllAsync<TEntity, TPage>(TPage? first, CancellationToken cancellationToken)
        where TPage : IParsable, IAdditionalDataHolder, new()
    {
        var items = new List<TEntity>();
        if (first is null)
        {
            return items;
        }

        var pages = PageIterator<TEntity, TPage>.CreatePageIterator(client, first, item =>
        {
            items.Add(item);
            return true;
        });
        await pages.IterateAsync(cancellationToken);
        return items;
    }

    private async Task<T> CallAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            return await call(limit.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ConnectorException(ConnectorFailure.Timeout, $"Microsoft Graph did not answer within {timeout.TotalSeconds:0} seconds.", inner: ex);
        }
        catch (ApiException ex)
        {
            throw Translate(ex);
        }
        catch (AggregateException ex) when (ex.InnerExceptions.LastOrDefault() is ApiException last)
        {
            // The SDK's retry handler gave up: one exception per attempt, the last one says how it ended.
            throw Translate(last);
        }
        catch (HttpRequestException ex)
        {
            throw new ConnectorException(ConnectorFailure.Unavailable, "Microsoft Graph could not be reached.", inner: ex);
        }
    }

    private static ConnectorException Translate(ApiException ex)
    {
        var code = (ex as ODataError)?.Error?.Code;
        return ex.ResponseStatusCode switch
        {
            403 or 401 => new ConnectorException(ConnectorFailure.Forbidden, $"Microsoft Graph refused the call ({code ?? "Forbidden"}).", inner: ex),
            404 => new ConnectorException(ConnectorFailure.NotFound, "Microsoft Graph has no such object.", inner: ex),
            429 => new ConnectorException(ConnectorFailure.Throttled, "Microsoft Graph is throttling requests.", RetryAfter(ex), ex),
            _ => new ConnectorException(ConnectorFailure.Unavailable, $"Microsoft Graph failed ({ex.ResponseStatusCode} {code}).", inner: ex),
        };
    }

    private static TimeSpan? RetryAfter(ApiException ex) =>
        ex.ResponseHeaders.TryGetValue("Retry-After", out var values) &&
        int.TryParse(values.FirstOrDefault(), out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : null;
}
