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

    public static string Fired(AlertView alert, DateTimeOffset now) => alert.Count switch
    {
        <= 1 => $"fired {Ago(alert.LastSeenAt, now)}",
        var n => $"fired {n} times, last {Ago(alert.LastSeenAt, now)}",
    };

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
        _ => $"{kind} {id}",
    };
}
