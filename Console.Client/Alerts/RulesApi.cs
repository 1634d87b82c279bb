using SecurityConsole.Client.Services;
using SecurityConsole.Shared.Detection;

namespace SecurityConsole.Client.Alerts;

internal sealed class RulesApi(ConsoleApi api) : IRulesApi
{
    public Task<List<DetectionRuleView>> GetRulesAsync(CancellationToken ct = default) => api.GetAsync<List<DetectionRuleView>>("api/v1/rules", ct);

    public Task<List<RuleTypeInfo>> GetRuleTypesAsync(CancellationToken ct = default) => api.GetAsync<List<RuleTypeInfo>>("api/v1/rules/types", ct);

    public Task<DetectionRuleView> UpdateRuleAsync(string id, DetectionRuleUpdate update, CancellationToken ct = default) =>
        api.SendAsync<DetectionRuleView>(HttpMethod.Put, $"api/v1/rules/{Uri.EscapeDataString(id)}", update, ct);

    public Task<DetectionRuleView> CreateRuleAsync(DetectionRuleCreate rule, CancellationToken ct = default) =>
        api.SendAsync<DetectionRuleView>(HttpMethod.Post, "api/v1/rules", rule, ct);

    public Task DeleteRuleAsync(string id, CancellationToken ct = default) =>
        api.SendAsync<object>(HttpMethod.Delete, $"api/v1/rules/{Uri.EscapeDataString(id)}", null, ct);
}
