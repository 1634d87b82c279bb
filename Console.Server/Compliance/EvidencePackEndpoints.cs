using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SecurityConsole.Server.Common;
using SecurityConsole.Shared.Compliance;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Server.Compliance;

/// <summary>Evidence packs over HTTP: a framework's pack for a period, and the check of an uploaded pack.</summary>
public static class EvidencePackEndpoints
{
    public const int MaxPeriodDays = 400;

    public static RouteGroupBuilder MapEvidencePacks(this RouteGroupBuilder group)
    {
        group.MapGet("/frameworks/{id}/pack", PackAsync).WithName("GetComplianceEvidencePack")
            .WithSummary("A zip of the framework's evidence over a period (?from=&to=, ISO dates or times; 90 days by default), with a signed manifest, OSCAL assessment results and CSV.");
        group.MapPost("/packs/verify", VerifyAsync).WithName("VerifyComplianceEvidencePack")
            .WithSummary("Check an evidence pack (the body is the zip): rejected if any byte changed, with what changed.");
        return group;
    }

    private static async Task<Results<FileStreamHttpResult, NotFound, ValidationProblem>> PackAsync(
        string id, DateTimeOffset? from, DateTimeOffset? to, EvidencePacks packs, ComplianceCatalogue catalogue, TimeProvider clock, CancellationToken ct)
    {
        var end = to ?? clock.GetUtcNow();
        var start = from ?? end.AddDays(-90);
        var v = new Validator();
        if (start >= end)
        {
            v.Add("from", "Must be before 'to'.");
        }
        else if (end - start > TimeSpan.FromDays(MaxPeriodDays))
        {
            v.Add("to", $"A pack covers at most {MaxPeriodDays} days.");
        }
        if (!v.IsValid)
        {
            return ProblemHandlingExtensions.Invalid(v);
        }
        if (catalogue.Framework(id) is null)
        {
            return TypedResults.NotFound();
        }
        // A temporary file, not memory: twelve months of evidence can be large. It goes when the response is sent.
        var file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
        try
        {
            await packs.WriteAsync(id, start, end, file, ct);
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
        return TypedResults.File(file, "application/zip", $"{id}-evidence-{start:yyyyMMdd}-{end:yyyyMMdd}.zip");
    }

    private static async Task<Results<Ok<EvidencePackVerification>, ValidationProblem, ProblemHttpResult>> VerifyAsync(
        HttpContext context, EvidencePackVerifier verifier, IOptions<ComplianceOptions> options, CancellationToken ct)
    {
        var max = options.Value.MaxPackBytes;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = max + 1;
        }
        if (context.Request.ContentLength > max)
        {
            return EvidenceFileEndpoints.TooLarge(max);
        }
        var bytes = await EvidenceFileEndpoints.ReadAsync(context.Request.Body, max, ct);
        if (bytes is null)
        {
            return EvidenceFileEndpoints.TooLarge(max);
        }
        if (bytes.Length < 22)
        {
            return ProblemHandlingExtensions.Invalid(new Validator().Add("file", "Send the pack's zip as the body."));
        }
        return TypedResults.Ok(await verifier.VerifyAsync(bytes, ct));
    }
}
