using SecurityConsole.Server.Audit;
using SecurityConsole.Shared.Audit;

namespace SecurityConsole.Server.Compliance;

/// <summary>The retention floors of the enabled frameworks, read from their files, for the Audit feature.</summary>
public sealed class FrameworkRetentionFloors(ComplianceCatalogue catalogue, ComplianceSettings settings) : IRetentionFloors
{
    public async Task<IReadOnlyList<RetentionFloor>> AllAsync(CancellationToken ct)
    {
        var enabled = (await settings.GetAsync(ct)).Enabled;
        return [.. catalogue.Frameworks.Where(f => enabled.Contains(f.Id)).SelectMany(f => f.Retention.Select(r => new RetentionFloor(
            f.Name, f.Find(r.Requirement) is { } req ? $"{r.Requirement}: {req.Title}" : r.Requirement, r.Days, r.Categories)))];
    }
}
