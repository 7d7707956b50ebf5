using System.Net;
using Azure.Core;
using Azure.Identity;
using Microsoft.Graph;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Authentication.Azure;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;

namespace SupportBot.Skills.SelfHelp;

/// <summary>Builds the <see cref="GraphServiceClient"/>: app-only credentials for the tenant, or the sandbox.</summary>
public static class GraphClients
{
    private static readonly string[] GraphScopes = ["https://graph.microsoft.com/.default"];

    /// <summary>The organisation's tenant, signed in with a managed identity, a certificate or a client secret.</summary>
    public static GraphServiceClient ForTenant(GraphConnectionOptions options, TimeSpan maxRetryAfter)
    {
        var auth = new AzureIdentityAuthenticationProvider(Credential(options), scopes: GraphScopes);
        return new GraphServiceClient(CreateHttpClient(maxRetryAfter), auth, options.BaseUrl.TrimEnd('/'));
    }

    /// <summary>The Graph sandbox with the demo tenant: no sign-in, same SDK, same HTTP pipeline.</summary>
    public static GraphServiceClient ForSandbox(string sandboxBaseUrl, TimeSpan maxRetryAfter) =>
        new(CreateHttpClient(maxRetryAfter), new AnonymousAuthenticationProvider(), sandboxBaseUrl.TrimEnd('/') + "/v1.0");

    /// <summary>True when the settings name a way to sign in; the reason otherwise.</summary>
    public static string? Problem(GraphConnectionOptions options)
    {
        if (options.UseManagedIdentity)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(options.TenantId) || string.IsNullOrWhiteSpace(options.ClientId))
        {
            return "SelfHelp:Graph:TenantId and SelfHelp:Graph:ClientId are required when SelfHelp:Mode is Graph (or set SelfHelp:Graph:UseManagedIdentity=true).";
        }

        return string.IsNullOrWhiteSpace(options.ClientSecret) && string.IsNullOrWhiteSpace(options.CertificatePath)
            ? "SelfHelp:Graph needs a credential: ClientSecret, CertificatePath or UseManagedIdentity=true."
            : null;
    }

    private static TokenCredential Credential(GraphConnectionOptions options)
    {
        if (options.UseManagedIdentity)
        {
            return string.IsNullOrWhiteSpace(options.ClientId)
                ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
                : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.ClientId));
        }

        return string.IsNullOrWhiteSpace(options.CertificatePath)
            ? new ClientSecretCredential(options.TenantId, options.ClientId, options.ClientSecret)
            : new ClientCertificateCredential(options.TenantId, options.ClientId, options.CertificatePath,
                new ClientCertificateCredentialOptions { SendCertificateChain = true });
    }

    private static TimeSpan RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow,
        _ => TimeSpan.FromSeconds(1),
    };

    // The SDK's own middleware (retry, redirect, compression…), with retries kept inside a chat turn's patience:
    // a throttled call is retried only when Graph asks us to wait a few seconds, and at most twice.
    private static HttpClient CreateHttpClient(TimeSpan maxRetryAfter)
    {
        var handlers = GraphClientFactory.CreateDefaultHandlers()
            .Select(h => h is RetryHandler
                ? new RetryHandler(new RetryHandlerOption
                {
                    MaxRetry = 2,
                    Delay = 1,
                    // The handler passes its configured delay, not Graph's Retry-After, so read the header here.
                    ShouldRetry = (_, _, response) =>
                        response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout &&
                        RetryAfter(response) <= maxRetryAfter,
                })
                : h)
            .ToList();
        var http = GraphClientFactory.Create(handlers);
        http.Timeout = Timeout.InfiniteTimeSpan; // each call has its own deadline (GraphConnector)
        return http;
    }
}
