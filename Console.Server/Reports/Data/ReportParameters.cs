using System.Globalization;
using SecurityConsole.Shared.Audit;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Reports;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Server.Reports.Data;

/// <summary>A run's parameters resolved to absolute values: what the run pins, and what a re-run of the same period repeats.</summary>
public sealed record ResolvedParameters(DateTimeOffset From, DateTimeOffset To, string Period, IReadOnlyDictionary<string, string> Filters)
{
    public string? Filter(string name) => Filters.GetValueOrDefault(name);

    public Dictionary<string, string> ToDictionary()
    {
        var all = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["period"] = Period,
            ["from"] = From.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            ["to"] = To.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        };
        foreach (var (k, v) in Filters)
        {
            all[k] = v;
        }
        return new Dictionary<string, string>(all, StringComparer.Ordinal);
    }

    /// <summary>
    /// Resolves what a caller sent against the report type: a period preset or a custom from/to (not inverted, at most
    /// a year), and only the filters the type knows, each checked: against its fixed values, or against
    /// <paramref name="choices"/> for those that depend on the installation (the compliance frameworks). Problems are named
    /// <c>parameters.&lt;name&gt;</c>.
    /// </summary>
    public static ResolvedParameters? Resolve(ReportTypeInfo type, IReadOnlyDictionary<string, string>? given, DateTimeOffset now, Validator v,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? choices = null)
    {
        given ??= new Dictionary<string, string>();
        foreach (var name in given.Keys.Where(k => k is not ("period" or "from" or "to") && !type.Filters.Contains(k)))
        {
            var known = string.Join(", ", new[] { "period", "from", "to" }.Concat(type.Filters));
            v.Add($"parameters.{name}", $"Unknown parameter for a {type.Title.ToLowerInvariant()} report; it takes: {known}.");
        }
        var period = given.GetValueOrDefault("period") ?? (given.ContainsKey("from") || given.ContainsKey("to") ? ReportPeriods.Custom : ReportPeriods.Last30Days);
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var monthStart = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        (DateTimeOffset From, DateTimeOffset To)? range = period switch
        {
            ReportPeriods.Last7Days => (today.AddDays(-7), today.AddTicks(-1)),
            ReportPeriods.Last30Days => (today.AddDays(-30), today.AddTicks(-1)),
            ReportPeriods.LastMonth => (monthStart.AddMonths(-1), monthStart.AddTicks(-1)),
            ReportPeriods.ThisMonth => (monthStart, now),
            ReportPeriods.Custom => Custom(given, v),
            _ => null,
        };
        if (!ReportPeriods.All.Contains(period))
        {
            v.Add("parameters.period", $"Must be one of: {string.Join(", ", ReportPeriods.All)}.");
        }
        else if (period != ReportPeriods.Custom && (given.ContainsKey("from") || given.ContainsKey("to")))
        {
            v.Add("parameters.period", "Give either a period preset or from and to (period 'custom'), not both.");
        }
        var filters = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in type.Filters)
        {
            if (given.GetValueOrDefault(name) is { Length: > 0 } value && CheckFilter(name, value, v, choices?.GetValueOrDefault(name)))
            {
                filters[name] = value;
            }
        }
        return v.IsValid && range is { } r ? new ResolvedParameters(r.From, r.To, period, filters) : null;
    }

    private static (DateTimeOffset, DateTimeOffset)? Custom(IReadOnlyDictionary<string, string> given, Validator v)
    {
        var from = Time(given, "from", v);
        var to = Time(given, "to", v);
        if (from is null || to is null)
        {
            return null;
        }
        if (to < from)
        {
            v.Add("parameters.to", "Must not be before 'from'.");
            return null;
        }
        if (to - from > TimeSpan.FromDays(366))
        {
            v.Add("parameters.to", "The period can be at most 366 days.");
            return null;
        }
        return (from.Value, to.Value);
    }

    private static DateTimeOffset? Time(IReadOnlyDictionary<string, string> given, string name, Validator v)
    {
        if (given.GetValueOrDefault(name) is not { Length: > 0 } s)
        {
            v.Add($"parameters.{name}", "Required for a custom period (ISO 8601, e.g. 2026-01-31T00:00:00Z).");
            return null;
        }
        if (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
        {
            return t;
        }
        v.Add($"parameters.{name}", "Must be a date and time in ISO 8601 (e.g. 2026-01-31T00:00:00Z).");
        return null;
    }

    private static bool CheckFilter(string name, string value, Validator v, IReadOnlyList<string>? choices)
    {
        var field = $"parameters.{name}";
        IReadOnlyList<string>? allowed = name switch
        {
            "severity" => AlertSeverities.All,
            "environment" => KeyEnvironments.All,
            "outcome" => AuditSearchQuery.Outcomes,
            "category" => AuditCategoryNames.All,
            _ => choices,
        };
        if (allowed is not null && !allowed.Contains(value, StringComparer.Ordinal))
        {
            v.Add(field, $"Must be one of: {string.Join(", ", allowed)}.");
            return false;
        }
        if (value.Length > 200 || Validator.TextProblem(value) is not null)
        {
            v.Add(field, value.Length > 200 ? "Must be at most 200 characters." : Validator.TextProblem(value)!);
            return false;
        }
        return true;
    }
}

/// <summary>Who a run reads for: its owner and the permissions their roles grant now.</summary>
public sealed record ReportOwner(string UserId, IReadOnlySet<string> Permissions)
{
    public bool Has(string permission) => Permissions.Contains(permission);

    public bool MayReadPersonalData => Has(SecurityConsole.Shared.Security.Permissions.PiiRead);
}
