using System.Text.RegularExpressions;

namespace SupportBot.Skills.Conversation;

/// <summary>
/// Takes secrets out of text before it is stored, sent or logged: a password, a one-time code or a key typed in chat
/// never reaches a transcript, a ticket, a log or telemetry. It errs on the side of hiding too much.
/// </summary>
public static partial class Redactor
{
    public const string Mask = "[redacted]";

    public static string Redact(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        var redacted = SecretAfterKeyword().Replace(text, m => m.Groups["lead"].Value + Mask);
        redacted = CodeAfterKeyword().Replace(redacted, m => m.Groups["lead"].Value + Mask);
        redacted = KnownKeyFormats().Replace(redacted, Mask);
        redacted = LongTokens().Replace(redacted, m => LooksLikeSecret(m.Value) ? Mask : m.Value);
        return redacted;
    }

    /// <summary>True when <see cref="Redact"/> would change the text.</summary>
    public static bool ContainsSecret(string text) => !string.Equals(Redact(text), text, StringComparison.Ordinal);

    // A long run of letters, digits and symbols with several character classes: a key or token, not a word.
    private static bool LooksLikeSecret(string value)
    {
        // Ids people quote to IT (device ids, correlation ids) are not secrets.
        if (Guid.TryParse(value, out _))
        {
            return false;
        }

        if (value.Contains('@', StringComparison.Ordinal) || value.StartsWith("http", StringComparison.OrdinalIgnoreCase) ||
            value.Contains('/', StringComparison.Ordinal) || value.Contains('\\', StringComparison.Ordinal))
        {
            return false;
        }

        var classes = (value.Any(char.IsLower) ? 1 : 0) + (value.Any(char.IsUpper) ? 1 : 0) + (value.Any(char.IsDigit) ? 1 : 0);
        return classes >= 3 || (classes >= 2 && value.Length >= 32);
    }

    // "my password is Hunter2!", "pwd: x", "passcode = 1234", "the new password will be Spring2025!" — up to the next space.
    [GeneratedRegex(@"(?<lead>\b(?:pass(?:word|wd|code|phrase)?|pwd|pin|secret|api[\s_-]?key|access[\s_-]?key|token|client[\s_-]?secret)\b(?:\s+(?:is|was|will\s+be|=|:|to|now)){0,2}\s*[:=]?\s*[""']?)(?!(?:reset|expired|expires|expire|expiry|changed|change|policy|manager|for|of|on|in|and|or|the|my|a|an|it|this|that|is|was|not|no|doesn't|does|won't|isn't|keeps|stopped|has|have|had|needs|should|works|working|field|box|prompt|screen|page|please|again|anymore|to)\b)[^\s""']{3,}", RegexOptions.IgnoreCase)]
    private static partial Regex SecretAfterKeyword();

    // "the code is 123456", "OTP: 839201", "verification code 12 34 56".
    [GeneratedRegex(@"(?<lead>\b(?:code|otp|one[\s-]?time\s+(?:code|password)|verification(?:\s+code)?|mfa\s+code|2fa\s+code|authenticator\s+code)\b(?:\s+(?:is|was))?\s*[:=]?\s*)\d(?:[\s-]?\d){3,7}\b", RegexOptions.IgnoreCase)]
    private static partial Regex CodeAfterKeyword();

    // Well-known key shapes: OpenAI-style keys, AWS access keys, GitHub tokens, JWTs, private key blocks, connection strings' secrets.
    [GeneratedRegex(@"\bsk-[A-Za-z0-9_-]{16,}|\bAKIA[0-9A-Z]{16}\b|\bgh[pousr]_[A-Za-z0-9]{20,}|\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}|-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)|(?<=(?:AccountKey|SharedAccessKey|Password|Pwd)=)[^;\s]+", RegexOptions.IgnoreCase)]
    private static partial Regex KnownKeyFormats();

    [GeneratedRegex(@"[A-Za-z0-9+_=\-!$%*#]{20,}")]
    private static partial Regex LongTokens();
}
