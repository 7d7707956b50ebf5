using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace SupportBot.Bot.Channels.DirectLine;

/// <summary>
/// Who a local-channel token lets in: one conversation, one user. <paramref name="DirectoryKey"/> is whom self-help
/// acts as: null means the user id itself (the demo binds directory people by id), an intranet user's UPN, or
/// <see cref="NoDirectoryUser"/> for a guest nobody vouched for.
/// </summary>
public sealed record DirectLineGrant(string ConversationId, string UserId, string? UserName, string? DirectoryKey = null)
{
    public const string NoDirectoryUser = "";
}

public enum TokenProblem
{
    None,
    Missing,
    Invalid,
    Expired,
}

/// <summary>
/// Issues and checks local-channel tokens: HS256 JWTs (like Azure's, so Web Chat can read the user id from
/// them) bound to one conversation and one user, expiring after <see cref="DirectLineOptions.TokenLifetime"/>.
/// </summary>
public sealed class DirectLineTokens
{
    private const string Issuer = "supportbot-local-directline";
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SymmetricSecurityKey _key;
    private readonly DirectLineOptions _options;
    private readonly TimeProvider _timeProvider;

    public DirectLineTokens(IOptions<DirectLineOptions> options, TimeProvider timeProvider)
    {
        _options = options.Value;
        _timeProvider = timeProvider;
        _key = new SymmetricSecurityKey(SigningKey(_options.TokenSigningKey));
    }

    public int LifetimeSeconds => (int)_options.TokenLifetime.TotalSeconds;

    public string Issue(DirectLineGrant grant)
    {
        var now = _timeProvider.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object> { ["conv"] = grant.ConversationId, ["user"] = grant.UserId };
        if (!string.IsNullOrEmpty(grant.UserName))
        {
            claims["name"] = grant.UserName;
        }

        if (grant.DirectoryKey is not null)
        {
            claims["dir"] = grant.DirectoryKey;
        }

        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Issuer,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + _options.TokenLifetime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.HmacSha256),
        });
    }

    public async Task<(DirectLineGrant? Grant, TokenProblem Problem)> ValidateAsync(string? token)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return (null, TokenProblem.Missing);
        }

        var now = _timeProvider.GetUtcNow().UtcDateTime;
        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = Issuer,
            IssuerSigningKey = _key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.Zero,
            LifetimeValidator = (notBefore, expires, _, _) => notBefore <= now && now < expires,
        });

        if (!result.IsValid)
        {
            return (null, result.Exception is SecurityTokenInvalidLifetimeException ? TokenProblem.Expired : TokenProblem.Invalid);
        }

        var identity = result.ClaimsIdentity;
        var conversation = identity.FindFirst("conv")?.Value;
        var user = identity.FindFirst("user")?.Value;
        if (string.IsNullOrEmpty(conversation) || string.IsNullOrEmpty(user))
        {
            return (null, TokenProblem.Invalid);
        }

        return (new DirectLineGrant(conversation, user, identity.FindFirst("name")?.Value, identity.FindFirst("dir")?.Value), TokenProblem.None);
    }

    /// <summary>A new random id, unguessable, safe in URLs.</summary>
    public static string NewId(int bytes = 18) =>
        Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(bytes));

    private static byte[] SigningKey(string? configured)
    {
        if (string.IsNullOrWhiteSpace(configured))
        {
            return RandomNumberGenerator.GetBytes(32);
        }

        try
        {
            var key = Convert.FromBase64String(configured);
            if (key.Length >= 32)
            {
                return key;
            }
        }
        catch (FormatException)
        {
        }

        throw new OptionsValidationException(
            nameof(DirectLineOptions.TokenSigningKey),
            typeof(DirectLineOptions),
            ["DirectLine:TokenSigningKey must be base64 for at least 32 random bytes (e.g. `openssl rand -base64 32`)."]);
    }
}
