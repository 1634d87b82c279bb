using Microsoft.AspNetCore.Http.HttpResults;
using SecurityConsole.Shared.Compliance;

namespace SecurityConsole.Server.Compliance;

/// <summary>Evidence items: each one re-hashed on demand and placed in the audit chain.</summary>
public static class EvidenceEndpoints
{
    public static RouteGroupBuilder MapEvidence(this RouteGroupBuilder group)
    {
        group.MapGet("/evidence/{id:long}/verify", VerifyItemAsync).WithName("VerifyComplianceEvidence")
            .WithSummary("Recompute an evidence item's SHA-256 and find it in its audit entry: its position in the chain.");
        return group;
    }

    private static async Task<Results<Ok<EvidenceVerification>, NotFound>> VerifyItemAsync(long id, EvidenceQueries evidence, CancellationToken ct) =>
        await evidence.VerifyAsync(id, ct) is { } verification ? TypedResults.Ok(verification) : TypedResults.NotFound();
}
