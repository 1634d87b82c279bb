using static SecurityConsole.Shared.Security.ApiAccess;
using P = SecurityConsole.Shared.Security.Permissions;

namespace SecurityConsole.Shared.Security;

/// <summary>
/// The authorization table: who may call each operation of the REST API. The server builds every API endpoint's
/// authorization from it (an endpoint without an entry does not start), the authorization matrix test calls every
/// operation as every kind of caller against it, and docs/api.md's "Who may call what" is checked against it.
/// Checks that depend on the object (the owner of a key, one's own request) happen in the handlers on top of this.
/// </summary>
public static class ApiAuthorization
{
    // Declared before the table, which reads them: static fields are set in the order they are written.
    /// <summary>When the renames of issue 16 were announced, and when the old routes stop answering (6 months on).</summary>
    public static readonly DateTimeOffset RenamesAnnounced = new(2026, 12, 2, 0, 0, 0, TimeSpan.Zero);

    public static readonly DateTimeOffset RenamesSunset = new(2027, 6, 2, 0, 0, 0, TimeSpan.Zero);

    private static readonly ApiAccess ReadKeys = NeedsAnyOf(P.KeysRead, P.KeysWrite, P.KeysRequest);
    private static readonly ApiAccess KeyRequests = NeedsAnyOf(P.KeysRequest, P.KeysApprove);
    private static readonly ApiAccess ReadRules = NeedsAnyOf(P.AlertsRead, P.RulesManage);
    // Acting on an alert or on the audit trail shows what is acted on: the read permission is needed as well.
    private static readonly ApiAccess Triage = Needs(P.AlertsRead).And(P.AlertsTriage);
    private static readonly ApiAccess ManageAudit = Needs(P.AuditRead).And(P.AuditManage);
    private static readonly ApiAccess ManageCompliance = Needs(P.ComplianceRead).And(P.ComplianceManage);
    private static readonly ApiAccess WriteReports = Needs(P.ReportsRead).And(P.ReportsWrite);

    public static IReadOnlyList<ApiOperation> Operations { get; } =
    [
        Get("/api/v1/me", SignedIn),
        // Each figure of the summary is left out (null) for a caller without the permission that reveals it.
        Get("/api/v1/dashboard/summary", SignedIn),

        Get("/api/v1/users", Needs(P.UsersManage)),
        Get("/api/v1/users/roles", Needs(P.UsersManage)),
        Put("/api/v1/users/{id}/roles", Needs(P.UsersManage)),
        Post("/api/v1/users/{id}/lock", Needs(P.UsersManage)),
        Post("/api/v1/users/{id}/unlock", Needs(P.UsersManage)),
        Get("/api/v1/invitations", Needs(P.UsersManage)),
        Post("/api/v1/invitations", Needs(P.UsersManage)),
        Delete("/api/v1/invitations/{id}", Needs(P.UsersManage)),

        Get("/api/v1/keys/scopes", ReadKeys),
        Get("/api/v1/keys/policy", ReadKeys),
        // A key never changes the policy that governs keys (issue 10): a person must.
        Put("/api/v1/keys/policy", Needs(P.KeysWrite).PeopleOnly()),
        Post("/api/v1/key-requests", Needs(P.KeysRequest)),
        Get("/api/v1/key-requests", KeyRequests),
        Get("/api/v1/key-requests/{id}", KeyRequests),
        Post("/api/v1/key-requests/{id}/approve", Needs(P.KeysApprove)),
        Post("/api/v1/key-requests/{id}/reject", Needs(P.KeysApprove)),
        Post("/api/v1/key-requests/{id}/pickup", Needs(P.KeysRequest)),
        Get("/api/v1/keys", ReadKeys),
        Get("/api/v1/keys/{id}", ReadKeys),
        Get("/api/v1/keys/{id}/usage", ReadKeys),
        Post("/api/v1/keys/{id}/pickup", ReadKeys),
        Post("/api/v1/keys/{id}/revoke", ReadKeys),
        Post("/api/v1/keys/{id}/disable", ReadKeys),
        Post("/api/v1/keys/{id}/enable", ReadKeys),
        Post("/api/v1/keys/{id}/rotate", ReadKeys),
        // A key rotates itself; a person calling it is told to rotate by id (400).
        Post("/api/v1/keys/self/rotate", SignedIn),
        Post("/api/v1/keys/leaked", NeedsAnyOf(P.KeysWrite, P.KeysVerify)),
        Post("/api/v1/keys/verify", Needs(P.KeysVerify)),

        Get("/api/v1/audit", Needs(P.AuditRead)),
        Get("/api/v1/audit/{sequence}", Needs(P.AuditRead)),
        Get("/api/v1/audit/export", Needs(P.AuditRead)),
        Get("/api/v1/audit/chain", Needs(P.AuditRead)),
        Post("/api/v1/audit/verify", Needs(P.AuditRead)),
        Get("/api/v1/audit/checkpoints", Needs(P.AuditRead)),
        Post("/api/v1/audit/checkpoints", ManageAudit),
        // Anyone checking a signed checkpoint outside the console needs the public key; it reveals nothing.
        Get("/api/v1/audit/checkpoints/public-key", Anyone),
        Get("/api/v1/audit/retention", Needs(P.AuditRead)),
        Put("/api/v1/audit/retention", ManageAudit),
        Post("/api/v1/audit/legal-hold", ManageAudit),
        Delete("/api/v1/audit/legal-hold", ManageAudit),
        Post("/api/v1/audit/erasure", ManageAudit),

        Post("/api/v1/events", Needs(P.EventsWrite)),
        Get("/api/v1/events", Needs(P.AlertsRead)),

        Get("/api/v1/alerts", Needs(P.AlertsRead)),
        Get("/api/v1/alerts/summary", Needs(P.AlertsRead)),
        Get("/api/v1/alerts/changes", Needs(P.AlertsRead)),
        Get("/api/v1/alerts/assignees", Needs(P.AlertsRead)),
        Get("/api/v1/alerts/{id}", Needs(P.AlertsRead)),
        Post("/api/v1/alerts/{id}/acknowledge", Triage),
        Post("/api/v1/alerts/{id}/assign", Triage),
        Post("/api/v1/alerts/{id}/notes", Triage),
        Post("/api/v1/alerts/{id}/resolve", Triage),
        Post("/api/v1/alerts/{id}/false-positive", Triage),
        Post("/api/v1/alerts/{id}/reopen", Triage),

        Get("/api/v1/rules", ReadRules),
        Get("/api/v1/rules/types", ReadRules),
        Get("/api/v1/rules/{id}", ReadRules),
        Post("/api/v1/rules", Needs(P.RulesManage)),
        Put("/api/v1/rules/{id}", Needs(P.RulesManage)),
        Delete("/api/v1/rules/{id}", Needs(P.RulesManage)),

        Get("/api/v1/threats/timeline", Needs(P.AlertsRead)),
        Get("/api/v1/threats/heatmap", Needs(P.AlertsRead)),
        Get("/api/v1/threats/top-entities", Needs(P.AlertsRead)),
        Get("/api/v1/threats/entity", Needs(P.AlertsRead)),

        Get("/api/v1/compliance", Needs(P.ComplianceRead)),
        Get("/api/v1/compliance/frameworks", Needs(P.ComplianceRead)),
        Get("/api/v1/compliance/frameworks/{id}", Needs(P.ComplianceRead)),
        // Which frameworks count changes what every check and retention floor measures against: a person decides.
        Put("/api/v1/compliance/frameworks/{id}", ManageCompliance.PeopleOnly()),
        Get("/api/v1/compliance/frameworks/{id}/requirements/{requirement}", Needs(P.ComplianceRead)),
        Get("/api/v1/compliance/controls/{id}", Needs(P.ComplianceRead)),
        Get("/api/v1/compliance/parameters", Needs(P.ComplianceRead)),
        Put("/api/v1/compliance/parameters", ManageCompliance.PeopleOnly()),
        Post("/api/v1/compliance/evaluate", ManageCompliance),
        Get("/api/v1/compliance/evidence/{id}/verify", Needs(P.ComplianceRead)),
        // An attestation is a person's word: a key cannot give it.
        Post("/api/v1/compliance/controls/{id}/attestations", Needs(P.ComplianceRead).And(P.ComplianceAttest).PeopleOnly()),
        Get("/api/v1/compliance/exceptions", Needs(P.ComplianceRead)),
        Post("/api/v1/compliance/exceptions", ManageCompliance.PeopleOnly()),
        Post("/api/v1/compliance/exceptions/{id}/approve", ManageCompliance.PeopleOnly()),
        Post("/api/v1/compliance/exceptions/{id}/reject", ManageCompliance.PeopleOnly()),
        Post("/api/v1/compliance/attestations/{id}/files", Needs(P.ComplianceRead).And(P.ComplianceAttest).PeopleOnly()),
        Post("/api/v1/compliance/exceptions/{id}/files", ManageCompliance.PeopleOnly()),
        Get("/api/v1/compliance/evidence/{id}/file", Needs(P.ComplianceRead)),
        Get("/api/v1/compliance/controls/{id}/records", Needs(P.ComplianceRead)),
        Get("/api/v1/compliance/controls/{id}/effectiveness", Needs(P.ComplianceRead)),
        // Auditors read and export: a pack is a read, audited as one.
        Get("/api/v1/compliance/frameworks/{id}/pack", Needs(P.ComplianceRead)),
        Post("/api/v1/compliance/packs/verify", Needs(P.ComplianceRead)),
        // An access review's revoke also needs the power it uses (users:manage, keys:write), checked by those actions.
        Get("/api/v1/compliance/access-reviews", Needs(P.ComplianceRead)),
        Post("/api/v1/compliance/access-reviews", ManageCompliance.PeopleOnly()),
        Get("/api/v1/compliance/access-reviews/{id}", Needs(P.ComplianceRead)),
        Post("/api/v1/compliance/access-reviews/{id}/items/{item}/decision", ManageCompliance.PeopleOnly()),
        Post("/api/v1/compliance/access-reviews/{id}/finish", ManageCompliance.PeopleOnly()),
        // Reports (issue 13). A run reads with its owner's permissions, checked again at every run; the data a report
        // type reads needs its own permission on top (docs/reports.md). Runs are the caller's own.
        Get("/api/v1/reports/catalogue", Needs(P.ReportsRead)),
        Post("/api/v1/reports/runs", Needs(P.ReportsRead)),
        Get("/api/v1/reports/runs", Needs(P.ReportsRead)),
        Get("/api/v1/reports/runs/{id}", Needs(P.ReportsRead)),
        Post("/api/v1/reports/runs/{id}/cancel", Needs(P.ReportsRead)),
        Get("/api/v1/reports/runs/{id}/download", Needs(P.ReportsRead)),
        Get("/api/v1/reports/runs/{id}/verify", Needs(P.ReportsRead)),
        Get("/api/v1/reports/templates", Needs(P.ReportsRead)),
        Post("/api/v1/reports/templates", WriteReports),
        Get("/api/v1/reports/templates/{id}", Needs(P.ReportsRead)),
        Post("/api/v1/reports/templates/{id}/versions", WriteReports),
        Put("/api/v1/reports/templates/{id}/versions/{version}", WriteReports),
        Post("/api/v1/reports/templates/{id}/publish", WriteReports),
        Get("/api/v1/reports/templates/{id}/diff", Needs(P.ReportsRead)),
        Post("/api/v1/reports/templates/validate", WriteReports),
        Post("/api/v1/reports/templates/preview", WriteReports),
        // Schedules are their owner's; a scheduled run reads with the owner's permissions at the time it fires.
        Get("/api/v1/reports/schedules", Needs(P.ReportsRead)),
        Post("/api/v1/reports/schedules", WriteReports),
        Get("/api/v1/reports/schedules/{id}", Needs(P.ReportsRead)),
        Put("/api/v1/reports/schedules/{id}", WriteReports),
        Delete("/api/v1/reports/schedules/{id}", WriteReports),

        // Renamed routes, kept answering until their sunset (docs/api.md, "Versioning and deprecation"): /keys/requests/{id}
        // and /users/invitations/{id} read, to a tool without ASP.NET Core's "a literal beats a parameter", like
        // /keys/{id}/revoke and /users/{id}/roles. Each needs what its successor needs (checked below).
        Renamed(Post("/api/v1/keys/requests", Needs(P.KeysRequest)), "/api/v1/key-requests"),
        Renamed(Get("/api/v1/keys/requests", KeyRequests), "/api/v1/key-requests"),
        Renamed(Get("/api/v1/keys/requests/{id}", KeyRequests), "/api/v1/key-requests/{id}"),
        Renamed(Post("/api/v1/keys/requests/{id}/approve", Needs(P.KeysApprove)), "/api/v1/key-requests/{id}/approve"),
        Renamed(Post("/api/v1/keys/requests/{id}/reject", Needs(P.KeysApprove)), "/api/v1/key-requests/{id}/reject"),
        Renamed(Post("/api/v1/keys/requests/{id}/pickup", Needs(P.KeysRequest)), "/api/v1/key-requests/{id}/pickup"),
        Renamed(Get("/api/v1/users/invitations", Needs(P.UsersManage)), "/api/v1/invitations"),
        Renamed(Post("/api/v1/users/invitations", Needs(P.UsersManage)), "/api/v1/invitations"),
        Renamed(Delete("/api/v1/users/invitations/{id}", Needs(P.UsersManage)), "/api/v1/invitations/{id}"),
    ];


    private static readonly Dictionary<(string Method, string Route), ApiOperation> ByRoute = Index(Operations);

    /// <summary>The entry for this method and route template (parameters as <c>{name}</c>, no constraints), or null.</summary>
    public static ApiOperation? Find(string method, string route) =>
        ByRoute.GetValueOrDefault((method.ToUpperInvariant(), route));

    private static ApiOperation Renamed(ApiOperation old, string successor) =>
        old with { Deprecation = new ApiDeprecation(successor, RenamesAnnounced, RenamesSunset) };

    /// <summary>Indexes the table, refusing an old route whose successor is missing or needs something else.</summary>
    private static Dictionary<(string Method, string Route), ApiOperation> Index(IReadOnlyList<ApiOperation> operations)
    {
        var byRoute = operations.ToDictionary(o => (o.Method, o.Route));
        foreach (var old in operations.Where(o => o.Deprecation is not null))
        {
            var successor = byRoute.GetValueOrDefault((old.Method, old.Deprecation!.Successor));
            if (successor is null || successor.Deprecation is not null || !SameAccess(successor.Access, old.Access))
            {
                throw new InvalidOperationException(
                    $"{old} is renamed to {old.Method} {old.Deprecation.Successor}, which must be in the table, current, and need the same.");
            }
        }
        return byRoute;
    }

    private static bool SameAccess(ApiAccess a, ApiAccess b) =>
        a.Public == b.Public && a.Callers == b.Callers && a.Requires.Count == b.Requires.Count
        && a.Requires.Zip(b.Requires).All(p => p.First.SequenceEqual(p.Second));

    private static ApiOperation Get(string route, ApiAccess access) => new("GET", route, access);

    private static ApiOperation Post(string route, ApiAccess access) => new("POST", route, access);

    private static ApiOperation Put(string route, ApiAccess access) => new("PUT", route, access);

    private static ApiOperation Delete(string route, ApiAccess access) => new("DELETE", route, access);
}
