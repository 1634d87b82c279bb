using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using SecurityConsole.Server.Common;

namespace SecurityConsole.Server.Hosting.ApiContract;

/// <summary>The document's title, licence, server and tags: what a reader or a generator sees before any operation.</summary>
public sealed class DocumentInfoTransformer(ConsoleSettings settings) : IOpenApiDocumentTransformer
{
    /// <summary>Every tag the endpoints use, with what it groups; a tag missing here fails ApiContractTests.</summary>
    public static IReadOnlyDictionary<string, string> Tags { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Users"] = "The caller (`/me`), the people of the console, their roles, locks and invitations.",
        ["Dashboard"] = "The figures of the home page, each shown only to a caller allowed to see it.",
        ["Keys"] = "API keys: requests and approval, issue and pickup, rotation, revocation, the key policy, and `verify` for services that check a key.",
        ["Audit"] = "The tamper-evident audit trail: search, export, chain verification, signed checkpoints, retention and erasure.",
        ["Detection"] = "Security events sent by services (`POST /events`) and read back.",
        ["Alerts"] = "Alerts raised by the detection rules, and their triage.",
        ["Detection rules"] = "The rules that turn events into alerts.",
        ["Threats"] = "Threat analytics over events and alerts: timeline, heat map, top entities.",
        ["Compliance"] = "Frameworks, controls and their evidence, exceptions, attestations, evidence packs and access reviews.",
        ["Reports"] = "Report templates, runs and their signed artifacts, and schedules.",
    };

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "Security Console API";
        document.Info.Description = "The REST API the console's own UI uses. People authenticate with the sign-in cookie; " +
            "services with `Authorization: Bearer <api key>`. Errors are RFC 7807 problem details. " +
            "Versioning and deprecation policy, and a getting-started guide: docs/api.md.";
        // The console is proprietary; the terms are in LICENSE at the repository root (ADR 0053).
        document.Info.License = new OpenApiLicense { Name = "Proprietary", Identifier = "LicenseRef-Proprietary" };
        // Behind a proxy the request's own address is not the one clients use: Console:PublicUrl is.
        if (settings.PublicUrl is { } publicUrl)
        {
            document.Servers = [new OpenApiServer { Url = publicUrl }];
        }
        // The framework writes the request's base address, which ends in "/"; paths begin with one already.
        foreach (var server in document.Servers ?? [])
        {
            server.Url = server.Url?.TrimEnd('/');
        }
        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
        {
            if (tag.Name is { } name && Tags.TryGetValue(name, out var description))
            {
                tag.Description = description;
            }
        }
        return Task.CompletedTask;
    }
}
