using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Reports.Data;
using SecurityConsole.Server.Reports.Delivery;
using SecurityConsole.Server.Reports.Templates;
using SecurityConsole.Shared.Reports;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Server.Reports.Schedules;

/// <summary>What a schedule delivers to, as stored: the webhook secret only in its protected form.</summary>
public sealed record StoredDelivery(List<string> Emails, string? WebhookUrl, string? ProtectedWebhookSecret, bool InApp);

/// <summary>
/// A caller's schedules: created, replaced and deleted with an audit entry in the same save. The report, its parameters
/// and the caller's right to its data are checked as for a run; the cron and time zone are checked, naming the field;
/// a webhook must reach a public address (<see cref="WebhookTargets"/>).
/// </summary>
public sealed class ScheduleStore(
    ConsoleDbContext db, AuditTrail audit, TemplateStore templates, IDataProtectionProvider protection, WebhookTargets webhooks, ReportFilterChoices choices, TimeProvider clock)
{
    public const int NextRunsShown = 5;
    private readonly IDataProtector _secrets = protection.CreateProtector("SecurityConsole.Reports.WebhookSecret.v1");

    public async Task<List<ScheduleView>> ListAsync(string ownerUserId, CancellationToken ct) =>
        (await db.Set<ReportSchedule>().AsNoTracking().Where(s => s.OwnerUserId == ownerUserId).OrderBy(s => s.Name).ToListAsync(ct)).Select(View).ToList();

    public async Task<ScheduleView?> GetAsync(Guid id, string ownerUserId, CancellationToken ct) =>
        await db.Set<ReportSchedule>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == id && s.OwnerUserId == ownerUserId, ct) is { } row ? View(row) : null;

    /// <summary>Creates (<paramref name="id"/> null) or replaces a schedule; null with the fields at fault in <paramref name="v"/>, or when not found.</summary>
    public async Task<ScheduleView?> SaveAsync(Guid? id, ScheduleRequest request, string ownerUserId, IReadOnlySet<string> permissions, Validator v, CancellationToken ct)
    {
        var cron = ScheduleCron.Parse(request.Cron, request.TimeZone, v);
        var template = await templates.ResolveAsync(request.Template, request.Version, v, ct);
        if (template is not null)
        {
            if (!permissions.Contains(template.Type.Needs))
            {
                v.Add("template", $"A {template.Type.Title.ToLowerInvariant()} report reads data that needs {template.Type.Needs}, which you do not hold.");
            }
            // Presets stay presets ('last-month' means the month before each firing); the check is that they resolve now.
            ResolvedParameters.Resolve(template.Type, request.Parameters, clock.GetUtcNow(), v, choices.All);
        }
        if (request.Delivery?.WebhookUrl is { } url)
        {
            await webhooks.CheckAsync(url, "delivery.webhookUrl", v, ct);
        }
        if (cron is not null && cron.NextAfter(clock.GetUtcNow()) is null)
        {
            v.Add("cron", "This expression never fires again.");
        }
        var row = id is { } existing ? await db.Set<ReportSchedule>().FirstOrDefaultAsync(s => s.Id == existing && s.OwnerUserId == ownerUserId, ct) : null;
        if (id is not null && row is null)
        {
            return null;
        }
        var previous = row is null ? null : JsonSerializer.Deserialize<StoredDelivery>(row.Delivery);
        var delivery = request.Delivery ?? new ScheduleDeliveryRequest(null, null, null);
        // A secret left out of an edit keeps the stored one (it is write-only, so the editor cannot send it back); a
        // webhook with no stored secret needs one.
        if (delivery.WebhookUrl is not null && delivery.WebhookSecret is null && previous?.ProtectedWebhookSecret is null)
        {
            v.Add("delivery.webhookSecret", "A webhook needs a secret of 32 to 256 characters to sign its body with.");
        }
        if (!v.IsValid || cron is null)
        {
            return null;
        }
        var stored = new StoredDelivery((delivery.Emails ?? []).ToList(), delivery.WebhookUrl,
            delivery.WebhookUrl is null ? null : delivery.WebhookSecret is { } secret ? _secrets.Protect(secret) : previous?.ProtectedWebhookSecret, delivery.InApp);
        var now = clock.GetUtcNow();
        if (row is null)
        {
            row = new ReportSchedule
            {
                Id = Guid.NewGuid(), Name = "", Template = "", Format = "", Parameters = "", Cron = "", TimeZone = "", OwnerUserId = ownerUserId,
                Delivery = "", CreatedAt = now,
            };
            db.Add(row);
        }
        row.Name = request.Name.Trim();
        row.Template = request.Template;
        row.Version = request.Version;
        row.Format = request.Format ?? ReportFormats.Html;
        row.Parameters = JsonSerializer.Serialize(request.Parameters ?? new Dictionary<string, string>());
        row.Cron = request.Cron.Trim();
        row.TimeZone = request.TimeZone;
        row.Enabled = request.Enabled;
        row.SendIfEmpty = request.SendIfEmpty;
        row.Delivery = JsonSerializer.Serialize(stored);
        row.NextRunAt = request.Enabled ? cron.NextAfter(now) : null;
        audit.Record(new AuditEvent(AuditCategories.Admin, id is null ? AuditActions.ReportScheduleCreated : AuditActions.ReportScheduleUpdated, "report_schedule", row.Id.ToString(),
            Data: new
            {
                name = row.Name, template = row.Template, version = row.Version, format = row.Format, cron = row.Cron, timeZone = row.TimeZone, enabled = row.Enabled,
                emails = stored.Emails.Count, webhook = stored.WebhookUrl is not null, inApp = stored.InApp,
            }));
        await db.SaveChangesAsync(ct);
        return View(row);
    }

    public async Task<bool> DeleteAsync(Guid id, string ownerUserId, CancellationToken ct)
    {
        var row = await db.Set<ReportSchedule>().FirstOrDefaultAsync(s => s.Id == id && s.OwnerUserId == ownerUserId, ct);
        if (row is null)
        {
            return false;
        }
        db.Remove(row);
        audit.Record(new AuditEvent(AuditCategories.Admin, AuditActions.ReportScheduleDeleted, "report_schedule", id.ToString(), Data: new { name = row.Name }));
        await db.SaveChangesAsync(ct);
        return true;
    }

    public string? WebhookSecret(StoredDelivery delivery) => delivery.ProtectedWebhookSecret is { } p ? _secrets.Unprotect(p) : null;

    public static StoredDelivery DeliveryOf(ReportSchedule row) => JsonSerializer.Deserialize<StoredDelivery>(row.Delivery)!;

    private ScheduleView View(ReportSchedule row)
    {
        var cron = ScheduleCron.Parse(row.Cron, row.TimeZone, new Validator());
        var delivery = DeliveryOf(row);
        var next = row.Enabled && cron is not null ? cron.Next(clock.GetUtcNow(), NextRunsShown) : [];
        return new ScheduleView(row.Id, row.Name, row.Template, row.Version, row.Format,
            JsonSerializer.Deserialize<Dictionary<string, string>>(row.Parameters) ?? [], row.Cron, row.TimeZone, row.Enabled, row.SendIfEmpty,
            new ScheduleDeliveryView(delivery.Emails, delivery.WebhookUrl, delivery.InApp), row.LastFiredAt, next);
    }
}
