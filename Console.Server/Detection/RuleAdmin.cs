using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Detection.Rules;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Server.Detection;

/// <summary>Detection rules as data: listed with how often they fired, changed with validation, each change audited and live within seconds on every node.</summary>
public sealed class RuleAdmin(ConsoleDbContext db, AuditTrail audit, Caller caller, DetectionPipeline pipeline, TimeProvider clock)
{
    public async Task<List<DetectionRuleView>> ListAsync(CancellationToken ct)
    {
        var rules = await db.DetectionRules.AsNoTracking().OrderBy(r => r.Name).ToListAsync(ct);
        var active = await db.Alerts.AsNoTracking().Where(a => a.Status == AlertStatuses.Open || a.Status == AlertStatuses.Acknowledged)
            .GroupBy(a => a.RuleId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        return [.. rules.Select(r => View(r, active.GetValueOrDefault(r.Id)))];
    }

    public async Task<DetectionRuleView?> GetAsync(string id, CancellationToken ct)
    {
        var rule = await db.DetectionRules.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
        return rule is null ? null : View(rule, await ActiveAlertsAsync(id, ct));
    }

    public async Task<DetectionRuleView> UpdateAsync(string id, DetectionRuleUpdate body, CancellationToken ct)
    {
        var rule = await db.DetectionRules.FirstOrDefaultAsync(r => r.Id == id, ct) ?? throw new NotFoundException();
        string? parameters = null;
        if (body.Parameters is { } json)
        {
            var v = new Validator();
            if (RuleParameters.Parse(rule.Type, json, v) is not { } parsed)
            {
                throw new InvalidException(v);
            }
            parameters = RuleParameters.Serialize(parsed);
        }
        var changes = new Dictionary<string, object?>();
        void Change<T>(string field, T current, T next, Action<T> set)
        {
            if (!EqualityComparer<T>.Default.Equals(current, next))
            {
                changes[field] = new { from = current, to = next };
                set(next);
            }
        }
        if (body.Name is { } name)
        {
            Change("name", rule.Name, name.Trim(), v => rule.Name = v);
        }
        if (body.Description is { } description)
        {
            Change("description", rule.Description, description.Trim(), v => rule.Description = v);
        }
        if (body.Severity is { } severity)
        {
            Change("severity", rule.Severity, severity, v => rule.Severity = v);
        }
        if (body.Enabled is { } enabled)
        {
            Change("enabled", rule.Enabled, enabled, v => rule.Enabled = v);
        }
        if (body.WindowSeconds is { } window)
        {
            Change("windowSeconds", rule.WindowSeconds, window, v => rule.WindowSeconds = v);
        }
        if (body.GroupingSeconds is { } grouping)
        {
            Change("groupingSeconds", rule.GroupingSeconds, grouping, v => rule.GroupingSeconds = v);
        }
        if (parameters is not null && parameters != rule.Parameters)
        {
            changes["parameters"] = new { from = AlertViews.Json(rule.Parameters), to = AlertViews.Json(parameters) };
            rule.Parameters = parameters;
        }
        if (changes.Count > 0)
        {
            rule.Version++;
            rule.UpdatedAt = clock.GetUtcNow();
            rule.UpdatedBy = ActorName();
            audit.Record(new AuditEvent(AuditCategories.Admin, AuditActions.DetectionRuleUpdated, "detection_rule", rule.Id, Data: new { changes, version = rule.Version }));
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            try
            {
                await db.SaveChangesAsync(ct);
                await RulesGeneration.BumpAsync(db, ct);
                await tx.CommitAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                throw new ConflictException("The rule was changed at the same time", "Reload the rule and apply your change again.");
            }
            pipeline.RulesChanged();
        }
        return View(rule, await ActiveAlertsAsync(id, ct));
    }

    public async Task<DetectionRuleView> CreateAsync(DetectionRuleCreate body, CancellationToken ct)
    {
        if (await db.DetectionRules.AnyAsync(r => r.Id == body.Id, ct))
        {
            throw new ConflictException("A rule with this id exists", $"Choose another id, or change rule '{body.Id}' with PUT.")
            {
                Extensions = new Dictionary<string, object?> { ["field"] = "id" },
            };
        }
        var parameters = RuleParameters.Parse(body.Type, body.Parameters, new Validator())!;
        var rule = new DetectionRule
        {
            Id = body.Id,
            Name = body.Name.Trim(),
            Description = body.Description?.Trim() ?? "",
            Type = body.Type,
            Parameters = RuleParameters.Serialize(parameters),
            Severity = body.Severity,
            Enabled = body.Enabled,
            WindowSeconds = body.WindowSeconds,
            GroupingSeconds = body.GroupingSeconds,
            UpdatedAt = clock.GetUtcNow(),
            UpdatedBy = ActorName(),
            Version = 1,
        };
        db.DetectionRules.Add(rule);
        audit.Record(new AuditEvent(AuditCategories.Admin, AuditActions.DetectionRuleCreated, "detection_rule", rule.Id,
            Data: new { rule.Type, rule.Severity, rule.Enabled, rule.WindowSeconds, rule.GroupingSeconds, parameters = AlertViews.Json(rule.Parameters) }));
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await db.SaveChangesAsync(ct);
            await RulesGeneration.BumpAsync(db, ct);
            await tx.CommitAsync(ct);
        }
        pipeline.RulesChanged();
        return View(rule, 0);
    }

    /// <summary>
    /// Deletes a rule an admin created, with what it learned; audited. Built-in rules are only ever disabled (they
    /// would come back on the next start). Its alerts stay, named by the rule's id.
    /// </summary>
    public async Task DeleteAsync(string id, CancellationToken ct)
    {
        if (IsBuiltIn(id))
        {
            throw new ConflictException("Built-in rules cannot be deleted", $"Switch '{id}' off instead: PUT /api/v1/rules/{id} with enabled false.");
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var rule = await db.DetectionRules.FirstOrDefaultAsync(r => r.Id == id, ct)
            ?? throw new NotFoundException("No such rule", $"There is no rule '{id}'.");
        db.DetectionRules.Remove(rule);
        await db.EntityBaselines.Where(b => b.RuleId == id).ExecuteDeleteAsync(ct);
        audit.Record(new AuditEvent(AuditCategories.Admin, AuditActions.DetectionRuleDeleted, "detection_rule", rule.Id,
            Data: new { rule.Name, rule.Type, rule.Severity, rule.Enabled, rule.FiredCount, parameters = AlertViews.Json(rule.Parameters) }));
        await db.SaveChangesAsync(ct);
        await RulesGeneration.BumpAsync(db, ct);
        await tx.CommitAsync(ct);
        pipeline.RulesChanged();
    }

    public static bool IsBuiltIn(string id) => BuiltInRules.All.Any(s => s.Id == id);

    /// <summary>Adds the built-in rules a database does not have yet; an admin's changes to existing ones are kept.</summary>
    public static async Task SeedAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAs(Actor.System("detection"));
        var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
        var audit = scope.ServiceProvider.GetRequiredService<AuditTrail>();
        var now = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow();
        var existing = await db.DetectionRules.Select(r => r.Id).ToListAsync(ct);
        var missing = BuiltInRules.All.Where(s => !existing.Contains(s.Id)).ToList();
        if (missing.Count == 0)
        {
            return;
        }
        foreach (var seed in missing)
        {
            db.DetectionRules.Add(new DetectionRule
            {
                Id = seed.Id,
                Name = seed.Name,
                Description = seed.Description,
                Type = seed.Type,
                Parameters = RuleParameters.Serialize(seed.Parameters),
                Severity = seed.Severity,
                Enabled = true,
                WindowSeconds = seed.WindowSeconds,
                GroupingSeconds = seed.GroupingSeconds,
                UpdatedAt = now,
                UpdatedBy = "system:detection",
                Version = 1,
            });
        }
        audit.Record(new AuditEvent(AuditCategories.Admin, AuditActions.DetectionRulesSeeded, "detection_rule", null, Data: new { rules = missing.Select(s => s.Id) }));
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await db.SaveChangesAsync(ct);
            await RulesGeneration.BumpAsync(db, ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another node seeded them at the same moment.
        }
    }

    private Task<int> ActiveAlertsAsync(string id, CancellationToken ct) =>
        db.Alerts.CountAsync(a => a.RuleId == id && (a.Status == AlertStatuses.Open || a.Status == AlertStatuses.Acknowledged), ct);

    private string ActorName()
    {
        var actor = caller.Current;
        return $"{actor.Type}:{actor.Id}";
    }

    private static DetectionRuleView View(DetectionRule r, int activeAlerts) => new(
        r.Id, r.Name, r.Description, r.Type, r.Severity, r.Enabled, r.WindowSeconds, r.GroupingSeconds, AlertViews.Json(r.Parameters)!.Value,
        r.FiredCount, r.LastFiredAt, activeAlerts, r.UpdatedAt, r.UpdatedBy, r.Version, IsBuiltIn(r.Id));
}
