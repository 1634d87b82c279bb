using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Data;
using SecurityConsole.Shared.Compliance;

namespace SecurityConsole.Server.Compliance;

/// <summary>
/// The reads the pages and the API show: per framework the two numbers (pass rate of evaluated requirements, automated
/// coverage), counts by status, the trend and heat-map from the results history, and the drill-down to failing rows.
/// </summary>
public sealed class ComplianceViews(ConsoleDbContext db, ComplianceCatalogue catalogue, ComplianceSettings settings, TimeProvider clock)
{
    public const int FailingFirstCount = 15;

    public async Task<ComplianceOverview> OverviewAsync(int days, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var enabled = (await settings.GetAsync(ct)).Enabled;
        var snapshot = await ComplianceSnapshot.LoadAsync(db, now, ct);
        var history = await HistoryAsync(now, days, ct);
        var summaries = catalogue.Frameworks.Where(f => enabled.Contains(f.Id))
            .Select(f => Summary(f, true, snapshot, history, now, days, FailingFirstCount)).ToList();
        return new ComplianceOverview(ComplianceScope.Statement, now, summaries);
    }

    public async Task<IReadOnlyList<FrameworkState>> FrameworksAsync(CancellationToken ct)
    {
        var enabled = (await settings.GetAsync(ct)).Enabled;
        return [.. catalogue.Frameworks.Select(f => new FrameworkState(f.Id, f.Name, f.Version, enabled.Contains(f.Id)))];
    }

    public async Task<FrameworkDetail?> FrameworkAsync(string id, int days, CancellationToken ct)
    {
        if (catalogue.Framework(id) is not { } framework)
        {
            return null;
        }
        var now = clock.GetUtcNow();
        var enabled = (await settings.GetAsync(ct)).Enabled.Contains(id);
        var snapshot = await ComplianceSnapshot.LoadAsync(db, now, ct);
        var summary = Summary(framework, enabled, snapshot, await HistoryAsync(now, days, ct), now, days, int.MaxValue);
        return new FrameworkDetail(summary, [.. framework.Requirements.Select(r => Requirement(framework, r, snapshot.ControlStatus))]);
    }

    public async Task<RequirementDetail?> RequirementAsync(string frameworkId, string requirementId, CancellationToken ct)
    {
        if (catalogue.Framework(frameworkId) is not { } framework || framework.Find(requirementId) is not { } requirement)
        {
            return null;
        }
        var snapshot = await ComplianceSnapshot.LoadAsync(db, clock.GetUtcNow(), ct);
        var controls = new List<ControlView>();
        foreach (var control in catalogue.ControlsOf(frameworkId, requirementId))
        {
            controls.Add(await ControlViewAsync(control, snapshot, ct));
        }
        return new RequirementDetail(framework.Id, framework.Name, Requirement(framework, requirement, snapshot.ControlStatus), controls, ComplianceScope.Statement);
    }

    public async Task<ControlView?> ControlAsync(string id, CancellationToken ct) =>
        catalogue.Control(id) is { } control ? await ControlViewAsync(control, await ComplianceSnapshot.LoadAsync(db, clock.GetUtcNow(), ct), ct) : null;

    private async Task<ControlView> ControlViewAsync(Control control, ComplianceSnapshot snapshot, CancellationToken ct)
    {
        var states = await db.ComplianceCheckStates.AsNoTracking().Where(s => control.Checks.Contains(s.CheckId)).ToDictionaryAsync(s => s.CheckId, ct);
        var checks = control.Checks.Select(id => states.GetValueOrDefault(id) is { } s
            ? new CheckResultView(id, Title(id), s.Status, s.EvaluatedAt, s.Error, s.LastGoodStatus, s.LastGoodAt, s.Passing, s.Failing,
                [.. ControlAggregation.Rows(s.Rows).OrderByDescending(r => ComplianceStatuses.Rank(r.Status))])
            : new CheckResultView(id, Title(id), ComplianceStatuses.Error, null, "Not evaluated yet.", null, null, 0, 0, [])).ToList();
        return new ControlView(control.Id, control.Title, control.Description, snapshot.ControlStatus(control), control.Automated, control.Mappings, checks);
    }

    public async Task<ControlEffectiveness?> EffectivenessAsync(string id, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        if (catalogue.Control(id) is not { } control)
        {
            return null;
        }
        var changes = await db.ComplianceEvidence.AsNoTracking()
            .Where(e => e.Kind == EvidenceKinds.StatusChange && e.Subject == id && e.At < to)
            .OrderBy(e => e.At).ThenBy(e => e.Id)
            .Select(e => new { e.Subject, e.Status, e.At }).ToListAsync(ct);
        var history = new ControlHistory(catalogue, [.. changes.Select(c => (c.Subject, c.Status ?? ComplianceStatuses.Error, c.At))]);
        return Effectiveness.Compute(control, history, from, to);
    }

    private string Title(string checkId) => catalogue.Controls.FirstOrDefault(c => c.Checks.Contains(checkId)) is { } c && c.Checks.Count == 1 ? c.Title : checkId;

    private RequirementView Requirement(Framework framework, Requirement r, Func<Control, string> statusOf)
    {
        var controls = catalogue.ControlsOf(framework.Id, r.Id);
        var status = r.Assessable
            ? ControlAggregation.RequirementStatus(controls.Select(statusOf))
            : ComplianceStatuses.Worst(framework.Requirements.Where(x => x.Assessable && IsBelow(framework, x, r.Id))
                .Select(x => ControlAggregation.RequirementStatus(catalogue.ControlsOf(framework.Id, x.Id).Select(statusOf))));
        return new RequirementView(r.Id, r.Parent, r.Title, r.Link ?? framework.Link, r.Assessable, status, controls.Any(c => c.Automated), [.. controls.Select(c => c.Id)]);
    }

    private static bool IsBelow(Framework framework, Requirement r, string ancestor)
    {
        for (var p = r.Parent; p is not null; p = framework.Find(p)?.Parent)
        {
            if (p == ancestor)
            {
                return true;
            }
        }
        return false;
    }

    private FrameworkSummary Summary(Framework f, bool enabled, ComplianceSnapshot snapshot, ControlHistory history, DateTimeOffset now, int days, int failingCount)
    {
        var assessable = f.Requirements.Where(r => r.Assessable).ToList();
        var views = assessable.Select(r => Requirement(f, r, snapshot.ControlStatus)).ToList();
        var evaluated = views.Count(v => ComplianceStatuses.IsEvaluated(v.Status));
        var passing = views.Count(v => ComplianceStatuses.IsPassing(v.Status));
        var automated = views.Count(v => v.Automated);
        var counts = ComplianceStatuses.All.ToDictionary(s => s, s => views.Count(v => v.Status == s));
        var trend = new List<TrendPoint>();
        var heat = new List<HeatmapCell>();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        for (var day = today.AddDays(1 - days); day <= today; day = day.AddDays(1))
        {
            var end = day == today ? now : new DateTimeOffset(day.ToDateTime(TimeOnly.MaxValue), TimeSpan.Zero);
            var statuses = assessable.ToDictionary(r => r.Id, r => history.RequirementAt(f, r.Id, end));
            var dayEvaluated = statuses.Values.Count(s => s is not null && ComplianceStatuses.IsEvaluated(s));
            var dayPassing = statuses.Values.Count(s => s is not null && ComplianceStatuses.IsPassing(s));
            trend.Add(new TrendPoint(day, dayEvaluated == 0 ? null : (double)dayPassing / dayEvaluated, dayEvaluated, dayPassing));
            foreach (var family in f.Families)
            {
                var inFamily = assessable.Where(r => r.Family == family).Select(r => statuses[r.Id]).Where(s => s is not null && ComplianceStatuses.IsEvaluated(s)).ToList();
                heat.Add(new HeatmapCell(family, day, inFamily.Count == 0 ? null : (double)inFamily.Count(s => ComplianceStatuses.IsPassing(s!)) / inFamily.Count));
            }
        }
        var failingFirst = views.Where(v => v.Status != ComplianceStatuses.NotApplicable)
            .OrderByDescending(v => ComplianceStatuses.Rank(v.Status)).ThenBy(v => v.Id, StringComparer.Ordinal).Take(failingCount).ToList();
        return new FrameworkSummary(f.Id, f.Name, f.Version, f.Link, enabled, evaluated == 0 ? null : (double)passing / evaluated, evaluated, passing,
            assessable.Count, assessable.Count == 0 ? 0 : (double)automated / assessable.Count, automated, counts, trend, f.Families, heat, failingFirst,
            [.. f.Families.Select(id => new RequirementFamily(id, f.Find(id)?.Title ?? id))]);
    }

    private async Task<ControlHistory> HistoryAsync(DateTimeOffset now, int days, CancellationToken ct)
    {
        var changes = await db.ComplianceEvidence.AsNoTracking()
            .Where(e => e.Kind == EvidenceKinds.StatusChange)
            .OrderBy(e => e.At).ThenBy(e => e.Id)
            .Select(e => new { e.Subject, e.Status, e.At }).ToListAsync(ct);
        return new ControlHistory(catalogue, changes.Select(c => (c.Subject, c.Status ?? ComplianceStatuses.Error, c.At)).ToList());
    }
}

/// <summary>Control statuses over time from the recorded changes: what a control's status was at any moment.</summary>
public sealed class ControlHistory(ComplianceCatalogue catalogue, IReadOnlyList<(string Control, string Status, DateTimeOffset At)> changes)
{
    private readonly ILookup<string, (string Control, string Status, DateTimeOffset At)> _byControl = changes.ToLookup(c => c.Control);

    /// <summary>The control's status at <paramref name="at"/>, or null when nothing was recorded yet.</summary>
    public string? ControlAt(string control, DateTimeOffset at) =>
        _byControl[control].LastOrDefault(c => c.At <= at) is { Control: not null } c ? c.Status : null;

    /// <summary>The requirement's status at a moment: the worst of its controls known then; null when none was.</summary>
    public string? RequirementAt(Framework framework, string requirement, DateTimeOffset at)
    {
        var known = catalogue.ControlsOf(framework.Id, requirement).Select(c => ControlAt(c.Id, at)).OfType<string>().ToList();
        return known.Count == 0 ? null : ComplianceStatuses.Worst(known);
    }

    /// <summary>Intervals in each status within [from, to): for effectiveness over a period.</summary>
    public IReadOnlyList<(string Status, DateTimeOffset From, DateTimeOffset To)> Intervals(string control, DateTimeOffset from, DateTimeOffset to)
    {
        var list = new List<(string, DateTimeOffset, DateTimeOffset)>();
        var current = ControlAt(control, from);
        var start = from;
        foreach (var c in _byControl[control].Where(c => c.At > from && c.At < to))
        {
            if (current is not null)
            {
                list.Add((current, start, c.At));
            }
            current = c.Status;
            start = c.At;
        }
        if (current is not null)
        {
            list.Add((current, start, to));
        }
        return list;
    }
}
