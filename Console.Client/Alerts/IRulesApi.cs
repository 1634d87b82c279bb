using SecurityConsole.Shared.Detection;

namespace SecurityConsole.Client.Alerts;

/// <summary>The detection rules of the detection feature (api/v1/rules).</summary>
public interface IRulesApi
{
    Task<List<DetectionRuleView>> GetRulesAsync(CancellationToken ct = default);

    /// <summary>The rule types, each with its parameters (kind, range, meaning), for the rule forms.</summary>
    Task<List<RuleTypeInfo>> GetRuleTypesAsync(CancellationToken ct = default);

    Task<DetectionRuleView> UpdateRuleAsync(string id, DetectionRuleUpdate update, CancellationToken ct = default);

    Task<DetectionRuleView> CreateRuleAsync(DetectionRuleCreate rule, CancellationToken ct = default);

    Task DeleteRuleAsync(string id, CancellationToken ct = default);
}
