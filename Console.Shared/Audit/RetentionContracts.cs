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
/// Reading a set of floors. The floors themselves come from the enabled compliance frameworks' files (the server's
/// Compliance feature supplies them to the Audit feature); this only picks out those of a category.
/// </summary>
public static class RetentionFloors
{
    public static IReadOnlyList<RetentionFloor> For(IEnumerable<RetentionFloor> floors, string category) =>
        [.. floors.Where(f => f.Categories.Contains(category, StringComparer.Ordinal))];

    /// <summary>The longest floor that applies to the category, or 0.</summary>
    public static int FloorDays(IEnumerable<RetentionFloor> floors, string category) => For(floors, category).Select(f => f.Days).DefaultIfEmpty(0).Max();
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
            // The floors of the enabled frameworks are checked by the server, which knows which are enabled.
            if (c.Days < 1)
            {
                v.Add($"{field}.days", "Must be at least 1 day.");
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
