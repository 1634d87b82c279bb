using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Detection;
using SecurityConsole.Shared.Compliance;
using static SecurityConsole.Server.Compliance.Checks.CheckRow;

namespace SecurityConsole.Server.Compliance.Checks;

/// <summary>Checks over the compliance feature's own records: access review campaigns, and whether failing controls alerted.</summary>
public static class ComplianceChecks
{
    public static IEnumerable<CheckDefinition> All =>
    [
        new("access-review", "Access review within six months", "Finished access review campaigns against the access review days.",
            [CheckInputs.Compliance, CheckInputs.Users], AccessReviewAsync),
        new("control-failures-alerted", "Failures of security controls alerted", "Failing controls' states and the alerts raised for them (AlertFacts).",
            [CheckInputs.Alerts, CheckInputs.Compliance], AlertedAsync),
    ];

    private static async Task<IReadOnlyList<CheckRow>> AccessReviewAsync(CheckContext c, CancellationToken ct)
    {
        var db = c.Get<ConsoleDbContext>();
        var last = await db.AccessReviews.AsNoTracking().Where(r => r.FinishedAt != null)
            .OrderByDescending(r => r.FinishedAt).Select(r => new { r.Id, r.Name, r.FinishedAt }).FirstOrDefaultAsync(ct);
        if (last is null)
        {
            // A console younger than the review period has not missed a review yet: the first is due a period after the
            // first account was made.
            var users = await c.UsersAsync(ct);
            var since = users.Count == 0 ? c.Now : users.Min(u => u.CreatedAt);
            var due = since.AddDays(c.Parameters.AccessReviewDays);
            return due > c.Now
                ? [Pass("access review", "first", $"No review has been finished yet; the first is due by {due:yyyy-MM-dd} ({c.Parameters.AccessReviewDays} days after the first account).", "/compliance/access-reviews")]
                : [Fail("access review", "none", $"No access review campaign has been finished, and the first was due by {due:yyyy-MM-dd}.", "/compliance/access-reviews")];
        }
        var age = c.Now - last.FinishedAt!.Value;
        return age <= TimeSpan.FromDays(c.Parameters.AccessReviewDays)
            ? [Pass("access review", last.Name, $"'{last.Name}' was finished {CheckRegistry.Ago(c.Now, last.FinishedAt.Value)} ago.", $"/compliance/access-reviews/{last.Id}")]
            : [Fail("access review", last.Name, $"The last review, '{last.Name}', was finished {CheckRegistry.Ago(c.Now, last.FinishedAt.Value)} ago, beyond {c.Parameters.AccessReviewDays} days.", $"/compliance/access-reviews/{last.Id}")];
    }

    private static async Task<IReadOnlyList<CheckRow>> AlertedAsync(CheckContext c, CancellationToken ct)
    {
        var db = c.Get<ConsoleDbContext>();
        // A control's baseline (its first evaluation with something to evaluate: the change from not applicable) is shown
        // but not alerted (ControlStatusRecorder); every later turn for the worse must have its alert.
        var current = await db.ComplianceEvidence.AsNoTracking()
            .Where(e => e.Kind == EvidenceKinds.StatusChange && e.EffectiveTo == null
                && (e.Status == ComplianceStatuses.Fail || e.Status == ComplianceStatuses.Error)
                && e.PreviousStatus != ComplianceStatuses.NotApplicable)
            .Select(e => new { ControlId = e.Subject, ChangedAt = e.At }).ToListAsync(ct);
        var failing = current.DistinctBy(f => f.ControlId).ToList();
        if (failing.Count == 0)
        {
            return [Pass("controls", "all", "No control has turned bad since its first evaluation, so there is nothing to alert.")];
        }
        var since = failing.Min(f => f.ChangedAt).AddMinutes(-1);
        var alerts = await c.Get<AlertFacts>().OfRuleAsync(ControlStatusRecorder.AlertSource, since, ct);
        return [.. failing.Select(f => alerts.Any(a => a.EntityId == f.ControlId)
            ? Pass("control", f.ControlId, $"Control '{f.ControlId}' raised an alert when it turned bad.", $"/compliance/controls/{f.ControlId}")
            : Fail("control", f.ControlId, $"Control '{f.ControlId}' turned bad without an alert in the feed.", $"/compliance/controls/{f.ControlId}"))];
    }
}
