using System.Globalization;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Data;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Detection;

/// <summary>
/// What analysts do to alerts. Each change is a conditional update (so the pipeline's grouping and another
/// analyst's change are never overwritten), audited in the same transaction, then sent to every analyst's screen.
/// What it refuses it throws (<see cref="NotFoundException"/>, <see cref="ConflictException"/>, <see cref="InvalidException"/>).
/// </summary>
public sealed class AlertTriage(ConsoleDbContext db, AuditTrail audit, AlertBroadcaster broadcaster, TimeProvider clock)
{
    public sealed record Transition(string Action, string To, IReadOnlyList<string> From, bool CommentRequired = false);

    public static readonly Transition Acknowledge = new(AuditActions.AlertAcknowledged, AlertStatuses.Acknowledged, [AlertStatuses.Open]);
    public static readonly Transition Resolve = new(AuditActions.AlertResolved, AlertStatuses.Resolved, [AlertStatuses.Open, AlertStatuses.Acknowledged]);
    public static readonly Transition FalsePositive =
        new(AuditActions.AlertFalsePositive, AlertStatuses.FalsePositive, [AlertStatuses.Open, AlertStatuses.Acknowledged], CommentRequired: true);
    public static readonly Transition Reopen = new(AuditActions.AlertReopened, AlertStatuses.Open, [AlertStatuses.Resolved, AlertStatuses.FalsePositive]);

    public async Task<AlertView> ApplyAsync(long id, Transition t, string? comment, string userId, CancellationToken ct)
    {
        comment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        if (t.CommentRequired && comment is null)
        {
            throw InvalidException.Field("comment", "Say why this is a false positive: it is how rules get tuned.");
        }
        var now = clock.GetUtcNow();
        var closes = t.To is AlertStatuses.Resolved or AlertStatuses.FalsePositive;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var from = await db.Alerts.Where(a => a.Id == id).Select(a => a.Status).FirstOrDefaultAsync(ct) ?? throw new NotFoundException();
        var updated = await db.Alerts.Where(a => a.Id == id && t.From.Contains(a.Status)).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.Status, t.To)
            .SetProperty(a => a.ClosedAt, closes ? (DateTimeOffset?)now : null)
            .SetProperty(a => a.ClosedBy, closes ? userId : (string?)null)
            .SetProperty(a => a.NoteCount, a => a.NoteCount + (comment == null ? 0 : 1))
            .SetProperty(a => a.UpdatedAt, now)
            .SetProperty(a => a.Version, a => a.Version + 1), ct);
        if (updated == 0)
        {
            var current = await db.Alerts.AsNoTracking().Where(a => a.Id == id).Select(a => a.Status).FirstAsync(ct);
            throw new ConflictException($"The alert is {current.Replace('_', ' ')}",
                $"Only a {string.Join(" or ", t.From.Select(s => s.Replace('_', ' ')))} alert can be {t.To.Replace('_', ' ')}.");
        }
        if (comment is not null)
        {
            db.AlertNotes.Add(new AlertNote { AlertId = id, AuthorUserId = userId, Text = comment, CreatedAt = now });
        }
        audit.Record(new AuditEvent(AuditCategories.Security, t.Action, "alert", Id(id), Data: new { from, to = t.To },
            Personal: comment is null ? null : new { comment }));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return await ChangedAsync(id, ct);
    }

    public async Task<AlertView> AssignAsync(long id, string? assigneeUserId, CancellationToken ct)
    {
        assigneeUserId = string.IsNullOrWhiteSpace(assigneeUserId) ? null : assigneeUserId.Trim();
        if (assigneeUserId is not null && !await MayTriageAsync(assigneeUserId, ct))
        {
            throw InvalidException.Field("assigneeUserId", "Must be the id of a person who may triage alerts (see GET /api/v1/alerts/assignees).");
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var before = await db.Alerts.Where(a => a.Id == id).Select(a => new { a.AssigneeUserId }).FirstOrDefaultAsync(ct) ?? throw new NotFoundException();
        if (before.AssigneeUserId == assigneeUserId)
        {
            return (await db.Alerts.AsNoTracking().Where(a => a.Id == id).ToViewsAsync(db, ct)).Single();
        }
        await db.Alerts.Where(a => a.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.AssigneeUserId, assigneeUserId)
            .SetProperty(a => a.UpdatedAt, clock.GetUtcNow())
            .SetProperty(a => a.Version, a => a.Version + 1), ct);
        audit.Record(new AuditEvent(AuditCategories.Security, assigneeUserId is null ? AuditActions.AlertUnassigned : AuditActions.AlertAssigned, "alert", Id(id),
            Data: new { from = before.AssigneeUserId, to = assigneeUserId }));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return await ChangedAsync(id, ct);
    }

    public async Task<AlertNoteView> AddNoteAsync(long id, string text, string userId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var updated = await db.Alerts.Where(a => a.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.NoteCount, a => a.NoteCount + 1)
            .SetProperty(a => a.UpdatedAt, now)
            .SetProperty(a => a.Version, a => a.Version + 1), ct);
        if (updated == 0)
        {
            throw new NotFoundException();
        }
        var note = new AlertNote { AlertId = id, AuthorUserId = userId, Text = text.Trim(), CreatedAt = now };
        db.AlertNotes.Add(note);
        await db.SaveChangesAsync(ct);
        // A note is free text a person wrote: personal data, outside the chain's clear part.
        audit.Record(new AuditEvent(AuditCategories.Security, AuditActions.AlertNoteAdded, "alert", Id(id), Data: new { noteId = note.Id }, Personal: new { text = note.Text }));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        await ChangedAsync(id, ct);
        var email = await db.Users.Where(u => u.Id == userId).Select(u => u.Email).FirstOrDefaultAsync(ct);
        return new AlertNoteView(note.Id, userId, email, note.Text, note.CreatedAt);
    }

    /// <summary>People who may be assigned alerts: those whose roles grant alerts:triage.</summary>
    public async Task<List<AlertAssignee>> AssigneesAsync(CancellationToken ct)
    {
        var rows = await (from ur in db.UserRoles
                          join r in db.Roles on ur.RoleId equals r.Id
                          join u in db.Users on ur.UserId equals u.Id
                          select new { u.Id, u.Email, Role = r.Name }).ToListAsync(ct);
        return [.. rows.Where(x => x.Role is not null && Roles.PermissionsOf(x.Role).Contains(Permissions.AlertsTriage))
            .GroupBy(x => x.Id).Select(g => new AlertAssignee(g.Key, g.First().Email ?? "")).OrderBy(a => a.Email, StringComparer.OrdinalIgnoreCase)];
    }

    private async Task<bool> MayTriageAsync(string userId, CancellationToken ct)
    {
        var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == userId select r.Name).ToListAsync(ct);
        return Roles.PermissionsOf(roles.OfType<string>()).Contains(Permissions.AlertsTriage);
    }

    /// <summary>The alert as it was written, read once: browsers are told and the caller answered with the same view.</summary>
    private async Task<AlertView> ChangedAsync(long id, CancellationToken ct)
    {
        var view = (await db.Alerts.AsNoTracking().Where(a => a.Id == id).ToViewsAsync(db, ct)).Single();
        await broadcaster.BroadcastAsync([view], ct);
        return view;
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
