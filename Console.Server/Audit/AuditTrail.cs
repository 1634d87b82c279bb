using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Audit;

namespace SecurityConsole.Server.Audit;

/// <summary>
/// What a feature says happened. Actor, source IP and trace id come from the request.
/// Top-level <paramref name="Data"/> fields that are personal by name (email, ip, name, ...) are moved to
/// the encrypted personal part automatically; <paramref name="Personal"/> adds more (free text marked personal).
/// <paramref name="Subject"/> names the data subject ("user:&lt;id&gt;" or "email:&lt;address&gt;"); by default the target
/// user, else the email in the personal data, else the acting user. An entry has one subject: all its personal
/// data is encrypted under that subject's key and erased with it.
/// </summary>
public sealed record AuditEvent(
    string Category,
    string Action,
    string? TargetType = null,
    string? TargetId = null,
    string Outcome = AuditOutcomes.Success,
    object? Data = null,
    object? Personal = null,
    string? Subject = null);

public static class AuditCategories
{
    public const string Access = AuditCategoryNames.Access;
    public const string Admin = AuditCategoryNames.Admin;
    public const string Key = AuditCategoryNames.Key;
    public const string Security = AuditCategoryNames.Security;
    public const string Audit = AuditCategoryNames.Audit;
}

public static class AuditOutcomes
{
    public const string Success = "success";
    public const string Failure = "failure";
    public const string Denied = "denied";
}

/// <summary>
/// The one audit writer every feature uses. <see cref="Record"/> adds the entry to the caller's
/// DbContext, so it commits (or fails) in the same SaveChanges/transaction as the change it records;
/// <see cref="AuditChainInterceptor"/> chains, encrypts and locks at that SaveChanges.
/// </summary>
public sealed class AuditTrail(ConsoleDbContext db, Caller caller, TimeProvider clock)
{
    private static long s_ordinal;

    public AuditEntry Record(AuditEvent e, DateTimeOffset? at = null) => Write(caller.Current, e, at);

    /// <summary>
    /// For back-dated history only (demo data): an entry as <paramref name="actor"/> recorded it then, such as a sign-in
    /// by someone not yet signed in, from their address, which the scope's own caller (the console) is not.
    /// </summary>
    public AuditEntry RecordAs(Actor actor, AuditEvent e, DateTimeOffset at) => Write(actor, e, at);

    private AuditEntry Write(Actor actor, AuditEvent e, DateTimeOffset? at)
    {
        var (data, personal) = PersonalData.Split(e.Data, e.Personal);
        // A person's IP address is personal data; a service's or the console's is not.
        var personalIp = actor.Type is ActorTypes.User or ActorTypes.Anonymous;
        if (actor.SourceIp is { } ip && personalIp)
        {
            (personal ??= [])[PersonalData.SourceIpField] = ip;
        }
        var ordinal = Interlocked.Increment(ref s_ordinal);
        var entry = new AuditEntry
        {
            // A temporary, unique key until the interceptor assigns the real sequence.
            Sequence = -ordinal,
            Time = at ?? clock.GetUtcNow(),
            Category = e.Category,
            Action = e.Action,
            ActorType = actor.Type,
            ActorId = actor.Id,
            TargetType = e.TargetType,
            TargetId = e.TargetId,
            Outcome = e.Outcome,
            SourceIp = personalIp ? null : actor.SourceIp,
            CorrelationId = Activity.Current?.TraceId.ToString(),
            Data = data,
            PendingPersonal = personal,
            PendingSubject = personal is null ? null : e.Subject ?? DefaultSubject(e, actor, personal),
        };
        entry.Ordinal = ordinal;
        db.AuditEntries.Add(entry);
        return entry;
    }

    /// <summary>
    /// For back-dated history only (demo data): chains this context's unsaved entries in time order (recording order among
    /// equal times). Time never goes back along the chain, so an entry recorded after a later-dated one would take its time.
    /// </summary>
    public void ChainPendingInTimeOrder()
    {
        var pending = db.ChangeTracker.Entries<AuditEntry>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList();
        var ordinals = pending.Select(e => e.Ordinal).Order().ToArray();
        var i = 0;
        foreach (var entry in pending.OrderBy(e => e.Time).ThenBy(e => e.Ordinal).ToList())
        {
            entry.Ordinal = ordinals[i++];
        }
    }

    public static string UserSubject(string userId) => $"user:{userId}";

    public static string EmailSubject(string email) => $"email:{email.Trim().ToLowerInvariant()}";

    private static string DefaultSubject(AuditEvent e, Actor actor, JsonObject personal)
    {
        if (e.TargetType == "user" && !string.IsNullOrEmpty(e.TargetId))
        {
            return UserSubject(e.TargetId);
        }
        if (personal["email"] is JsonValue v && v.TryGetValue<string>(out var email) && !string.IsNullOrWhiteSpace(email))
        {
            return EmailSubject(email);
        }
        return actor.Type == ActorTypes.User ? UserSubject(actor.Id) : $"{actor.Type}:{actor.Id}";
    }
}
