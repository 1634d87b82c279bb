using System.Globalization;
using System.Net;
using MudBlazor;
using SecurityConsole.Client.Services;
using SecurityConsole.Shared.Keys;

namespace SecurityConsole.Client.Keys;

/// <summary>How the key pages put statuses, risks and times into words and colours.</summary>
public static class KeysText
{
    public static string Status(string status) => status switch
    {
        KeyStatuses.Active => "Active",
        KeyStatuses.Expiring => "Expiring",
        KeyStatuses.PendingRotation => "Pending rotation",
        KeyStatuses.Disabled => "Disabled",
        KeyStatuses.Revoked => "Revoked",
        KeyStatuses.Expired => "Expired",
        _ => status,
    };

    public static string StatusHelp(string status) => status switch
    {
        KeyStatuses.Active => "Valid and in use.",
        KeyStatuses.Expiring => "Valid, but expires within 7 days: rotate it.",
        KeyStatuses.PendingRotation => "A successor exists; this key works until its grace period ends.",
        KeyStatuses.Disabled => "Suspended: every verification fails until it is enabled again.",
        KeyStatuses.Revoked => "Revoked: every verification fails.",
        KeyStatuses.Expired => "Past its expiry: every verification fails.",
        _ => "",
    };

    public static Color StatusColor(string status) => status switch
    {
        KeyStatuses.Active => Color.Success,
        KeyStatuses.Expiring => Color.Warning,
        KeyStatuses.PendingRotation => Color.Info,
        KeyStatuses.Disabled => Color.Dark,
        KeyStatuses.Revoked => Color.Error,
        _ => Color.Default,
    };

    /// <summary>Revoked and expired keys have ended: nothing can be done with them any more. A disabled key can still be enabled.</summary>
    public static bool IsLive(ApiKeySummary key) => key.Status is not (KeyStatuses.Revoked or KeyStatuses.Expired);

    public static string RequestStatus(string status) => status switch
    {
        KeyRequestStatuses.Pending => "Waiting for approval",
        KeyRequestStatuses.Approved => "Approved",
        KeyRequestStatuses.Rejected => "Rejected",
        _ => status,
    };

    public static Color RequestStatusColor(string status) => status switch
    {
        KeyRequestStatuses.Pending => Color.Warning,
        KeyRequestStatuses.Approved => Color.Success,
        KeyRequestStatuses.Rejected => Color.Error,
        _ => Color.Default,
    };

    public static Color RiskColor(ScopeRisk risk) => risk switch
    {
        ScopeRisk.Low => Color.Success,
        ScopeRisk.Medium => Color.Warning,
        ScopeRisk.High => Color.Error,
        _ => Color.Default,
    };

    public static string Risk(ScopeRisk risk) => risk switch
    {
        ScopeRisk.Low => "low risk",
        ScopeRisk.Medium => "medium risk",
        ScopeRisk.High => "high risk",
        _ => risk.ToString(),
    };

    public static string Environment(string environment) => environment switch
    {
        KeyEnvironments.Production => "Production",
        KeyEnvironments.Staging => "Staging",
        KeyEnvironments.Development => "Development",
        _ => environment,
    };

    public static Color EnvironmentColor(string environment) => environment switch
    {
        KeyEnvironments.Production => Color.Secondary,
        KeyEnvironments.Staging => Color.Info,
        _ => Color.Default,
    };

    /// <summary>What an environment's auto-approval ceiling means for a requester.</summary>
    public static string Ceiling(ScopeRisk? ceiling) => ceiling switch
    {
        null => "Never: every request waits for an approver",
        ScopeRisk.Low => "Up to low risk",
        ScopeRisk.Medium => "Up to medium risk",
        ScopeRisk.High => "Up to high risk: every scope",
        _ => ceiling.ToString()!,
    };

    public static string Day(DateTimeOffset at) => Shared.When.Day(at);

    public static string Time(DateTimeOffset at) => Shared.When.Time(at);

    /// <summary>"3 hours ago", "never": how long ago, as people say it.</summary>
    public static string Ago(DateTimeOffset? at, DateTimeOffset now)
    {
        if (at is not { } then)
        {
            return "Never";
        }
        var span = now - then;
        return span.TotalMinutes switch
        {
            < 1 => "Just now",
            < 60 => Plural((int)span.TotalMinutes, "minute") + " ago",
            < 60 * 24 => Plural((int)span.TotalHours, "hour") + " ago",
            < 60 * 24 * 60 => Plural((int)span.TotalDays, "day") + " ago",
            _ => Day(then),
        };
    }

    public static string Age(int days) => days == 0 ? "Today" : Plural(days, "day");

    /// <summary>The age as a phrase after a date: "created today", "3 days old" (never "today old").</summary>
    public static string AgeInWords(int days) => days == 0 ? "created today" : $"{Plural(days, "day")} old";

    public static string Plural(long n, string unit) => $"{n.ToString("N0", CultureInfo.InvariantCulture)} {unit}{(n == 1 ? "" : "s")}";

    /// <summary>A failed call in the words of keys: a missing key may also be someone else's, which the API does not tell apart.</summary>
    public static string Describe(ApiException ex) =>
        ex.Status == HttpStatusCode.NotFound ? "This key or request does not exist, or it is not yours to see." : ex.Message;
}
