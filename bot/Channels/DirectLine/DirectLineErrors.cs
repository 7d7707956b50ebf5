namespace SupportBot.Bot.Channels.DirectLine;

/// <summary>Errors in Direct Line 3.0's shape (<c>{"error":{"code","message"}}</c>), which Direct Line clients understand.</summary>
internal static class DirectLineErrors
{
    public static IResult Error(int status, string code, string message) =>
        TypedResults.Json(new { error = new { code, message } }, statusCode: status);

    public static IResult MissingToken() =>
        Error(StatusCodes.Status401Unauthorized, "MissingToken", "Send a Direct Line token as 'Authorization: Bearer <token>'. Get one from POST /api/directline/token.");

    public static IResult BadToken(TokenProblem problem) => problem switch
    {
        TokenProblem.Missing => MissingToken(),
        TokenProblem.Expired => Error(StatusCodes.Status403Forbidden, "TokenExpired", "The Direct Line token has expired. Get a new one from POST /api/directline/token."),
        _ => Error(StatusCodes.Status403Forbidden, "BadToken", "The Direct Line token is not valid for this bot."),
    };

    public static IResult OtherConversation() =>
        Error(StatusCodes.Status403Forbidden, "TokenNotForConversation", "This token belongs to another conversation.");

    public static IResult UnknownConversation(string conversationId) =>
        Error(StatusCodes.Status404NotFound, "ConversationNotFound", $"There is no conversation '{Shorten(conversationId)}' on this channel (it may have expired). Start a new one.");

    public static IResult BadWatermark() =>
        Error(StatusCodes.Status400BadRequest, "BadArgument", "The watermark must be a number this conversation returned earlier (or empty for everything).");

    public static IResult Disabled() =>
        Error(StatusCodes.Status404NotFound, "LocalChannelDisabled", "The local Direct Line channel runs only when the bot has no MicrosoftAppId (local development). Use Azure Direct Line.");

    public static string Shorten(string value) => value.Length <= 64 ? value : value[..64] + "…";
}
