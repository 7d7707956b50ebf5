using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;

namespace SupportBot.Skills.SelfHelp;

/// <summary>How an action attempt ended.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AuditOutcome>))]
public enum AuditOutcome
{
    /// <summary>Read-only action answered, or a confirmed action ran.</summary>
    Succeeded,

    /// <summary>A confirmation card was shown; nothing ran yet.</summary>
    AwaitingConfirmation,

    /// <summary>The caller cancelled on the card.</summary>
    Cancelled,

    /// <summary>Not allowed: someone else's account, guest, switched off, bad or stale confirmation.</summary>
    Refused,

    /// <summary>Allowed, but the directory or device service failed.</summary>
    Failed,

    /// <summary>Needs a person: approval, a missing licence, an MFA change.</summary>
    NeedsTechnician,
}

/// <summary>One line of the audit log. Ids and outcomes only: never a password, token or message text.</summary>
public sealed record AuditEntry(
    DateTimeOffset Time,
    string CorrelationId,
    string Actor,
    string Channel,
    string Action,
    string? Target,
    AuditOutcome Outcome,
    string? Reason);

/// <summary>The append-only record of every self-help action attempt.</summary>
public interface IAuditLog
{
    Task WriteAsync(AuditEntry entry, CancellationToken cancellationToken);
}

/// <summary>
/// JSON lines appended to a file (opened for append only, flushed per entry). Ship it to your SIEM or Log Analytics;
/// the bot never rewrites or truncates it.
/// </summary>
public sealed class FileAuditLog(string path, ILogger<FileAuditLog> logger) : IAuditLog, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly SemaphoreSlim _gate = new(1, 1);

    public string Path { get; } = path;

    public async Task WriteAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        logger.LogInformation(
            "Self-help {Action} by {Actor} on {Target}: {Outcome} {Reason} ({CorrelationId})",
            entry.Action, entry.Actor, entry.Target, entry.Outcome, entry.Reason, entry.CorrelationId);
        var line = JsonSerializer.Serialize(entry, Json) + "\n";

        // The audit line is written even when the turn was cancelled: the attempt happened.
        await _gate.WaitAsync(CancellationToken.None);
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
            await using var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            await using var writer = new StreamWriter(stream);
            await writer.WriteAsync(line);
            await writer.FlushAsync(CancellationToken.None);
        }
        catch (IOException ex)
        {
            // Losing an audit line must be loud; it must not take the answer away from the caller.
            logger.LogError(ex, "Could not append to the self-help audit log {AuditLog}", Path);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
