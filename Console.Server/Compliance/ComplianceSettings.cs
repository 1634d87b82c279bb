using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Data;
using SecurityConsole.Shared.Compliance;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Server.Compliance;

/// <summary>The compliance settings document: which frameworks are enabled, and the checks' parameters.</summary>
public sealed record ComplianceSettingsDocument(IReadOnlyList<string> Enabled, ComplianceParameters Parameters);

/// <summary>
/// Reads and changes the settings document (one row of console_settings), each change audited in the same save.
/// A new console has every framework enabled. A stored document that cannot be read falls back to the defaults,
/// which are the strict ones: every framework enabled, the standards' own limits.
/// </summary>
public sealed class ComplianceSettings(ConsoleDbContext db, ComplianceCatalogue catalogue, AuditTrail audit, TimeProvider clock, ILogger<ComplianceSettings> logger)
{
    public const string SettingName = "compliance";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web);

    public async Task<ComplianceSettingsDocument> GetAsync(CancellationToken ct)
    {
        var row = await db.Settings.AsNoTracking().FirstOrDefaultAsync(s => s.Name == SettingName, ct);
        return row is null ? Default : Read(row.Json);
    }

    public async Task<IReadOnlyList<Framework>> EnabledAsync(CancellationToken ct)
    {
        var enabled = (await GetAsync(ct)).Enabled;
        return [.. catalogue.Frameworks.Where(f => enabled.Contains(f.Id))];
    }

    public async Task<ComplianceSettingsDocument> SetEnabledAsync(string framework, bool enabled, string by, CancellationToken ct)
    {
        var (row, before) = await LoadForChangeAsync(ct);
        var list = enabled ? before.Enabled.Append(framework).Distinct().ToList() : before.Enabled.Where(f => f != framework).ToList();
        var after = before with { Enabled = [.. list.Order(StringComparer.Ordinal)] };
        Store(row, after, by);
        audit.Record(new AuditEvent(AuditCategories.Admin, enabled ? AuditActions.ComplianceFrameworkEnabled : AuditActions.ComplianceFrameworkDisabled, "compliance_framework", framework,
            Data: new { framework, enabled = after.Enabled }));
        await db.SaveChangesAsync(ct);
        return after;
    }

    public async Task<ComplianceSettingsDocument> SetParametersAsync(ComplianceParameters parameters, string by, CancellationToken ct)
    {
        var (row, before) = await LoadForChangeAsync(ct);
        var after = before with { Parameters = parameters };
        Store(row, after, by);
        audit.Record(new AuditEvent(AuditCategories.Admin, AuditActions.ComplianceParametersChanged, "compliance_parameters", SettingName,
            Data: new { before = before.Parameters, after = parameters }));
        await db.SaveChangesAsync(ct);
        return after;
    }

    private ComplianceSettingsDocument Default => new([.. catalogue.Frameworks.Select(f => f.Id)], ComplianceParameters.Default);

    private async Task<(ConsoleSetting Row, ComplianceSettingsDocument Before)> LoadForChangeAsync(CancellationToken ct)
    {
        var row = await db.Settings.FirstOrDefaultAsync(s => s.Name == SettingName, ct);
        if (row is null)
        {
            row = new ConsoleSetting { Name = SettingName, Json = "" };
            db.Settings.Add(row);
            return (row, Default);
        }
        return (row, Read(row.Json));
    }

    private void Store(ConsoleSetting row, ComplianceSettingsDocument doc, string by)
    {
        row.Json = JsonSerializer.Serialize(doc, Json);
        row.UpdatedAt = clock.GetUtcNow();
        row.UpdatedBy = by;
    }

    private ComplianceSettingsDocument Read(string json)
    {
        try
        {
            if (JsonSerializer.Deserialize<ComplianceSettingsDocument>(json, Json) is { Enabled: not null, Parameters: not null } doc
                && Validator.Run(doc.Parameters).IsValid)
            {
                return doc with { Enabled = [.. doc.Enabled.Where(id => catalogue.Framework(id) is not null)] };
            }
        }
        catch (JsonException)
        {
        }
        logger.LogError("The stored compliance settings cannot be read; every framework is evaluated with the default parameters until an admin saves them again");
        return Default;
    }
}
