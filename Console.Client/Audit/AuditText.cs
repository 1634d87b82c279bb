using System.Globalization;
using MudBlazor;
using SecurityConsole.Shared.Audit;

namespace SecurityConsole.Client.Audit;

/// <summary>How the audit pages put the trail's codes into words and colours.</summary>
public static class AuditText
{
    public static Color OutcomeColor(string outcome) => outcome switch
    {
        "success" => Color.Success,
        "failure" => Color.Error,
        "denied" => Color.Warning,
        _ => Color.Default,
    };

    public static string CategoryDescription(string category) => category switch
    {
        AuditCategoryNames.Security => "Failed sign-ins, detections and other security events",
        AuditCategoryNames.Access => "Sign-ins, sign-outs and API key use",
        AuditCategoryNames.Key => "API keys issued, rotated and revoked",
        AuditCategoryNames.Admin => "Users, roles, settings and first-run setup",
        AuditCategoryNames.Audit => "The trail's own events: exports, reveals, retention, legal holds, erasures",
        _ => "",
    };

    /// <summary>What happened to the entry, as a person would say it.</summary>
    public static string Problem(ChainProblem? problem) => problem switch
    {
        ChainProblem.Altered => "was changed after it was written",
        ChainProblem.Removed => "is missing: it was deleted",
        ChainProblem.Inserted => "was put into the trail by something other than the console",
        ChainProblem.Reordered => "was moved out of its place in the trail",
        _ => "does not fit the chain",
    };

    public static string ProblemTitle(ChainProblem? problem) => problem switch
    {
        ChainProblem.Altered => "Altered",
        ChainProblem.Removed => "Removed",
        ChainProblem.Inserted => "Inserted",
        ChainProblem.Reordered => "Reordered",
        _ => "Broken",
    };

    public static string Time(DateTimeOffset at) => Shared.When.Precise(at);

    public static string Number(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>"365 days (1 year)": the number people enter, and what it means.</summary>
    public static string Days(int days)
    {
        if (days >= 365 && days % 365 == 0)
        {
            var years = days / 365;
            return $"{Number(days)} days ({years} year{(years == 1 ? "" : "s")})";
        }
        return days >= 60 ? $"{Number(days)} days (about {days / 30} months)" : $"{Number(days)} days";
    }

    /// <summary>Who acted, as the server names them (a person's e-mail, masked without pii:read; a key's prefix, name and service).</summary>
    public static string Actor(AuditEntryView e) => e.ActorName ?? $"{e.ActorType} {Short(e.ActorId)}";

    /// <summary>What the entry was about, named where the server knows it; "–" when nothing.</summary>
    public static string Target(AuditEntryView e) =>
        e.TargetName ?? (e.TargetType is null && e.TargetId is null ? "–" : $"{e.TargetType} {Short(e.TargetId ?? "")}".Trim());

    /// <summary>A short form of a long id, for a table cell; the full id sits in the title.</summary>
    public static string Short(string id) => id.Length > 14 ? id[..8] + "…" : id;
}
