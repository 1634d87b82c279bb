using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Data;
using SecurityConsole.Shared.Compliance;

namespace SecurityConsole.Server.Compliance;

/// <summary>One assessable requirement's status at a moment, with the controls that decide it.</summary>
public sealed record RequirementPostureFact(string Id, string Title, string Family, string Status, bool Automated, IReadOnlyList<string> Controls);

/// <summary>One day of a framework's posture: requirements evaluated and passing at the day's end.</summary>
public sealed record PostureDayFact(DateOnly Day, int Evaluated, int Passing);

/// <summary>
/// One control of a framework over a period: its status at the period's end (null: never evaluated by then) and how it
/// fared, from the recorded status changes (<see cref="Effectiveness"/>: the share of days that ended passing, the
/// stretches that did not pass, in one sentence).
/// </summary>
public sealed record ControlPeriodFact(
    string Id, string Title, bool Automated, string? Status, int DaysKnown, int DaysPassing, double? ShareOfDays, string Summary);

/// <summary>One framework's posture at a moment, its daily trend and how each of its controls fared over a period.</summary>
public sealed record FrameworkPostureFact(
    string Id, string Name, string Version, string? Link, IReadOnlyList<RequirementPostureFact> Requirements, IReadOnlyList<PostureDayFact> Trend,
    IReadOnlyList<ControlPeriodFact> Controls);

/// <summary>
/// The compliance feature's read for reports (a door in ArchitectureTests): the posture of each framework enabled at a
/// moment, as it stood then, from the recorded status changes and the audited setting changes alone. Nothing here reads the
/// live snapshot or today's setting, so a closed period gives the same answer however often it is asked (ADR 0080). A
/// requirement no control maps to is not applicable, as on the pages; one none of whose controls had a recorded status
/// yet reads "error": not evaluated.
/// </summary>
public sealed class ComplianceReportQueries(ConsoleDbContext db, ComplianceCatalogue catalogue, ComplianceSettings settings, AuditFacts audit)
{
    public const int MaxTrendDays = 366;

    /// <summary>
    /// The enabled frameworks (or the one named, if enabled) as they stood at <paramref name="at"/>, with their trend and
    /// control effectiveness from <paramref name="from"/>. With <paramref name="includeDisabled"/> a named framework is
    /// read whether enabled or not (an evidence pack may be asked for any framework).
    /// </summary>
    public async Task<IReadOnlyList<FrameworkPostureFact>> PostureAsync(
        DateTimeOffset from, DateTimeOffset at, string? framework, CancellationToken ct, bool includeDisabled = false)
    {
        var enabled = await EnabledAtAsync(at, ct);
        var changes = await db.ComplianceEvidence.AsNoTracking()
            .Where(e => e.Kind == EvidenceKinds.StatusChange && e.At <= at)
            .OrderBy(e => e.At).ThenBy(e => e.Id)
            .Select(e => new { e.Subject, e.Status, e.At }).ToListAsync(ct);
        var history = new ControlHistory(catalogue, [.. changes.Select(c => (c.Subject, c.Status ?? ComplianceStatuses.Error, c.At))]);
        var first = DateOnly.FromDateTime(from.UtcDateTime);
        var last = DateOnly.FromDateTime(at.UtcDateTime);
        if (last.DayNumber - first.DayNumber >= MaxTrendDays)
        {
            first = last.AddDays(1 - MaxTrendDays);
        }
        return [.. catalogue.Frameworks.Where(f => (framework is null || f.Id == framework) && (enabled.Contains(f.Id) || (includeDisabled && framework is not null))).Select(f =>
        {
            var assessable = f.Requirements.Where(r => r.Assessable).ToList();
            var requirements = assessable.Select(r => new RequirementPostureFact(r.Id, r.Title, r.Family,
                history.RequirementAt(f, r.Id, at) ?? (catalogue.ControlsOf(f.Id, r.Id).Count == 0 ? ComplianceStatuses.NotApplicable : ComplianceStatuses.Error),
                catalogue.ControlsOf(f.Id, r.Id).Any(c => c.Automated), [.. catalogue.ControlsOf(f.Id, r.Id).Select(c => c.Id)])).ToList();
            var trend = new List<PostureDayFact>();
            for (var day = first; day <= last; day = day.AddDays(1))
            {
                var end = day == last ? at : new DateTimeOffset(day.ToDateTime(TimeOnly.MaxValue), TimeSpan.Zero);
                var statuses = assessable.Select(r => history.RequirementAt(f, r.Id, end)).OfType<string>().Where(ComplianceStatuses.IsEvaluated).ToList();
                trend.Add(new PostureDayFact(day, statuses.Count, statuses.Count(ComplianceStatuses.IsPassing)));
            }
            var controls = catalogue.Controls.Where(c => c.Mappings.Any(m => m.Framework == f.Id)).OrderBy(c => c.Title, StringComparer.Ordinal).Select(c =>
            {
                var e = Effectiveness.Compute(c, history, from, at);
                return new ControlPeriodFact(c.Id, c.Title, c.Automated, history.ControlAt(c.Id, at), e.DaysKnown, e.DaysPassing, e.ShareOfDays, e.Summary);
            }).ToList();
            return new FrameworkPostureFact(f.Id, f.Name, f.Version, f.Link, requirements, trend, controls);
        })];
    }

    /// <summary>The ids of the frameworks a posture report may be filtered to (any in the catalogue: one disabled today may have been enabled then).</summary>
    public IReadOnlyList<string> FrameworkIds => [.. catalogue.Frameworks.Select(f => f.Id)];

    /// <summary>
    /// The frameworks enabled at <paramref name="at"/>, from the audit entries every change of the setting writes (each holds
    /// the whole list after it): the list of the last change at or before that moment; before the first change, that
    /// change undone; with no change ever recorded, the setting as it is (it has never changed). A closed period therefore
    /// lists the same frameworks whatever is enabled later. (Entries removed by audit retention take their history with them:
    /// the oldest kept change then stands for the time before it.)
    /// </summary>
    public async Task<IReadOnlySet<string>> EnabledAtAsync(DateTimeOffset at, CancellationToken ct)
    {
        var changes = await audit.HistoryAsync([AuditActions.ComplianceFrameworkEnabled, AuditActions.ComplianceFrameworkDisabled], ct);
        var parsed = changes.Select(c => (c.Time, c.Action, Framework: c.TargetId, Enabled: EnabledList(c.Data))).Where(c => c.Enabled is not null).ToList();
        if (parsed.LastOrDefault(c => c.Time <= at) is { Enabled: { } then })
        {
            return Known(then);
        }
        if (parsed.FirstOrDefault(c => c.Time > at) is { Enabled: { } after } next)
        {
            var before = new HashSet<string>(after, StringComparer.Ordinal);
            if (next.Framework is { } f)
            {
                if (next.Action == AuditActions.ComplianceFrameworkEnabled)
                {
                    before.Remove(f);
                }
                else
                {
                    before.Add(f);
                }
            }
            return Known(before);
        }
        return Known((await settings.GetAsync(ct)).Enabled);
    }

    private HashSet<string> Known(IEnumerable<string> ids) => [.. ids.Where(id => catalogue.Framework(id) is not null)];

    private static List<string>? EnabledList(string? data)
    {
        if (data is null)
        {
            return null;
        }
        try
        {
            using var doc = JsonDocument.Parse(data);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("enabled", out var list) && list.ValueKind == JsonValueKind.Array
                ? [.. list.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)]
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
