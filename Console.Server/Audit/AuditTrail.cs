using System.Diagnostics;
using System.Text.Json;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Security;

namespace SecurityConsole.Server.Audit;

/// <summary>What a feature says happened. Actor, source IP and trace id come from the request.</summary>
public sealed record AuditEvent(
    string Category,
    string Action,
    string? TargetType = null,
    string? TargetId = null,
    string Outcome = AuditOutcomes.Success,
    object? Data = null);

public static class AuditCategories
{
    public const string Access = "access";
    public const string Admin = "admin";
    public const string Key = "key";
    public const string Security = "security";
    public const string Audit = "audit";
}

public static class AuditOutcomes
{
    public const string Success = "success";
    public const string Failure = "failure";
    public const string Denied = "denied";
}

/// <summary>
/// The one audit writer every feature uses. <see cref="Record"/> adds the entry to the caller's
/// DbContext, so it commits (or fails) in the same SaveChanges/transaction as the change it records.
/// </summary>
public sealed class AuditTrail(ConsoleDbContext db, IActorAccessor actors, TimeProvider clock)
{
    public AuditEntry Record(AuditEvent e, DateTimeOffset? at = null)
    {
        var actor = actors.Current;
        var entry = new AuditEntry
        {
            Time = at ?? clock.GetUtcNow(),
            Category = e.Category,
            Action = e.Action,
            ActorType = actor.Type,
            ActorId = actor.Id,
            TargetType = e.TargetType,
            TargetId = e.TargetId,
            Outcome = e.Outcome,
            SourceIp = actor.SourceIp,
            CorrelationId = Activity.Current?.TraceId.ToString(),
            Data = e.Data is null ? null : JsonSerializer.Serialize(e.Data, JsonSerializerOptions.Web),
        };
        db.AuditEntries.Add(entry);
        return entry;
    }
}
