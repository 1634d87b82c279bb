using SecurityConsole.Shared.Reports;

namespace SecurityConsole.Server.Reports.Templates;

/// <summary>
/// The built-in reports: one Liquid template per report type, shipped in the assembly. Their version is
/// <see cref="Version"/>; a change to a built-in template raises it, so that runs stay pinned to what they used.
/// </summary>
public static class BuiltInTemplates
{
    public const int Version = 1;

    private static readonly Dictionary<string, string> Sources = ReportTypes.All.ToDictionary(t => t.Id, t => Load(t.Id));

    public static string Source(string type) => Sources[type];

    public static bool IsBuiltIn(string template) => ReportTypes.Find(template) is not null;

    private static string Load(string type)
    {
        using var stream = typeof(BuiltInTemplates).Assembly.GetManifestResourceStream($"SecurityConsole.Server.Reports.{type}")
            ?? throw new InvalidOperationException($"The built-in template {type} is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
