using System.Globalization;
using System.Text.Json;
using CsvHelper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Audit;
using SecurityConsole.Shared.Hosting;
using SecurityConsole.Shared.Security;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Server.Audit;

public static class AuditEndpoints
{
    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup($"{ApiConventions.Prefix}/audit")
            .WithTags("Audit")
            .AuthorizedByTable()
            .WithValidation();

        group.MapGet("/", Search).WithName("SearchAudit")
            .WithSummary("Search the trail, newest first; keyset paging with before/after and limit (at most 500).");
        group.MapGet("/{sequence:long}", Get).WithName("GetAuditEntry")
            .WithSummary("One entry in full; reveal=true (needs pii:read) shows personal data unmasked and is itself audited.");
        group.MapGet("/export", Export).WithName("ExportAudit")
            .WithSummary("Export matching entries as CSV or JSON, streamed; masked unless the caller has pii:read; audited.");
        group.MapGet("/chain", Status).WithName("GetAuditChainStatus").WithSummary("Where the trail starts and ends, the latest checkpoint, any legal hold.");
        group.MapPost("/verify", Verify).WithName("VerifyAuditChain")
            .WithSummary("Verify the chain, or the range fromSequence..toSequence: intact, or the first broken entry and why.");
        group.MapGet("/checkpoints", Checkpoints).WithName("ListAuditCheckpoints").WithSummary("Signed checkpoints, newest first.");
        group.MapPost("/checkpoints", CreateCheckpoint).WithName("CreateAuditCheckpoint")
            .WithSummary("Sign a checkpoint at the current head now.");
        group.MapGet("/checkpoints/public-key", PublicKey).WithName("GetAuditCheckpointPublicKey")
            .WithSummary("The ECDSA P-256 public key (PEM) that verifies checkpoint signatures.");
        group.MapGet("/retention", (AuditAdmin admin, CancellationToken ct) => admin.PolicyAsync(ct).ContinueWith(t => TypedResults.Ok(t.Result), ct))
            .WithName("GetAuditRetention").WithSummary("Retention per category with the floors compliance frameworks require, and any legal hold.");
        // AuditAdmin throws what it refuses (400 with fields, 404), answered by Common; the unions name those answers.
        group.MapPut("/retention", async Task<Results<Ok<RetentionPolicy>, ValidationProblem>> (SetRetentionRequest request, AuditAdmin admin, CancellationToken ct) =>
                TypedResults.Ok(await admin.SetRetentionAsync(request, ct)))
            .WithName("SetAuditRetention").WithSummary("Set retention days per category; never below a floor.");
        group.MapPost("/legal-hold", async Task<Results<Created<LegalHoldView>, Conflict<LegalHoldView>>> (LegalHoldRequest request, AuditAdmin admin, CancellationToken ct) =>
            {
                var outcome = await admin.PlaceHoldAsync(request, ct);
                return outcome.Placed ? TypedResults.Created("/api/v1/audit/legal-hold", outcome.Hold) : TypedResults.Conflict(outcome.Hold);
            })
            .WithName("PlaceLegalHold").WithSummary("Place a legal hold: retention deletes nothing until it is lifted.");
        group.MapDelete("/legal-hold", async Task<Results<NoContent, NotFound>> ([FromBody] LegalHoldRequest request, AuditAdmin admin, CancellationToken ct) =>
            {
                await admin.LiftHoldAsync(request, ct);
                return TypedResults.NoContent();
            })
            .WithName("LiftLegalHold").WithSummary("Lift the legal hold, giving a reason.");
        group.MapPost("/erasure", async (ErasureRequest request, AuditAdmin admin, CancellationToken ct) => TypedResults.Ok(await admin.EraseAsync(request, ct)))
            .WithName("EraseAuditSubject")
            .WithSummary("GDPR erasure: destroy a data subject's key; their personal data becomes unreadable, the chain still verifies.");
        return app;
    }

    private static async Task<Results<Ok<AuditPage>, ValidationProblem, ProblemHttpResult>> Search(
        [AsParameters] AuditQueryParameters parameters, Caller caller, AuditReader reader, AuditTrail audit, ConsoleDbContext db, CancellationToken ct)
    {
        var (query, reveal, error) = ParseQuery(parameters);
        if (error is not null)
        {
            return error;
        }
        if (reveal && !CanSeePersonalData(caller))
        {
            return RevealDenied();
        }
        var page = await reader.SearchAsync(query, reveal, CanSeePersonalData(caller), ct);
        if (reveal && page.Items.Any(i => i.PersonalState == PersonalDataState.Revealed))
        {
            await RecordRevealAsync(audit, db, [.. page.Items.Where(i => i.PersonalState == PersonalDataState.Revealed).Select(i => i.Sequence)], ct);
        }
        return TypedResults.Ok(page);
    }

    private static async Task<Results<Ok<AuditEntryView>, NotFound, ValidationProblem, ProblemHttpResult>> Get(
        long sequence, string? reveal, Caller caller, AuditReader reader, AuditTrail audit, ConsoleDbContext db, CancellationToken ct)
    {
        var v = new Validator();
        var revealed = ParseBool(reveal, "reveal", v);
        if (!v.IsValid)
        {
            return ProblemHandlingExtensions.InvalidParameters(v);
        }
        if (revealed && !CanSeePersonalData(caller))
        {
            return RevealDenied();
        }
        var entry = await reader.GetAsync(sequence, revealed, CanSeePersonalData(caller), ct);
        if (entry is null)
        {
            return TypedResults.NotFound();
        }
        if (entry.PersonalState == PersonalDataState.Revealed)
        {
            await RecordRevealAsync(audit, db, [sequence], ct);
        }
        return TypedResults.Ok(entry);
    }

    private static async Task<Results<FileStreamHttpResult, PushStreamHttpResult, ValidationProblem, ProblemHttpResult>> Export(
        [AsParameters] AuditQueryParameters parameters, string? format, Caller caller, AuditReader reader, AuditTrail audit, ConsoleDbContext db,
        CancellationToken ct)
    {
        var (query, _, error) = ParseQuery(parameters);
        format = string.IsNullOrEmpty(format) ? "csv" : format;
        if (format is not "csv" and not "json")
        {
            var v = new Validator().Add("format", "Must be one of: csv, json.");
            return ProblemHandlingExtensions.InvalidParameters(v);
        }
        if (error is not null)
        {
            return error;
        }
        var clear = CanSeePersonalData(caller);
        // Audited before the first byte leaves: no export without its entry.
        audit.Record(new AuditEvent(AuditCategories.Audit, AuditActions.AuditExported, "audit_trail", null,
            Data: new { format, filters = query.ToQueryString(), personalDataRevealed = clear }));
        await db.SaveChangesAsync(ct);
        var entries = reader.ExportAsync(query, clear, ct);
        var name = $"audit-{DateTime.UtcNow:yyyyMMdd-HHmmss}.{format}";
        return format == "json"
            ? TypedResults.Stream(async stream => await JsonSerializer.SerializeAsync(stream, entries, ExportJson, ct), "application/json", name)
            : TypedResults.Stream(stream => WriteCsvAsync(stream, entries, ct), "text/csv", name);
    }

    private static readonly JsonSerializerOptions ExportJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    private static readonly string[] CsvHeader =
    [
        "sequence", "time", "category", "action", "actorType", "actorId", "targetType", "targetId", "outcome", "sourceIp",
        "correlationId", "data", "personal", "personalState", "subject", "hash", "prevHash", "actorName", "targetName",
    ];

    private static async Task WriteCsvAsync(Stream stream, IAsyncEnumerable<AuditEntryView> entries, CancellationToken ct)
    {
        // A cell starting with = + - @ would run as a formula in a spreadsheet: escaped.
        await using var csv = CsvWriter.Create(stream, new CsvWriterOptions { Injection = CsvInjection.Escape }, leaveOpen: true);
        csv.WriteHeader(CsvHeader);
        await foreach (var e in entries.WithCancellation(ct))
        {
            csv.WriteField(e.Sequence.ToString(CultureInfo.InvariantCulture));
            csv.WriteField(e.Time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            csv.WriteField(e.Category);
            csv.WriteField(e.Action);
            csv.WriteField(e.ActorType);
            csv.WriteField(e.ActorId);
            csv.WriteField(e.TargetType ?? "");
            csv.WriteField(e.TargetId ?? "");
            csv.WriteField(e.Outcome);
            csv.WriteField(e.SourceIp ?? "");
            csv.WriteField(e.CorrelationId ?? "");
            csv.WriteField(e.Data?.GetRawText() ?? "");
            csv.WriteField(e.Personal is null ? "" : JsonSerializer.Serialize(e.Personal));
            csv.WriteField(e.PersonalState.ToString().ToLowerInvariant());
            csv.WriteField(e.Subject ?? "");
            csv.WriteField(e.Hash);
            csv.WriteField(e.PrevHash);
            csv.WriteField(e.ActorName ?? "");
            csv.WriteField(e.TargetName ?? "");
            await csv.EndRecordAsync(ct);
        }
        await csv.FlushAsync(ct);
    }

    private static async Task<Ok<ChainStatus>> Status(AuditQueries queries, CancellationToken ct) => TypedResults.Ok(await queries.ChainAsync(ct));

    private static async Task<Ok<VerifyResult>> Verify(
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] VerifyRequest? request, AuditVerifier verifier, CancellationToken ct) =>
        TypedResults.Ok(await verifier.VerifyAsync(request?.FromSequence, request?.ToSequence, ct));

    private static async Task<Results<Ok<List<CheckpointView>>, ValidationProblem>> Checkpoints(string? limit, AuditQueries queries, CancellationToken ct)
    {
        var v = new Validator();
        var take = 100;
        if (limit is { Length: > 0 } l && (!int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take is < 1 or > 500))
        {
            v.Add("limit", "Must be between 1 and 500.");
            return ProblemHandlingExtensions.InvalidParameters(v);
        }
        return TypedResults.Ok(await queries.CheckpointsAsync(take, ct));
    }

    private static async Task<Results<Created<CheckpointView>, NoContent>> CreateCheckpoint(AuditCheckpoints checkpoints, CancellationToken ct)
    {
        var made = await checkpoints.CreateAsync(ct);
        return made is null ? TypedResults.NoContent() : TypedResults.Created($"/api/v1/audit/checkpoints", AuditCheckpoints.View(made));
    }

    private static async Task<ContentHttpResult> PublicKey(AuditKeys keys, CancellationToken ct) =>
        TypedResults.Text((await keys.SigningKeyAsync(ct)).PublicPem, "application/x-pem-file");

    private static (AuditSearchQuery Query, bool Reveal, ValidationProblem? Error) ParseQuery(AuditQueryParameters parameters)
    {
        var v = new Validator();
        var query = AuditSearchQuery.Parse(parameters.Get, v);
        var reveal = ParseBool(parameters.Reveal, "reveal", v);
        return (query, reveal, v.IsValid ? null : ProblemHandlingExtensions.InvalidParameters(v));
    }

    private static bool ParseBool(string? s, string name, Validator v)
    {
        if (string.IsNullOrEmpty(s))
        {
            return false;
        }
        if (bool.TryParse(s, out var b))
        {
            return b;
        }
        v.Add(name, "Must be true or false.");
        return false;
    }

    private static bool CanSeePersonalData(Caller caller) => caller.Granted.Contains(Permissions.PiiRead);

    private static ProblemHttpResult RevealDenied() => TypedResults.Problem(
        statusCode: StatusCodes.Status403Forbidden, title: "Personal data needs the pii:read permission",
        detail: "Ask without reveal=true to see personal data masked.", extensions: new Dictionary<string, object?> { ["field"] = "reveal" });

    private static async Task RecordRevealAsync(AuditTrail audit, ConsoleDbContext db, long[] sequences, CancellationToken ct)
    {
        audit.Record(new AuditEvent(AuditCategories.Audit, AuditActions.AuditPiiRevealed, "audit_entry", sequences.Length == 1 ? sequences[0].ToString(CultureInfo.InvariantCulture) : null,
            Data: new { sequences }));
        await db.SaveChangesAsync(ct);
    }
}
