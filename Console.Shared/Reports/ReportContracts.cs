using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Shared.Reports;

/// <summary>A report one can run: a built-in (<see cref="BuiltIn"/>) or a custom template with a published version.</summary>
public sealed record ReportCatalogueItem(
    string Template, string Type, string Title, string Description, bool BuiltIn, int? Version, IReadOnlyList<string> Filters, string Needs);

/// <summary>
/// Start a run. <see cref="Template"/> is a built-in type id or a custom template's id; <see cref="Version"/> pins a
/// published version (default: the latest). Parameters: <c>period</c> (a preset or <c>custom</c>), <c>from</c>/<c>to</c>
/// (ISO 8601), and the type's filters; anything else is refused, naming it.
/// </summary>
public sealed record RunReportRequest(string Template, int? Version, string? Format, IReadOnlyDictionary<string, string>? Parameters) : IValidatable
{
    public void Validate(Validator v)
    {
        v.Required("template", Template, 64);
        if (Format is not null)
        {
            v.OneOf("format", Format, ReportFormats.All);
        }
        if (Version is < 1)
        {
            v.Add("version", "Must be 1 or more.");
        }
        if (Parameters is { Count: > 20 })
        {
            v.Add("parameters", "At most 20 parameters.");
        }
    }
}

public sealed record RunAccepted(Guid Id, string Status, string Location);

public sealed record StageTiming(string Stage, double Milliseconds);

/// <summary>Where the data stood when the report read it: the audit head and the newest alert and event.</summary>
public sealed record ReportWatermark(long AuditSequence, long? NewestAlertId, long? NewestEventId);

public sealed record ReportArtifactView(string Format, long Size, string Sha256, string DataSha256, string FileName, DateTimeOffset ExpiresAt);

public sealed record ReportRunView(
    Guid Id, string Template, string Type, string Title, int Version, string Format, string Status, string? Stage, int Percent,
    string? FailureReason, string Owner, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt,
    IReadOnlyList<StageTiming> Stages, IReadOnlyDictionary<string, string> Parameters, ReportWatermark? Watermark,
    ReportArtifactView? Artifact, Guid? ScheduleId, IReadOnlyList<DeliveryAttemptView> Deliveries, long? RowCount = null);

public sealed record ReportRunPage(IReadOnlyList<ReportRunView> Items);

/// <summary>Live over SignalR while a run moves through its stages.</summary>
public sealed record ReportProgress(Guid RunId, string Status, string? Stage, int Percent, string? FailureReason);

/// <summary>An artifact checked against what was recorded when it was made, and the audit entry that vouches for it.</summary>
public sealed record ReportVerifyResult(bool Intact, string RecordedSha256, string ActualSha256, long? AuditSequence, bool AuditEntryMatches, string Detail);

/// <summary>One delivery attempt; <see cref="Skipped"/> when an empty report was not sent because its schedule says so.</summary>
public sealed record DeliveryAttemptView(string Channel, int Attempt, DateTimeOffset At, bool Succeeded, string? Error, bool Skipped = false);
