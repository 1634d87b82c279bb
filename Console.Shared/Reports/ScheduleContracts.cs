using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Shared.Reports;

/// <summary>
/// Where a scheduled run is delivered. The webhook secret is write-only: it signs the body and is never shown again. On an
/// edit, a webhook secret left out (null) keeps the stored one; a new webhook needs one (the store checks, since only it knows).
/// </summary>
public sealed record ScheduleDeliveryRequest(IReadOnlyList<string>? Emails, string? WebhookUrl, string? WebhookSecret, bool InApp = true)
{
    public void Validate(Validator v)
    {
        if (Emails is { Count: > 20 })
        {
            v.Add("delivery.emails", "At most 20 addresses.");
        }
        for (var i = 0; i < (Emails?.Count ?? 0) && i < 20; i++)
        {
            v.Email($"delivery.emails[{i}]", Emails![i]);
        }
        if (WebhookUrl is not null)
        {
            if (!Uri.TryCreate(WebhookUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || WebhookUrl.Length > 500)
            {
                v.Add("delivery.webhookUrl", "Must be an absolute http or https URL of at most 500 characters.");
            }
            if (WebhookSecret is not null && WebhookSecret.Length is < 32 or > 256)
            {
                v.Add("delivery.webhookSecret", "A webhook needs a secret of 32 to 256 characters to sign its body with.");
            }
        }
    }
}

/// <summary>
/// Create or replace a schedule: a report (as in <see cref="RunReportRequest"/>) run by cron in a time zone for its owner.
/// <see cref="Cron"/> has five fields (or six with seconds first); <see cref="TimeZone"/> is an IANA or Windows id.
/// </summary>
public sealed record ScheduleRequest(
    string Name, string Template, int? Version, string? Format, IReadOnlyDictionary<string, string>? Parameters, string Cron, string TimeZone,
    ScheduleDeliveryRequest? Delivery, bool Enabled = true, bool SendIfEmpty = true) : IValidatable
{
    public void Validate(Validator v)
    {
        v.Required("name", Name, 120);
        v.Required("template", Template, 64);
        v.Required("cron", Cron, 120);
        v.Required("timeZone", TimeZone, 64);
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
        Delivery?.Validate(v);
    }
}

public sealed record ScheduleDeliveryView(IReadOnlyList<string> Emails, string? WebhookUrl, bool InApp);

/// <summary>A schedule with its next runs (in UTC and in its time zone's offset), so one sees when it will fire.</summary>
public sealed record ScheduleView(
    Guid Id, string Name, string Template, int? Version, string Format, IReadOnlyDictionary<string, string> Parameters, string Cron, string TimeZone,
    bool Enabled, bool SendIfEmpty, ScheduleDeliveryView Delivery, DateTimeOffset? LastFiredAt, IReadOnlyList<DateTimeOffset> NextRuns);

/// <summary>Live over SignalR, to the owner: a scheduled report is ready (the in-app delivery).</summary>
public sealed record ReportDelivered(Guid RunId, Guid? ScheduleId, string Title, string Status, string DownloadPath);
