using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using SecurityConsole.Shared.Audit;
using SecurityConsole.Shared.Dashboard;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Users;

namespace SecurityConsole.Client.Services;

/// <summary>
/// The typed client for the console's REST API: the UI uses the same API as automation.
/// Failures become <see cref="ApiException"/> with a message a person can read.
/// </summary>
public partial class ConsoleApi(HttpClient http)
{
    /// <summary>As the server writes JSON: web defaults, enums as their names.</summary>
    protected static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web) { Converters = { new JsonStringEnumConverter() } };

    public virtual Task<CurrentUser> GetMeAsync(CancellationToken ct = default) => GetAsync<CurrentUser>("api/v1/me", ct);

    public virtual Task<DashboardSummary> GetDashboardAsync(CancellationToken ct = default) =>
        GetAsync<DashboardSummary>("api/v1/dashboard/summary", ct);

    public virtual Task<List<UserSummary>> GetUsersAsync(CancellationToken ct = default) => GetAsync<List<UserSummary>>("api/v1/users", ct);

    public virtual Task<List<RoleInfo>> GetRolesAsync(CancellationToken ct = default) => GetAsync<List<RoleInfo>>("api/v1/users/roles", ct);

    public virtual Task<List<InvitationSummary>> GetInvitationsAsync(CancellationToken ct = default) =>
        GetAsync<List<InvitationSummary>>("api/v1/users/invitations", ct);

    public virtual Task<InvitationCreated> InviteAsync(InviteUserRequest request, CancellationToken ct = default) =>
        SendAsync<InvitationCreated>(HttpMethod.Post, "api/v1/users/invitations", request, ct);

    public virtual Task RevokeInvitationAsync(string id, CancellationToken ct = default) =>
        SendAsync<object>(HttpMethod.Delete, $"api/v1/users/invitations/{Uri.EscapeDataString(id)}", null, ct);

    public virtual Task<UserSummary> SetRolesAsync(string userId, SetRolesRequest request, CancellationToken ct = default) =>
        SendAsync<UserSummary>(HttpMethod.Put, $"api/v1/users/{Uri.EscapeDataString(userId)}/roles", request, ct);

    public virtual Task<UserSummary> SetLockedAsync(string userId, bool locked, CancellationToken ct = default) =>
        SendAsync<UserSummary>(HttpMethod.Post, $"api/v1/users/{Uri.EscapeDataString(userId)}/{(locked ? "lock" : "unlock")}", null, ct);

    // Audit trail

    public virtual Task<AuditPage> SearchAuditAsync(AuditSearchQuery query, CancellationToken ct = default) =>
        GetAsync<AuditPage>("api/v1/audit" + query.ToQueryString(), ct);

    /// <summary>One entry in full; <paramref name="reveal"/> (needs pii:read) shows personal data unmasked and is itself audited.</summary>
    public virtual Task<AuditEntryView> GetAuditEntryAsync(long sequence, bool reveal = false, CancellationToken ct = default) =>
        GetAsync<AuditEntryView>($"api/v1/audit/{sequence}{(reveal ? "?reveal=true" : "")}", ct);

    public virtual Task<ChainStatus> GetAuditChainAsync(CancellationToken ct = default) => GetAsync<ChainStatus>("api/v1/audit/chain", ct);

    public virtual Task<VerifyResult> VerifyAuditAsync(VerifyRequest request, CancellationToken ct = default) =>
        SendAsync<VerifyResult>(HttpMethod.Post, "api/v1/audit/verify", request, ct);

    public virtual Task<RetentionPolicy> GetAuditRetentionAsync(CancellationToken ct = default) =>
        GetAsync<RetentionPolicy>("api/v1/audit/retention", ct);

    public virtual Task<RetentionPolicy> SetAuditRetentionAsync(SetRetentionRequest request, CancellationToken ct = default) =>
        SendAsync<RetentionPolicy>(HttpMethod.Put, "api/v1/audit/retention", request, ct);

    public virtual Task<LegalHoldView> PlaceLegalHoldAsync(LegalHoldRequest request, CancellationToken ct = default) =>
        SendAsync<LegalHoldView>(HttpMethod.Post, "api/v1/audit/legal-hold", request, ct);

    public virtual Task LiftLegalHoldAsync(LegalHoldRequest request, CancellationToken ct = default) =>
        SendAsync<object>(HttpMethod.Delete, "api/v1/audit/legal-hold", request, ct);

    public virtual Task<ErasureResult> EraseAuditSubjectAsync(ErasureRequest request, CancellationToken ct = default) =>
        SendAsync<ErasureResult>(HttpMethod.Post, "api/v1/audit/erasure", request, ct);

    // API keys

    /// <summary>The scopes a key may be requested with, each with its risk.</summary>
    public virtual Task<List<RequestableScope>> GetRequestableScopesAsync(CancellationToken ct = default) =>
        GetAsync<List<RequestableScope>>("api/v1/keys/scopes", ct);

    /// <summary>The admins' key policy: the scope catalogue, auto-approval and maximum age per environment.</summary>
    public virtual Task<KeyPolicy> GetKeyPolicyAsync(CancellationToken ct = default) => GetAsync<KeyPolicy>("api/v1/keys/policy", ct);

    public virtual Task<KeyPolicy> SetKeyPolicyAsync(KeyPolicy policy, CancellationToken ct = default) =>
        SendAsync<KeyPolicy>(HttpMethod.Put, "api/v1/keys/policy", policy, ct);

    public virtual Task<KeyRequestSummary> RequestKeyAsync(KeyRequestCreate request, CancellationToken ct = default) =>
        SendAsync<KeyRequestSummary>(HttpMethod.Post, "api/v1/keys/requests", request, ct);

    /// <summary>Every request for approvers, one's own otherwise; newest first.</summary>
    public virtual Task<List<KeyRequestSummary>> GetKeyRequestsAsync(string? status = null, CancellationToken ct = default) =>
        GetAsync<List<KeyRequestSummary>>("api/v1/keys/requests" + Query(("status", status)), ct);

    public virtual Task<KeyRequestSummary> DecideKeyRequestAsync(Guid id, bool approve, KeyRequestDecision decision, CancellationToken ct = default) =>
        SendAsync<KeyRequestSummary>(HttpMethod.Post, $"api/v1/keys/requests/{id}/{(approve ? "approve" : "reject")}", decision, ct);

    /// <summary>The secret of an approved request, exactly once; afterwards the server answers 410 Gone.</summary>
    public virtual Task<ApiKeyIssued> PickUpRequestedKeyAsync(Guid requestId, CancellationToken ct = default) =>
        SendAsync<ApiKeyIssued>(HttpMethod.Post, $"api/v1/keys/requests/{requestId}/pickup", null, ct);

    /// <summary>A key's waiting secret (after approval or rotation), exactly once; afterwards 410 Gone.</summary>
    public virtual Task<ApiKeyIssued> PickUpKeyAsync(Guid keyId, CancellationToken ct = default) =>
        SendAsync<ApiKeyIssued>(HttpMethod.Post, $"api/v1/keys/{keyId}/pickup", null, ct);

    /// <summary>One page of keys and the number matching in all: every key for keys:read, one's own otherwise.</summary>
    public virtual Task<KeyPage> GetKeysAsync(KeyListQuery query, CancellationToken ct = default) =>
        GetAsync<KeyPage>("api/v1/keys" + query.ToQueryString(), ct);

    /// <summary>
    /// Every matching key, read page by page: for short lists such as one person's own keys. A long list
    /// (everyone's keys) belongs in a paged table instead.
    /// </summary>
    public async Task<List<ApiKeySummary>> GetAllKeysAsync(KeyListQuery query, CancellationToken ct = default)
    {
        var all = new List<ApiKeySummary>();
        for (var page = 1; ; page++)
        {
            var found = await GetKeysAsync(query with { Page = page, PageSize = KeyListQuery.MaxPageSize }, ct);
            all.AddRange(found.Items);
            if (found.Items.Count == 0 || all.Count >= found.Total)
            {
                return all;
            }
        }
    }

    public virtual Task<ApiKeySummary> GetKeyAsync(Guid id, CancellationToken ct = default) => GetAsync<ApiKeySummary>($"api/v1/keys/{id}", ct);

    /// <summary>Uses per minute over the last <paramref name="hours"/> hours (at most 720); minutes without use are absent.</summary>
    public virtual Task<List<KeyUsagePoint>> GetKeyUsageAsync(Guid id, int hours, CancellationToken ct = default) =>
        GetAsync<List<KeyUsagePoint>>($"api/v1/keys/{id}/usage?hours={hours}", ct);

    public virtual Task<KeyRotated> RotateKeyAsync(Guid id, RotateKeyRequest request, CancellationToken ct = default) =>
        SendAsync<KeyRotated>(HttpMethod.Post, $"api/v1/keys/{id}/rotate", request, ct);

    /// <summary>Suspends a key (reversibly) with a reason; verify answers "disabled" until it is enabled.</summary>
    public virtual Task<ApiKeySummary> DisableKeyAsync(Guid id, DisableKeyRequest request, CancellationToken ct = default) =>
        SendAsync<ApiKeySummary>(HttpMethod.Post, $"api/v1/keys/{id}/disable", request, ct);

    public virtual Task<ApiKeySummary> EnableKeyAsync(Guid id, CancellationToken ct = default) =>
        SendAsync<ApiKeySummary>(HttpMethod.Post, $"api/v1/keys/{id}/enable", null, ct);

    public virtual Task<ApiKeySummary> RevokeKeyAsync(Guid id, RevokeKeyRequest request, CancellationToken ct = default) =>
        SendAsync<ApiKeySummary>(HttpMethod.Post, $"api/v1/keys/{id}/revoke", request, ct);

    /// <summary>
    /// The export's address for a plain link: the browser sends the session cookie on a GET, and the
    /// server streams the file with its name. Paging positions are dropped: an export has every match.
    /// </summary>
    public static string AuditExportUrl(AuditSearchQuery query, string format)
    {
        var filters = (query with { Before = null, After = null, Limit = AuditSearchQuery.DefaultLimit }).ToQueryString();
        return $"api/v1/audit/export?format={Uri.EscapeDataString(format)}{(filters.Length > 0 ? "&" + filters[1..] : "")}";
    }

    private static string Query(params (string Name, string? Value)[] parameters)
    {
        var given = parameters.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return given.Count == 0 ? "" : "?" + string.Join('&', given);
    }

    protected async Task<T> GetAsync<T>(string url, CancellationToken ct)
    {
        using var response = await http.GetAsync(url, ct);
        await EnsureSuccessAsync(response, ct);
        return (await response.Content.ReadFromJsonAsync<T>(Json, ct))!;
    }

    protected async Task<T> SendAsync<T>(HttpMethod method, string url, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }
        using var response = await http.SendAsync(request, ct);
        await EnsureSuccessAsync(response, ct);
        if (response.StatusCode == HttpStatusCode.NoContent || typeof(T) == typeof(object))
        {
            return default!;
        }
        return (await response.Content.ReadFromJsonAsync<T>(Json, ct))!;
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        ProblemBody? problem = null;
        try
        {
            problem = await response.Content.ReadFromJsonAsync<ProblemBody>(JsonSerializerOptions.Web, ct);
        }
        catch (JsonException)
        {
        }
        catch (NotSupportedException)
        {
        }
        throw new ApiException(response.StatusCode, problem?.Title, problem?.Detail, problem?.Errors);
    }

    private sealed record ProblemBody(string? Title, string? Detail, Dictionary<string, string[]>? Errors);
}

public sealed class ApiException(HttpStatusCode status, string? title, string? detail, IReadOnlyDictionary<string, string[]>? errors)
    : Exception(Describe(status, title, detail, errors))
{
    public HttpStatusCode Status { get; } = status;
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors ?? new Dictionary<string, string[]>();

    private static string Describe(HttpStatusCode status, string? title, string? detail, IReadOnlyDictionary<string, string[]>? errors)
    {
        if (errors is { Count: > 0 })
        {
            return string.Join(" ", errors.SelectMany(e => e.Value));
        }
        return status switch
        {
            HttpStatusCode.Unauthorized => "Your session has ended. Sign in again.",
            HttpStatusCode.Forbidden => detail ?? "Your roles do not allow this.",
            HttpStatusCode.NotFound => detail ?? "It no longer exists.",
            HttpStatusCode.TooManyRequests => "Too many requests; wait a moment and try again.",
            >= HttpStatusCode.InternalServerError => "The console had a problem. Try again; if it persists, tell your admin.",
            _ => detail ?? title ?? $"The request failed ({(int)status}).",
        };
    }
}
