using System.Globalization;
using CsvHelper;
using SecurityConsole.Server.Reports.Templates;
using SecurityConsole.Shared.Reports;

namespace SecurityConsole.Server.Reports.Output;

/// <summary>
/// CSV output, streamed with CsvHelper and no row cap: the audit extract goes straight from the audit reader's pages to
/// the stream. A cell beginning with = + - or @ is escaped so that a spreadsheet shows it instead of running it.
/// </summary>
public static class ReportCsv
{
    /// <summary>Writes the report as CSV and returns how many rows it wrote.</summary>
    public static async Task<long> WriteAsync(Stream stream, ReportTypeInfo type, ReportModel? model, IAsyncEnumerable<AuditRow>? auditRows, CancellationToken ct)
    {
        await using var csv = CsvWriter.Create(stream, new CsvWriterOptions { Injection = CsvInjection.Escape }, leaveOpen: true);
        long rows = 0;
        switch (type.Id)
        {
            case ReportTypes.AuditExtract:
                csv.WriteHeader(["sequence", "time", "category", "action", "actor", "target", "outcome", "sourceIp", "personal"]);
                await foreach (var e in auditRows!.WithCancellation(ct))
                {
                    Fields(csv, e.Sequence.ToString(CultureInfo.InvariantCulture), Time(e.Time), e.Category, e.Action, e.Actor, e.Target, e.Outcome, e.SourceIp, e.Personal);
                    await csv.EndRecordAsync(ct);
                    rows++;
                }
                break;
            case ReportTypes.SecuritySummary or ReportTypes.AlertTriage:
                csv.WriteHeader(["id", "severity", "status", "rule", "entity", "title", "firstSeen", "lastSeen", "count", "assignee", "closedAt", "minutesToClose", "slaBreached"]);
                foreach (var a in model!.Summary?.Alerts ?? model.Triage!.Rows)
                {
                    Fields(csv, a.Id.ToString(CultureInfo.InvariantCulture), a.Severity, a.Status, a.Rule, a.Entity, a.Title, Time(a.FirstSeen), Time(a.LastSeen),
                        a.Count.ToString(CultureInfo.InvariantCulture), a.Assignee, a.ClosedAt is { } c ? Time(c) : "",
                        a.MinutesToClose?.ToString(CultureInfo.InvariantCulture), a.SlaBreached ? "true" : "false");
                    await csv.EndRecordAsync(ct);
                    rows++;
                }
                break;
            case ReportTypes.KeyInventory:
                csv.WriteHeader(["name", "key", "owner", "service", "environment", "state", "ageDays", "lastUsed", "rotationOverdue", "unused", "uses"]);
                foreach (var k in model!.Keys!.Rows)
                {
                    Fields(csv, k.Name, k.Key, k.Owner, k.Service, k.Environment, k.State, k.AgeDays.ToString(CultureInfo.InvariantCulture),
                        k.LastUsed is { } u ? Time(u) : "", k.RotationOverdue ? "true" : "false", k.Unused ? "true" : "false", k.Uses.ToString(CultureInfo.InvariantCulture));
                    await csv.EndRecordAsync(ct);
                    rows++;
                }
                break;
            case ReportTypes.AccessReview:
                csv.WriteHeader(["user", "roles", "permissionCount", "privileged", "twoFactor", "locked", "finding"]);
                foreach (var r in model!.Access!.Rows)
                {
                    Fields(csv, r.User, string.Join(' ', r.Roles), r.PermissionCount.ToString(CultureInfo.InvariantCulture), r.Privileged ? "true" : "false",
                        r.TwoFactor ? "true" : "false", r.Locked ? "true" : "false", r.Finding);
                    await csv.EndRecordAsync(ct);
                    rows++;
                }
                break;
            case ReportTypes.CompliancePosture:
                csv.WriteHeader(["framework", "requirement", "title", "family", "status", "automated", "controls"]);
                foreach (var r in model!.Posture!.Rows)
                {
                    Fields(csv, r.Framework, r.Id, r.Title, r.Family, r.Status, r.Automated ? "true" : "false", r.Controls);
                    await csv.EndRecordAsync(ct);
                    rows++;
                }
                break;
            default:
                throw new ArgumentException($"No CSV for report type {type.Id}.");
        }
        await csv.FlushAsync(ct);
        return rows;
    }

    private static void Fields(CsvWriter csv, params string?[] values)
    {
        foreach (var v in values)
        {
            csv.WriteField(v ?? "");
        }
    }

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
}
