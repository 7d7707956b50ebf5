namespace SupportBot.Bot.State;

/// <summary>A write carried an ETag that no longer matches the stored item: someone else wrote it first.</summary>
public sealed class EtagConflictException(string key)
    : Exception($"ETag conflict: '{key}' was changed by another writer since it was read.")
{
    public string Key { get; } = key;
}
