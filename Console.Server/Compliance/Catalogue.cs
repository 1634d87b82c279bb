using SecurityConsole.Shared.Compliance;

namespace SecurityConsole.Server.Compliance;

/// <summary>One requirement of a framework as its file states it. <see cref="Family"/> is its top-level ancestor.</summary>
public sealed record Requirement(string Id, string? Parent, string Title, string? Link, bool Assessable, int Line)
{
    public string Family { get; internal set; } = Id;
}

/// <summary>A minimum retention a framework requires for audit categories.</summary>
public sealed record RetentionFloorSpec(string Requirement, int Days, IReadOnlyList<string> Categories);

/// <summary>A framework loaded from its file: the requirement tree in file order and its retention floors.</summary>
public sealed class Framework(string id, string name, string version, string? link, string file,
    IReadOnlyList<Requirement> requirements, IReadOnlyList<RetentionFloorSpec> retention)
{
    private readonly Dictionary<string, Requirement> _byId = requirements.ToDictionary(r => r.Id, StringComparer.Ordinal);

    public string Id { get; } = id;
    public string Name { get; } = name;
    public string Version { get; } = version;
    public string? Link { get; } = link;
    public string File { get; } = file;
    public IReadOnlyList<Requirement> Requirements { get; } = requirements;
    public IReadOnlyList<RetentionFloorSpec> Retention { get; } = retention;

    public Requirement? Find(string id) => _byId.GetValueOrDefault(id);

    public IReadOnlyList<string> Families => [.. Requirements.Where(r => r.Parent is null).Select(r => r.Id)];
}

/// <summary>One control of the console's catalogue: the checks that evaluate it (none when manual) and what it maps to.</summary>
public sealed record Control(string Id, string Title, string Description, IReadOnlyList<string> Checks, bool Manual, IReadOnlyList<ControlMapping> Mappings)
{
    public bool Automated => Checks.Count > 0;
}

/// <summary>Every framework and the control catalogue, validated together (see <see cref="CatalogueLoader"/>).</summary>
public sealed class ComplianceCatalogue(IReadOnlyList<Framework> frameworks, IReadOnlyList<Control> controls)
{
    private readonly Dictionary<string, Framework> _frameworks = frameworks.ToDictionary(f => f.Id, StringComparer.Ordinal);
    private readonly Dictionary<string, Control> _controls = controls.ToDictionary(c => c.Id, StringComparer.Ordinal);

    public IReadOnlyList<Framework> Frameworks { get; } = frameworks;
    public IReadOnlyList<Control> Controls { get; } = controls;

    public Framework? Framework(string id) => _frameworks.GetValueOrDefault(id);

    public Control? Control(string id) => _controls.GetValueOrDefault(id);

    /// <summary>The controls mapped to one requirement.</summary>
    public IReadOnlyList<Control> ControlsOf(string framework, string requirement) =>
        [.. Controls.Where(c => c.Mappings.Any(m => m.Framework == framework && m.Requirement == requirement))];

    /// <summary>The controls any of whose checks is one of these.</summary>
    public IReadOnlyList<Control> ControlsUsing(IEnumerable<string> checks)
    {
        var set = checks.ToHashSet(StringComparer.Ordinal);
        return [.. Controls.Where(c => c.Checks.Any(set.Contains))];
    }
}
