using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Shared.Audit;

/// <summary>The audit categories every feature writes to.</summary>
public static class AuditCategoryNames
{
    public const string Security = "security";
    public const string Access = "access";
    public const string Key = "key";
    public const string Admin = "admin";
    public const string Audit = "audit";

    public static IReadOnlyList<string> All { get; } = [Security, Access, Key, Admin, Audit];
}

/// <summary>A minimum retention that a compliance framework requires for some categories.</summary>
public sealed record RetentionFloor(string Framework, string Requirement, int Days, IReadOnlyList<string> Categories);

/// <summary>
/// The floors, as data. The compliance frameworks feature will later supply these from its framework
/// files (and only for enabled frameworks); until then every framework here counts.
/// </summary>
public static class RetentionFloors
{
    public static IReadOnlyList<RetentionFloor> All { get; } =
    [
        new("PCI DSS v4.0.1", "10.5.1: keep audit log history for at least 12 months", 365, AuditCategoryNames.All),
        new("HIPAA", "164.316(b)(2)(i): keep required documentation for 6 years", 2190, [AuditCategoryNames.Admin, AuditCategoryNames.Audit]),
    ];

    public static IReadOnlyList<RetentionFloor> For(string category) =>
        [.. All.Where(f => f.Categories.Contains(category, StringComparer.Ordinal))];

    /// <summary>The longest floor that applies to the category, or 0.</summary>
    public static int FloorDays(string category) => For(category).Select(f => f.Days).DefaultIfEmpty(0).Max();
}

public sealed record RetentionFloorView(string Framework, string Requirement, int Days);

public sealed record CategoryRetention(string Category, int Days, int FloorDays, IReadOnlyList<RetentionFloorView> Floors);

public sealed record RetentionPolicy(IReadOnlyList<CategoryRetention> Categories, LegalHoldView? LegalHold);

public sealed record RetentionSetting(string Category, int Days);

public sealed record SetRetentionRequest(IReadOnlyList<RetentionSetting> Categories) : IValidatable
{
    public const int MaxDays = 36500;

    public void Validate(Validator v)
    {
        if (Categories is null || Categories.Count == 0)
        {
            v.Add("categories", "Give at least one category.");
            return;
        }
        for (var i = 0; i < Categories.Count; i++)
        {
            var c = Categories[i];
            var field = $"categories[{i}]";
            if (c is null || !AuditCategoryNames.All.Contains(c.Category, StringComparer.Ordinal))
            {
                v.Add($"{field}.category", $"Must be one of: {string.Join(", ", AuditCategoryNames.All)}.");
                continue;
            }
            var floor = RetentionFloors.FloorDays(c.Category);
            if (c.Days < floor)
            {
                var by = string.Join(", ", RetentionFloors.For(c.Category).Where(f => f.Days > c.Days).Select(f => $"{f.Framework} ({f.Days} days)"));
                v.Add($"{field}.days", $"'{c.Category}' must be kept at least {floor} days: required by {by}.");
            }
            else if (c.Days > MaxDays)
            {
                v.Add($"{field}.days", $"Must be at most {MaxDays} days.");
            }
        }
        if (Categories.Where(c => c is not null).GroupBy(c => c.Category).Any(g => g.Count() > 1))
        {
            v.Add("categories", "Each category may appear once.");
        }
    }
}
