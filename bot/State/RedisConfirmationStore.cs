using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using SupportBot.Skills.SelfHelp;

namespace SupportBot.Bot.State;

/// <summary>
/// Pending confirmations in Redis, so a card sent by one instance can be confirmed through another. "Used" is set
/// with HSETNX: of two clicks racing on two instances, exactly one wins.
/// </summary>
public sealed class RedisConfirmationStore(IConnectionMultiplexer redis, IOptions<StateOptions> options, TimeProvider time) : IConfirmationStore
{
    // Kept a while past expiry, so a late click hears "expired" rather than "unknown".
    private static readonly TimeSpan Grace = TimeSpan.FromHours(1);

    public async Task SaveAsync(PendingConfirmation pending, CancellationToken cancellationToken)
    {
        var key = Key(pending.Token);
        var db = redis.GetDatabase();
        await db.HashSetAsync(key, [new HashEntry("pending", JsonSerializer.Serialize(pending, JsonSerializerOptions.Web))]).WaitAsync(cancellationToken);
        await db.KeyExpireAsync(key, pending.ExpiresAt - time.GetUtcNow() + Grace).WaitAsync(cancellationToken);
    }

    public async Task<(PendingConfirmation Pending, bool Used)?> FindAsync(string token, CancellationToken cancellationToken)
    {
        var fields = await redis.GetDatabase().HashGetAsync(Key(token), ["pending", "used"]).WaitAsync(cancellationToken);
        return fields[0].IsNullOrEmpty
            ? null
            : (JsonSerializer.Deserialize<PendingConfirmation>((string)fields[0]!, JsonSerializerOptions.Web)!, !fields[1].IsNullOrEmpty);
    }

    // Only an existing confirmation can be used; HSETNX on a vanished key would create one that never expires.
    private const string UseScript = """
        if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('HSETNX', KEYS[1], 'used', ARGV[1]) end
        return 0
        """;

    public async Task<bool> TryUseAsync(string token, CancellationToken cancellationToken) =>
        (int)await redis.GetDatabase().ScriptEvaluateAsync(UseScript, [Key(token)], [time.GetUtcNow().ToString("O")]).WaitAsync(cancellationToken) == 1;

    private RedisKey Key(string token) => $"{options.Value.KeyPrefix}confirm:{token}";
}
