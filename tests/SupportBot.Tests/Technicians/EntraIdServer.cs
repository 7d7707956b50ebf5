using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.Technicians;

/// <summary>Somebody in the stand-in directory.</summary>
internal sealed record EntraUser(string ObjectId, string UserName, string Name, params string[] Roles);

/// <summary>What the stand-in does to the id_token it issues.</summary>
public enum IdTokenFlaw
{
    None,

    /// <summary>Signed, then a claim changed (the signature no longer matches).</summary>
    Tampered,

    /// <summary>Expired an hour ago (well beyond the clock skew allowed).</summary>
    Expired,
}

/// <summary>
/// A local OpenID Connect provider standing in for Microsoft Entra ID: discovery, a JWKS with one RSA key,
/// <c>/authorize</c> (no UI: it signs in <see cref="NextUser"/> and redirects straight back with a code) and
/// <c>/token</c> (checks the client, the redirect URI and the PKCE verifier; returns an RS256 id_token).
/// </summary>
internal sealed class EntraIdServer : IAsyncDisposable
{
    public const string TenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    public const string ClientId = "5b3c9a4e-2f1d-4a8b-9c6e-0d7f1e2a3b4c";
    public const string ClientSecret = "stand-in-client-secret-Zq8~xR2";

    private readonly RSA _rsa = RSA.Create(2048);
    private readonly string _keyId = Guid.NewGuid().ToString("N");
    private readonly ConcurrentDictionary<string, Grant> _codes = new();
    private LoopbackServer _server = null!;

    private EntraIdServer()
    {
    }

    /// <summary>Who the next <c>/authorize</c> signs in.</summary>
    public EntraUser? NextUser { get; set; }

    public IdTokenFlaw Flaw { get; set; }

    /// <summary>The issuer and authority: where the server listens, without the trailing slash.</summary>
    public string Authority => _server.BaseUrl.TrimEnd('/');

    /// <summary>Every id_token issued, to check none of them ends up in a log.</summary>
    public ConcurrentQueue<string> IssuedIdTokens { get; } = new();

    /// <summary>What went wrong at <c>/authorize</c> or <c>/token</c>, if anything (the bot only sees a 400).</summary>
    public ConcurrentQueue<string> Complaints { get; } = new();

    /// <summary>Settings that point the bot at this server.</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["Tickets:EntraId:TenantId"] = TenantId,
        ["Tickets:EntraId:ClientId"] = ClientId,
        ["Tickets:EntraId:ClientSecret"] = ClientSecret,
        ["Tickets:EntraId:Authority"] = Authority,
    };

    public static async Task<EntraIdServer> StartAsync()
    {
        var server = new EntraIdServer();
        server._server = await LoopbackServer.StartAsync(server.Map);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _rsa.Dispose();
    }

    private void Map(WebApplication app)
    {
        app.MapGet("/.well-known/openid-configuration", () => Results.Content(
            $$"""
            {
              "issuer": "{{Authority}}",
              "authorization_endpoint": "{{Authority}}/authorize",
              "token_endpoint": "{{Authority}}/token",
              "jwks_uri": "{{Authority}}/keys",
              "response_types_supported": ["code"],
              "response_modes_supported": ["query"],
              "subject_types_supported": ["pairwise"],
              "id_token_signing_alg_values_supported": ["RS256"],
              "scopes_supported": ["openid", "profile"],
              "token_endpoint_auth_methods_supported": ["client_secret_post"],
              "code_challenge_methods_supported": ["S256"]
            }
            """,
            "application/json"));

        app.MapGet("/keys", () =>
        {
            var key = _rsa.ExportParameters(includePrivateParameters: false);
            return Results.Json(new
            {
                keys = new[]
                {
                    new Dictionary<string, string>
                    {
                        ["kty"] = "RSA",
                        ["use"] = "sig",
                        ["alg"] = "RS256",
                        ["kid"] = _keyId,
                        ["n"] = Base64UrlEncoder.Encode(key.Modulus),
                        ["e"] = Base64UrlEncoder.Encode(key.Exponent),
                    },
                },
            });
        });

        app.MapGet("/authorize", Authorize);
        app.MapPost("/token", TokenAsync);
    }

    private IResult Authorize(HttpRequest request)
    {
        var query = request.Query;
        string? Problem()
        {
            if (query["client_id"] != ClientId)
            {
                return "unknown client_id";
            }

            // The code comes back in the query: response_mode=query, or none (the default for "code").
            if (query["response_type"] != "code" || query["response_mode"] is not ([] or ["query"]))
            {
                return $"response_type '{query["response_type"]}' / response_mode '{query["response_mode"]}'";
            }

            if (query["code_challenge_method"] != "S256" || string.IsNullOrEmpty(query["code_challenge"]))
            {
                return "no S256 PKCE challenge";
            }

            var scopes = query["scope"].ToString().Split(' ');
            if (!scopes.Contains("openid") || !scopes.Contains("profile"))
            {
                return $"scope '{query["scope"]}'";
            }

            if (string.IsNullOrEmpty(query["state"]) || string.IsNullOrEmpty(query["nonce"]) || !Uri.TryCreate(query["redirect_uri"], UriKind.Absolute, out _))
            {
                return "no state, nonce or redirect_uri";
            }

            return NextUser is null ? "no user to sign in (set NextUser)" : null;
        }

        if (Problem() is { } problem)
        {
            Complaints.Enqueue("/authorize: " + problem);
            return Results.BadRequest(problem);
        }

        var code = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        _codes[code] = new Grant(NextUser!, query["redirect_uri"]!, query["nonce"]!, query["code_challenge"]!);
        var back = $"{query["redirect_uri"]}?code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(query["state"]!)}";
        return Results.Redirect(back);
    }

    private async Task<IResult> TokenAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        string? Problem(out Grant? grant)
        {
            grant = null;
            if (form["grant_type"] != "authorization_code")
            {
                return "grant_type";
            }

            if (form["client_id"] != ClientId || form["client_secret"] != ClientSecret)
            {
                return "invalid_client";
            }

            if (!_codes.TryRemove(form["code"].ToString(), out grant))
            {
                return "unknown or reused code";
            }

            if (form["redirect_uri"] != grant.RedirectUri)
            {
                return "redirect_uri differs from the authorize request's";
            }

            var verifier = form["code_verifier"].ToString();
            var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
            return verifier.Length < 43 || challenge != grant.CodeChallenge ? "PKCE verifier does not match the challenge" : null;
        }

        if (Problem(out var grant) is { } problem)
        {
            Complaints.Enqueue("/token: " + problem);
            return Results.Json(new { error = "invalid_grant", error_description = problem }, statusCode: StatusCodes.Status400BadRequest);
        }

        var idToken = IdToken(grant!);
        IssuedIdTokens.Enqueue(idToken);
        return Results.Json(new
        {
            token_type = "Bearer",
            access_token = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32)),
            expires_in = 3600,
            scope = "openid profile",
            id_token = idToken,
        });
    }

    private string IdToken(Grant grant)
    {
        var now = DateTime.UtcNow;
        var issued = Flaw == IdTokenFlaw.Expired ? now.AddHours(-2) : now;
        var claims = new Dictionary<string, object>
        {
            ["sub"] = "sub-" + grant.User.ObjectId,
            ["oid"] = grant.User.ObjectId,
            ["tid"] = TenantId,
            ["nonce"] = grant.Nonce,
            ["name"] = grant.User.Name,
            ["preferred_username"] = grant.User.UserName,
        };
        if (grant.User.Roles.Length > 0)
        {
            claims["roles"] = grant.User.Roles;
        }

        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Authority,
            Audience = ClientId,
            IssuedAt = issued,
            NotBefore = issued,
            Expires = issued.AddHours(1),
            Claims = claims,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(_rsa) { KeyId = _keyId }, SecurityAlgorithms.RsaSha256),
        });

        if (Flaw != IdTokenFlaw.Tampered)
        {
            return token;
        }

        // Same header and signature, a payload that says somebody else.
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1]))
            .Replace(grant.User.Name, "Mallory (tampered)", StringComparison.Ordinal);
        return $"{parts[0]}.{Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(payload))}.{parts[2]}";
    }

    private sealed record Grant(EntraUser User, string RedirectUri, string Nonce, string CodeChallenge);
}
