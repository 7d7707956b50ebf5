using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace SupportBot.Bot.Channels.DirectLine;

/// <summary>
/// The intranet's sign-in for the embedded web chat (section <c>WebChat:Intranet</c>). The intranet's backend proves
/// who its signed-in user is with a short-lived HS256 assertion signed with a key only it and the bot know, so a
/// browser can't choose whom it chats as. Unset <see cref="SigningKey"/>: the integration is off.
/// </summary>
public sealed class IntranetSignInOptions
{
    public const string SectionName = "WebChat:Intranet";

    /// <summary>Base64 of at least 32 random bytes, shared with the intranet's backend (a secret: never in the repo).</summary>
    public string? SigningKey { get; set; }

    /// <summary>The <c>iss</c> the intranet puts in its assertions, e.g. <c>https://intranet.contoso.com</c>.</summary>
    public string? Issuer { get; set; }

    /// <summary>The <c>aud</c> the assertions must name: this bot.</summary>
    public string Audience { get; set; } = "supportbot";

    /// <summary>The longest an assertion may live from <c>iat</c> to <c>exp</c>; longer-lived ones are refused.</summary>
    [Range(typeof(TimeSpan), "00:00:30", "00:10:00")]
    public TimeSpan MaxAssertionLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How far the intranet's clock may be off from the bot's.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// With the integration on, what a browser gets without an assertion: <c>true</c> = a chat as a random guest
    /// (answers work, self-help actions don't); <c>false</c> = 401, only signed-in intranet users chat.
    /// </summary>
    public bool AllowGuests { get; set; } = true;

    public bool IsEnabled => !string.IsNullOrWhiteSpace(SigningKey);

    /// <summary>The decoded key; only call when <see cref="IsEnabled"/> and validated.</summary>
    internal byte[] KeyBytes() => Convert.FromBase64String(SigningKey!.Trim());
}

/// <summary>A half-configured intranet sign-in stops the bot at start-up, naming the setting to fix.</summary>
internal sealed class IntranetSignInOptionsValidator : IValidateOptions<IntranetSignInOptions>
{
    public const int MinKeyBytes = 32;

    public ValidateOptionsResult Validate(string? name, IntranetSignInOptions options)
    {
        if (!options.IsEnabled)
        {
            return ValidateOptionsResult.Success;
        }

        List<string> failures = [];
        byte[]? key = null;
        try
        {
            key = options.KeyBytes();
        }
        catch (FormatException)
        {
        }

        if (key is null || key.Length < MinKeyBytes)
        {
            failures.Add($"WebChat:Intranet:SigningKey must be base64 for at least {MinKeyBytes} random bytes (e.g. `openssl rand -base64 32`).");
        }

        if (string.IsNullOrWhiteSpace(options.Issuer))
        {
            failures.Add("WebChat:Intranet:Issuer is required with WebChat:Intranet:SigningKey: the 'iss' the intranet puts in its assertions.");
        }

        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            failures.Add("WebChat:Intranet:Audience must not be empty: the 'aud' the intranet's assertions name this bot with.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
