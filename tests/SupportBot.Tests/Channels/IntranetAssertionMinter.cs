using System.Security.Cryptography;
using System.Text;
using Newtonsoft.Json.Linq;

namespace SupportBot.Tests.Channels;

/// <summary>
/// What the intranet's backend does: signs a short-lived HS256 JWT naming its signed-in user. Written out by hand
/// (header.payload.signature, base64url, HMAC-SHA256) so the tests pin the wire format the README's sample uses, and
/// so they can forge what a real intranet never would.
/// </summary>
public sealed class IntranetAssertionMinter(byte[] key, string issuer, string audience, TimeProvider clock)
{
    public const string Issuer = "https://intranet.contoso.test";
    public const string Audience = "supportbot";

    /// <summary>A fresh random key, base64 as the bot's settings take it; never a constant in the repository.</summary>
    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(32);

    public static Dictionary<string, string?> SettingsFor(byte[] key) => new()
    {
        ["WebChat:Intranet:SigningKey"] = Convert.ToBase64String(key),
        ["WebChat:Intranet:Issuer"] = Issuer,
        ["WebChat:Intranet:Audience"] = Audience,
    };

    /// <summary>The claims of a good assertion for <paramref name="subject"/>; tests change or remove some.</summary>
    public JObject Claims(string subject = "e1f2a3b4-0001", string? name = "Adele Vance", string? upn = "AdeleV@contoso.com")
    {
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var claims = new JObject
        {
            ["iss"] = issuer,
            ["aud"] = audience,
            ["sub"] = subject,
            ["iat"] = now,
            ["exp"] = now + 120,
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        if (name is not null)
        {
            claims["name"] = name;
        }

        if (upn is not null)
        {
            claims["upn"] = upn;
        }

        return claims;
    }

    public string Mint(JObject? claims = null, string algorithm = "HS256", byte[]? signWith = null)
    {
        var header = Base64Url(new JObject { ["alg"] = algorithm, ["typ"] = "JWT" }.ToString(Newtonsoft.Json.Formatting.None));
        var payload = Base64Url((claims ?? Claims()).ToString(Newtonsoft.Json.Formatting.None));
        var signingInput = $"{header}.{payload}";
        var keyBytes = signWith ?? key;
        var signature = algorithm switch
        {
            "HS256" => HMACSHA256.HashData(keyBytes, Encoding.ASCII.GetBytes(signingInput)),
            "HS512" => HMACSHA512.HashData(keyBytes, Encoding.ASCII.GetBytes(signingInput)),
            "none" => [],
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
        };
        return $"{signingInput}.{Base64Url(signature)}";
    }

    public static string Base64Url(string text) => Base64Url(Encoding.UTF8.GetBytes(text));

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
