using Microsoft.Extensions.Options;

namespace SupportBot.Bot.Hosting;

/// <summary>Refuses to start an anonymous bot in Production unless it is explicitly allowed.</summary>
internal sealed class BotCredentialsValidator(IHostEnvironment environment, IOptions<BotOptions> botOptions)
    : IValidateOptions<BotCredentialsOptions>
{
    public ValidateOptionsResult Validate(string? name, BotCredentialsOptions options)
    {
        if (options.IsAnonymous && environment.IsProduction() && !botOptions.Value.AllowAnonymousInProduction)
        {
            return ValidateOptionsResult.Fail(
                "MicrosoftAppId is not set, so the bot would accept unauthenticated requests, and this is the " +
                "Production environment. Set MicrosoftAppId (with MicrosoftAppPassword or a managed identity), " +
                "or set Bot:AllowAnonymousInProduction=true if you really mean to run without authentication.");
        }

        if (!options.IsAnonymous && !Guid.TryParse(options.MicrosoftAppId, out _))
        {
            return ValidateOptionsResult.Fail(
                $"MicrosoftAppId must be the bot's Entra ID application (client) id, a GUID; got '{options.MicrosoftAppId}'.");
        }

        return ValidateOptionsResult.Success;
    }
}
