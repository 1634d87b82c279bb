using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Data;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Server.Keys;

/// <summary>
/// The key policy admins edit (scope catalogue, auto-approval and rotation age per environment), stored as one
/// settings document. Read from the database on each use: requests and the daily rotation job are rare, and
/// every node sees a change at once, without a restart.
/// </summary>
public sealed class KeyPolicyStore(ConsoleDbContext db, AuditTrail audit, TimeProvider clock, ILogger<KeyPolicyStore> logger)
{
    public const string SettingName = "key-policy";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>A stored policy that cannot be read approves nothing by itself: every request goes to a person.</summary>
    public static KeyPolicy FailClosed { get; } = KeyPolicy.Default with
    {
        Environments = [.. KeyPolicy.Default.Environments.Select(e => e with { AutoApproveUpTo = null })],
    };

    public async Task<KeyPolicy> GetAsync(CancellationToken ct)
    {
        var row = await db.Settings.AsNoTracking().FirstOrDefaultAsync(s => s.Name == SettingName, ct);
        return row is null ? KeyPolicy.Default : Read(row.Json);
    }

    public async Task<KeyPolicy> SaveAsync(string userId, KeyPolicy policy, CancellationToken ct)
    {
        var normalised = policy with
        {
            Scopes = [.. policy.Scopes.Select(s => s with { Description = s.Description.Trim() })],
            Environments = [.. KeyEnvironments.All.Select(e => policy.Environments.Single(p => p.Environment == e))],
        };
        var row = await db.Settings.FirstOrDefaultAsync(s => s.Name == SettingName, ct);
        var before = row is null ? KeyPolicy.Default : Read(row.Json);
        if (row is null)
        {
            row = new ConsoleSetting { Name = SettingName, Json = "" };
            db.Settings.Add(row);
        }
        row.Json = JsonSerializer.Serialize(normalised, Json);
        row.UpdatedAt = clock.GetUtcNow();
        row.UpdatedBy = userId;
        audit.Record(new AuditEvent(AuditCategories.Admin, AuditActions.KeyPolicyChanged, "key_policy", SettingName,
            Data: new { before = Describe(before), after = Describe(normalised) }));
        await db.SaveChangesAsync(ct);
        return normalised;
    }

    private KeyPolicy Read(string json)
    {
        try
        {
            var policy = JsonSerializer.Deserialize<KeyPolicy>(json, Json);
            if (policy is not null && Validator.Run(policy).IsValid)
            {
                return policy;
            }
        }
        catch (JsonException)
        {
        }
        logger.LogError("The stored key policy cannot be read; every key request now waits for an approver until an admin saves the policy again");
        return FailClosed;
    }

    /// <summary>The audit entry's view of a policy: compact and complete enough to see what changed.</summary>
    private static object Describe(KeyPolicy policy) => new
    {
        scopes = policy.Scopes.Select(s => $"{s.Name}:{s.Risk}").ToArray(),
        environments = policy.Environments.Select(e => new { e.Environment, autoApproveUpTo = e.AutoApproveUpTo?.ToString(), e.RotateAfterDays }).ToArray(),
    };
}
