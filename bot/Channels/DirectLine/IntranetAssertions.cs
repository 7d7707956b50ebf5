using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace SupportBot.Bot.Channels.DirectLine;

/// <summary>
/// The intranet user an assertion vouched for. <see cref="UserId"/> is what the chat is bound to;
/// <see cref="DirectoryKey"/> (the <c>upn</c>, else the <c>email</c>, else the <c>sub</c>) is whom self-help acts as.
/// </summary>
public sealed record IntranetUser(string Subject, string? Name, string DirectoryKey)
{
    /// <summary>User ids with this prefix exist only through a verified assertion; a browser can't ask for one.</summary>
    public const string UserIdPrefix = "intranet:";

    public string UserId => UserIdPrefix + Subject;
}

/// <summary>The outcome of checking an assertion: the user, or why it was refused (safe to log and to show).</summary>
public sealed record AssertionCheck(IntranetUser? User, string? Problem, bool Unavailable = false)
{
    public static AssertionCheck Refused(string problem) => new(null, problem);
}

/// <summary>
/// Checks the intranet's sign-in assertions: an HS256 JWT signed with <c>WebChat:Intranet:SigningKey</c>, from the
/// configured issuer to the configured audience, short-lived, naming its user in <c>sub</c>, used once (<c>jti</c>).
/// Anything else is refused with a reason; the assertion itself is never logged or echoed.
/// </summary>
public sealed partial class IntranetAssertionValidator(
    IOptions<IntranetSignInOptions> options,
    IAssertionReplayGuard replayGuard,
    TimeProvider timeProvider)
{
    public const int MaxAssertionLength = 8192;
    public const int MaxSubjectLength = 64 - 9; // the bound user id, "intranet:<sub>", is at most 64 characters
    public const int MaxNameLength = 100;

    private readonly JsonWebTokenHandler _handler = new();
    private readonly Lazy<SymmetricSecurityKey> _key = new(() => new SymmetricSecurityKey(options.Value.KeyBytes()));

    public async Task<AssertionCheck> ValidateAsync(string? assertion, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(assertion))
        {
            return AssertionCheck.Refused("the assertion is missing.");
        }

        if (assertion.Length > MaxAssertionLength)
        {
            return AssertionCheck.Refused($"the assertion is longer than {MaxAssertionLength} characters.");
        }

        string algorithm;
        try
        {
            algorithm = _handler.CanReadToken(assertion) ? _handler.ReadJsonWebToken(assertion).Alg : string.Empty;
        }
        catch (Exception ex) when (ex is SecurityTokenMalformedException or ArgumentException)
        {
            algorithm = string.Empty;
        }

        if (algorithm.Length == 0)
        {
            return AssertionCheck.Refused(WhyInvalid(new SecurityTokenMalformedException()));
        }

        // Named up front: the library reports an unsigned or differently signed token as a bad signature.
        if (algorithm != SecurityAlgorithms.HmacSha256)
        {
            return AssertionCheck.Refused(WhyInvalid(new SecurityTokenInvalidAlgorithmException()));
        }

        var settings = options.Value;
        var result = await _handler.ValidateTokenAsync(assertion, new TokenValidationParameters
        {
            ValidIssuer = settings.Issuer,
            ValidAudience = settings.Audience,
            IssuerSigningKey = _key.Value,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            RequireSignedTokens = true,

            // Checked below against the bot's TimeProvider, with reasons an operator can act on.
            ValidateLifetime = false,
            RequireExpirationTime = false,
        });

        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            return AssertionCheck.Refused(WhyInvalid(result.Exception));
        }

        if (CheckLifetime(jwt, settings) is { } lifetimeProblem)
        {
            return AssertionCheck.Refused(lifetimeProblem);
        }

        var subject = jwt.Subject;
        if (string.IsNullOrWhiteSpace(subject))
        {
            return AssertionCheck.Refused("it has no 'sub' (the user's stable id).");
        }

        if (!SubjectPattern().IsMatch(subject))
        {
            return AssertionCheck.Refused($"its 'sub' must be 1–{MaxSubjectLength} characters of letters, digits and _ - . @");
        }

        if (string.IsNullOrWhiteSpace(jwt.Id))
        {
            return AssertionCheck.Refused("it has no 'jti' (a unique id that makes each assertion single-use).");
        }

        if (jwt.Id.Length > 128)
        {
            return AssertionCheck.Refused("its 'jti' is longer than 128 characters.");
        }

        var upn = StringClaim(jwt, "upn");
        var email = StringClaim(jwt, "email");
        foreach (var (claim, value) in new[] { ("upn", upn), ("email", email) })
        {
            if (value is not null && !AddressPattern().IsMatch(value))
            {
                return AssertionCheck.Refused($"its '{claim}' is not an address like ana@contoso.com.");
            }
        }

        bool firstUse;
        try
        {
            firstUse = await replayGuard.TryUseAsync(settings.Issuer!, jwt.Id, jwt.ValidTo + settings.ClockSkew, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Failing open would let a stolen assertion be replayed; failing closed costs a retry.
            return new AssertionCheck(null, "the bot could not check that the assertion is used only once; try again shortly.", Unavailable: true);
        }

        if (!firstUse)
        {
            return AssertionCheck.Refused("it was already used (an assertion is single-use: mint a new one, with a new 'jti', per token request).");
        }

        var name = StringClaim(jwt, "name");
        if (name is { Length: > MaxNameLength })
        {
            name = name[..MaxNameLength].TrimEnd();
        }

        return new AssertionCheck(new IntranetUser(subject, name, upn ?? email ?? subject), null);
    }

    private string? CheckLifetime(JsonWebToken jwt, IntranetSignInOptions settings)
    {
        if (!jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Exp, out _))
        {
            return "it has no 'exp'.";
        }

        if (!jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Iat, out _))
        {
            return "it has no 'iat'.";
        }

        var now = timeProvider.GetUtcNow().UtcDateTime;
        var skew = settings.ClockSkew;
        if (now > jwt.ValidTo + skew)
        {
            return "it has expired.";
        }

        if (jwt.IssuedAt > now + skew)
        {
            return "it was issued in the future (check the intranet server's clock).";
        }

        if (jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Nbf, out _) && jwt.ValidFrom > now + skew)
        {
            return "it is not valid yet ('nbf').";
        }

        if (jwt.ValidTo - jwt.IssuedAt > settings.MaxAssertionLifetime)
        {
            return $"it lives longer than WebChat:Intranet:MaxAssertionLifetime ({settings.MaxAssertionLifetime}) from 'iat' to 'exp'.";
        }

        return null;
    }

    private static string WhyInvalid(Exception? exception) => exception switch
    {
        SecurityTokenInvalidAlgorithmException => "it is not signed with HS256.",
        SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException => "its signature does not match WebChat:Intranet:SigningKey (tampered with, or signed with another key).",
        SecurityTokenInvalidIssuerException => "its issuer ('iss') is not WebChat:Intranet:Issuer.",
        SecurityTokenInvalidAudienceException => "its audience ('aud') is not WebChat:Intranet:Audience.",
        SecurityTokenMalformedException or ArgumentException => "it is not a signed JWT (header.payload.signature).",
        _ => "it is not a valid assertion for this bot.",
    };

    private static string? StringClaim(JsonWebToken jwt, string name) =>
        jwt.TryGetPayloadValue<string>(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    [GeneratedRegex(@"^[A-Za-z0-9_\-.@]{1,55}$")]
    private static partial Regex SubjectPattern();

    [GeneratedRegex(@"^[^\s@<>""]{1,128}@[^\s@<>""]{1,128}$")]
    private static partial Regex AddressPattern();
}
