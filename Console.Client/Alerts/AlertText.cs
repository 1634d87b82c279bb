using MudBlazor;
using SecurityConsole.Shared.Detection;

namespace SecurityConsole.Client.Alerts;

/// <summary>How alerts read on screen: colours, labels and "fired 7 times, last 2 min ago".</summary>
public static class AlertText
{
    public static Color SeverityColor(string severity) => severity switch
    {
        AlertSeverities.Critical => Color.Error,
        AlertSeverities.High => Color.Warning,
        AlertSeverities.Medium => Color.Info,
        _ => Color.Default,
    };

    public static string Label(string value) => value switch
    {
        AlertStatuses.FalsePositive => "false positive",
        _ => value.Replace('_', ' '),
    };

    public static Color StatusColor(string status) => status switch
    {
        AlertStatuses.Open => Color.Error,
        AlertStatuses.Acknowledged => Color.Warning,
        AlertStatuses.Resolved => Color.Success,
        _ => Color.Default,
    };

    /// <summary>"fired 2 min ago"; grouped: "fired 7 times, first 3 h ago, last 2 min ago".</summary>
    public static string Fired(AlertView alert, DateTimeOffset now) => alert.Count switch
    {
        <= 1 => $"fired {Ago(alert.LastSeenAt, now)}",
        var n => $"fired {n:N0} times, first {Ago(alert.FirstSeenAt, now)}, last {Ago(alert.LastSeenAt, now)}",
    };

    /// <summary>"Seen Mon 23 Nov, 14:20" or "First seen …, last seen …" in the reader's time.</summary>
    public static string Seen(AlertView alert) =>
        alert.Count <= 1 || alert.FirstSeenAt == alert.LastSeenAt
            ? $"Seen {When(alert.LastSeenAt)}"
            : $"First seen {When(alert.FirstSeenAt)}, last seen {When(alert.LastSeenAt)}";

    public static string When(DateTimeOffset at, bool seconds = false) =>
        seconds ? Shared.When.Precise(at) : Shared.When.Time(at);

    /// <summary>For a narrow column: "5 h ago", grouped "6×, last 1 d ago".</summary>
    public static string FiredShort(AlertView alert, DateTimeOffset now) =>
        alert.Count <= 1 ? Ago(alert.LastSeenAt, now) : $"{alert.Count:N0}×, last {Ago(alert.LastSeenAt, now)}";

    public static string Ago(DateTimeOffset at, DateTimeOffset now)
    {
        var span = now - at;
        return span.TotalSeconds switch
        {
            < 45 => "just now",
            < 3600 => $"{Math.Max(1, (int)Math.Round(span.TotalMinutes))} min ago",
            < 86_400 => $"{(int)span.TotalHours} h ago",
            _ => $"{(int)span.TotalDays} d ago",
        };
    }

    public static string Entity(string kind, string id) => kind switch
    {
        EntityKinds.Key => $"key {id}",
        EntityKinds.User => $"user {id}",
        EntityKinds.Ip => $"address {id}",
        EntityKinds.Service => $"service {id}",
        EntityKinds.Control => $"control {id}",
        _ => $"{kind} {id}",
    };
}
