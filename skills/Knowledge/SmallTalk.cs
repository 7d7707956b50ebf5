using System.Text.RegularExpressions;

namespace SupportBot.Skills.Knowledge;

public enum SmallTalkKind
{
    Greeting,
    Thanks,
    Capabilities,
    AreYouABot,
    Goodbye,
}

/// <summary>Recognises greetings, thanks, "what can you do?" and "are you a bot?" so they get a short, honest reply.</summary>
public static partial class SmallTalk
{
    public static SmallTalkKind? Recognise(string text)
    {
        var t = Normalise().Replace(text.ToLowerInvariant(), " ").Trim();
        if (t.Length == 0 || t.Length > 60)
        {
            return null;
        }

        if (Bot().IsMatch(t))
        {
            return SmallTalkKind.AreYouABot;
        }

        if (Capabilities().IsMatch(t))
        {
            return SmallTalkKind.Capabilities;
        }

        if (Thanks().IsMatch(t))
        {
            return SmallTalkKind.Thanks;
        }

        if (Goodbye().IsMatch(t))
        {
            return SmallTalkKind.Goodbye;
        }

        return Greeting().IsMatch(t) ? SmallTalkKind.Greeting : null;
    }

    [GeneratedRegex(@"[^a-z0-9' ]+")]
    private static partial Regex Normalise();

    [GeneratedRegex(@"^(hi|hello|hey|hiya|howdy|yo|good (morning|afternoon|evening)|morning|afternoon|greetings)( there| team| bot| supportbot)?( how are you)?$")]
    private static partial Regex Greeting();

    [GeneratedRegex(@"^(thanks|thank you|thx|ty|cheers|great thanks|thanks a lot|thank you so much|many thanks|perfect thanks|awesome thanks|brilliant thanks|that's great thanks)( (so much|a lot|again|very much))?$")]
    private static partial Regex Thanks();

    [GeneratedRegex(@"^(bye|goodbye|see you|see ya|cya|that's all|that is all|nothing else)( thanks| for now)?$")]
    private static partial Regex Goodbye();

    [GeneratedRegex(@"^(what can you do|what do you do|how can you help( me)?|what can you help (me )?with|help|menu|what are you for|what can i ask( you)?|what do you know)$")]
    private static partial Regex Capabilities();

    [GeneratedRegex(@"^(are you (a |an )?(bot|robot|human|real|real person|person|ai|machine|computer)|am i (talking|chatting|speaking) (to|with) (a )?(bot|human|person|real person|robot|machine)|is this (a )?(bot|human|real person|robot))$")]
    private static partial Regex Bot();
}
