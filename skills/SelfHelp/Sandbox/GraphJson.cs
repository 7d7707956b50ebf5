using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace SupportBot.Skills.SelfHelp.Sandbox;

/// <summary>Graph v1.0's JSON: entity shapes, collections, dates in UTC with a Z.</summary>
internal static class GraphJson
{
    public const string Metadata = "https://graph.microsoft.com/v1.0/$metadata";

    // What Graph itself sends; Kiota picks its parser from the part before the first ';'.
    public const string ContentType = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

    // Graph doesn't \u-escape '+' and '\'' (phone numbers, "Adele's iPhone"); these bodies are never embedded in HTML.
    private static readonly JsonSerializerOptions WriteOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Graph's properties returned for a user when the request has no $select.</summary>
    private static readonly string[] DefaultUserProperties =
        ["businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone", "officeLocation", "preferredLanguage", "surname", "userPrincipalName", "id"];

    public static string Date(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    public static string? Date(DateTimeOffset? at) => at is { } value ? Date(value) : null;

    public static IResult Ok(JsonObject body, int statusCode = StatusCodes.Status200OK) =>
        Results.Text(body.ToJsonString(WriteOptions), ContentType, Encoding.UTF8, statusCode);

    public static IResult Json(JsonObject body, string contentType, int statusCode) =>
        Results.Text(body.ToJsonString(WriteOptions), contentType, Encoding.UTF8, statusCode);

    public static JsonObject Entity(string context, JsonObject entity)
    {
        var body = new JsonObject { ["@odata.context"] = $"{Metadata}#{context}" };
        foreach (var (name, value) in entity.ToList())
        {
            entity.Remove(name);
            body[name] = value;
        }

        return body;
    }

    public static JsonObject Collection(string context, IEnumerable<JsonNode?> items, string? nextLink = null)
    {
        var body = new JsonObject { ["@odata.context"] = $"{Metadata}#{context}" };
        if (nextLink is not null)
        {
            body["@odata.nextLink"] = nextLink;
        }

        body["value"] = new JsonArray([.. items]);
        return body;
    }

    /// <summary>
    /// A user with the properties Graph would return: the default set without $select (so code that forgets to
    /// select accountEnabled or lastPasswordChangeDateTime sees nulls here as it would in production), else id and
    /// the selected ones.
    /// </summary>
    public static JsonObject User(SandboxUser u, IReadOnlyCollection<string>? select)
    {
        var all = new JsonObject
        {
            ["id"] = u.Id,
            ["businessPhones"] = Strings(u.BusinessPhones),
            ["displayName"] = u.DisplayName,
            ["givenName"] = u.GivenName,
            ["surname"] = u.Surname,
            ["userPrincipalName"] = u.UserPrincipalName,
            ["mail"] = u.Mail,
            ["jobTitle"] = u.JobTitle,
            ["department"] = u.Department,
            ["officeLocation"] = u.OfficeLocation,
            ["mobilePhone"] = u.MobilePhone,
            ["preferredLanguage"] = "en-US",
            ["accountEnabled"] = u.AccountEnabled,
            ["lastPasswordChangeDateTime"] = Date(u.LastPasswordChangeDateTime),
            ["passwordPolicies"] = u.PasswordPolicies,
            ["signInSessionsValidFromDateTime"] = Date(u.SignInSessionsValidFromDateTime),
            ["usageLocation"] = u.UsageLocation,
        };

        var wanted = select is { Count: > 0 } ? select : DefaultUserProperties;
        var result = new JsonObject();
        foreach (var (name, value) in all.ToList())
        {
            if (name == "id" || wanted.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                all.Remove(name);
                result[name] = value;
            }
        }

        return result;
    }

    public static JsonObject RegistrationDetails(SandboxUser u)
    {
        var methods = u.AuthenticationMethods;
        var registered = methods.Select(m => m.Kind switch
        {
            "microsoftAuthenticator" => "microsoftAuthenticatorPush",
            "phone" => "mobilePhone",
            "fido2" => "fido2",
            "windowsHelloForBusiness" => "windowsHelloForBusiness",
            "email" => "email",
            _ => null,
        }).OfType<string>().Distinct().ToList();
        var defaultMfa = registered.Contains("microsoftAuthenticatorPush") ? "microsoftAuthenticatorPush"
            : registered.Contains("mobilePhone") ? "mobilePhone"
            : "none";

        return new JsonObject
        {
            ["id"] = u.Id,
            ["userPrincipalName"] = u.UserPrincipalName,
            ["userDisplayName"] = u.DisplayName,
            ["userType"] = "member",
            ["isAdmin"] = u.IsAdmin,

            // The demo tenant enables SSPR for everyone, so capable means registered.
            ["isSsprRegistered"] = u.IsSsprRegistered,
            ["isSsprEnabled"] = true,
            ["isSsprCapable"] = u.IsSsprRegistered,
            ["isMfaRegistered"] = u.IsMfaRegistered,
            ["isMfaCapable"] = u.IsMfaRegistered,
            ["isPasswordlessCapable"] = registered.Contains("fido2") || registered.Contains("windowsHelloForBusiness"),
            ["isSystemPreferredAuthenticationMethodEnabled"] = false,
            ["methodsRegistered"] = Strings(registered),
            ["defaultMfaMethod"] = defaultMfa,
            ["systemPreferredAuthenticationMethods"] = new JsonArray(),
            ["userPreferredMethodForSecondaryAuthentication"] = defaultMfa == "microsoftAuthenticatorPush" ? "push" : defaultMfa == "mobilePhone" ? "sms" : "none",
            ["lastUpdatedDateTime"] = Date(u.RegistrationLastUpdatedDateTime),
        };
    }

    public static JsonObject AuthenticationMethod(SandboxAuthenticationMethod m)
    {
        var json = new JsonObject { ["@odata.type"] = m.ODataType, ["id"] = m.Id };
        Add(json, "displayName", m.DisplayName);
        Add(json, "deviceTag", m.DeviceTag);
        Add(json, "phoneAppVersion", m.PhoneAppVersion);
        Add(json, "phoneNumber", m.PhoneNumber);
        Add(json, "phoneType", m.PhoneType);
        Add(json, "model", m.Model);
        Add(json, "emailAddress", m.EmailAddress);
        Add(json, "createdDateTime", Date(m.CreatedDateTime));
        if (m.Kind == "password")
        {
            // Graph never returns the password itself.
            json["password"] = null;
        }

        if (m.Kind == "phone")
        {
            json["smsSignInState"] = "notSupported";
        }

        return json;
    }

    public static JsonObject ManagedDevice(SandboxDevice d) => new()
    {
        ["id"] = d.Id,
        ["userId"] = d.UserId,
        ["deviceName"] = d.DeviceName,
        ["managedDeviceOwnerType"] = "company",
        ["enrolledDateTime"] = Date(d.EnrolledDateTime),
        ["lastSyncDateTime"] = Date(d.LastSyncDateTime),
        ["operatingSystem"] = d.OperatingSystem,
        ["complianceState"] = d.ComplianceState,
        ["managementState"] = "managed",
        ["osVersion"] = d.OsVersion,
        ["model"] = d.Model,
        ["manufacturer"] = d.Manufacturer,
        ["serialNumber"] = d.SerialNumber,
        ["userPrincipalName"] = d.UserPrincipalName,
        ["managementAgent"] = "mdm",
        ["deviceEnrollmentType"] = d.OperatingSystem == "Windows" ? "windowsAzureADJoin" : "userEnrollment",
    };

    public static JsonObject LicenseDetails(string userId, SandboxSku sku) => new()
    {
        // Graph's licenseDetails id is the user's and the SKU's ids together, base64url-encoded.
        ["id"] = Convert.ToBase64String([.. Guid.Parse(userId).ToByteArray(), .. sku.SkuId.ToByteArray()]).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
        ["skuId"] = sku.SkuId.ToString(),
        ["skuPartNumber"] = sku.SkuPartNumber,
        ["servicePlans"] = new JsonArray([.. sku.ServicePlans.Select(p => new JsonObject
        {
            ["servicePlanId"] = p.ServicePlanId.ToString(),
            ["servicePlanName"] = p.ServicePlanName,
            ["provisioningStatus"] = p.ProvisioningStatus,
            ["appliesTo"] = p.AppliesTo,
        })]),
    };

    public static JsonObject Domain(SandboxDomain d) => new()
    {
        ["id"] = d.Id,
        ["authenticationType"] = "Managed",
        ["isAdminManaged"] = true,
        ["isDefault"] = d.IsDefault,
        ["isInitial"] = d.Id.EndsWith(".onmicrosoft.com", StringComparison.OrdinalIgnoreCase),
        ["isRoot"] = true,
        ["isVerified"] = d.IsVerified,
        ["passwordNotificationWindowInDays"] = d.PasswordNotificationWindowInDays,
        ["passwordValidityPeriodInDays"] = d.PasswordValidityPeriodInDays,
        ["supportedServices"] = Strings(["Email", "OfficeCommunicationsOnline"]),
    };

    public static JsonObject ServiceIssue(SandboxServiceIssue i) => new()
    {
        ["startDateTime"] = Date(i.StartDateTime),
        ["endDateTime"] = Date(i.EndDateTime),
        ["lastModifiedDateTime"] = Date(i.LastModifiedDateTime),
        ["title"] = i.Title,
        ["id"] = i.Id,
        ["impactDescription"] = i.ImpactDescription,
        ["classification"] = i.Classification,
        ["origin"] = "microsoft",
        ["status"] = i.Status,
        ["service"] = i.Service,
        ["feature"] = i.Feature,
        ["featureGroup"] = i.FeatureGroup,
        ["isResolved"] = i.IsResolved,
        ["highImpact"] = null,
        ["details"] = new JsonArray(),
    };

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);

    private static void Add(JsonObject json, string name, string? value)
    {
        if (value is not null)
        {
            json[name] = value;
        }
    }
}

/// <summary>Graph's error body, with the codes Graph uses for each status.</summary>
internal static class GraphErrors
{
    /// <summary>The request's correlation ids and arrival time (the sandbox's clock), kept in HttpContext.Items.</summary>
    public sealed record Call(string RequestId, string ClientRequestId, DateTimeOffset At);

    public static bool IsSupported(int status) => status is 400 or 401 or 403 or 404 or 429 or 500 or 502 or 503 or 504;

    public static IResult NotFound(HttpContext http, string id) =>
        Write(http, StatusCodes.Status404NotFound, "Request_ResourceNotFound", NotFoundMessage(id));

    public static IResult BadRequest(HttpContext http, string message, string code = "Request_BadRequest") =>
        Write(http, StatusCodes.Status400BadRequest, code, message);

    /// <summary>The error an injected fault answers with.</summary>
    public static IResult ForStatus(HttpContext http, int status, TimeSpan? retryAfter)
    {
        if (retryAfter is { } wait)
        {
            http.Response.Headers.RetryAfter = ((long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        var (code, message) = status switch
        {
            400 => ("Request_BadRequest", "Invalid request."),
            401 => ("InvalidAuthenticationToken", "Lifetime validation failed, the token is expired."),
            403 => ("Authorization_RequestDenied", "Insufficient privileges to complete the operation."),
            404 => ("Request_ResourceNotFound", NotFoundMessage(LastSegment(http.Request.Path))),
            429 => ("TooManyRequests", "Too many requests. Please retry after the time given in the Retry-After header."),
            500 => ("InternalServerError", "An internal server error occurred. Please try again later."),
            502 => ("BadGateway", "The service is temporarily unreachable. Please try again later."),
            503 => ("ServiceUnavailable", "The service is temporarily unavailable. Please try again later."),
            504 => ("GatewayTimeout", "The request timed out. Please try again later."),
            _ => ("UnknownError", "An unknown error occurred."),
        };
        return Write(http, status, code, message);
    }

    public static IResult Write(HttpContext http, int status, string code, string message)
    {
        var call = http.Items[typeof(Call)] as Call ?? new Call(Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), DateTimeOffset.UtcNow);
        var body = new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["code"] = code,
                ["message"] = message,
                ["innerError"] = new JsonObject
                {
                    ["date"] = GraphJson.Date(DemoTenant.Seconds(call.At)),
                    ["request-id"] = call.RequestId,
                    ["client-request-id"] = call.ClientRequestId,
                },
            },
        };
        return GraphJson.Json(body, "application/json", status);
    }

    private static string NotFoundMessage(string id) =>
        $"Resource '{id}' does not exist or one of its queried reference-property objects are not present.";

    private static string LastSegment(PathString path)
    {
        var value = path.Value ?? string.Empty;
        var segments = value.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments.Length == 0 ? string.Empty : segments[^1];
    }
}
