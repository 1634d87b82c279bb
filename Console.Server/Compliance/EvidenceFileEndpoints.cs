using System.Buffers;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Compliance;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Server.Compliance;

/// <summary>
/// Uploads of evidence files. The body is the file itself (its Content-Type the declared type, <c>?name=</c> its name):
/// checked for size while it is read and for type against its bytes, before anything is stored. Anything else is a 400
/// or a 413 naming the field, and nothing is stored.
/// </summary>
public static class EvidenceFileEndpoints
{
    public static RouteGroupBuilder MapEvidenceFiles(this RouteGroupBuilder group)
    {
        // No Accepts metadata: routing would answer a wrong type with a bare 415; the handler names the field instead.
        group.MapPost("/attestations/{id:guid}/files", (Guid id, string? name, HttpRequest request, EvidenceUploads uploads, Caller caller, IOptions<ComplianceOptions> options, CancellationToken ct) =>
                UploadAsync(EvidenceUploads.ToAttestation, id, name, request, uploads, caller, options.Value, ct))
            .WithName("AttachAttestationFile")
            .WithSummary("Attach a file (PDF, PNG, JPEG, plain text or CSV; the body is the file, ?name= its name) to an attestation as evidence.");
        group.MapPost("/exceptions/{id:guid}/files", (Guid id, string? name, HttpRequest request, EvidenceUploads uploads, Caller caller, IOptions<ComplianceOptions> options, CancellationToken ct) =>
                UploadAsync(EvidenceUploads.ToException, id, name, request, uploads, caller, options.Value, ct))
            .WithName("AttachExceptionFile")
            .WithSummary("Attach a file (PDF, PNG, JPEG, plain text or CSV; the body is the file, ?name= its name) to an exception as evidence.");
        group.MapGet("/evidence/{id:long}/file", DownloadAsync).WithName("DownloadComplianceEvidenceFile")
            .WithSummary("The bytes of an uploaded evidence file, as an attachment.");
        return group;
    }

    private static async Task<Results<Created<EvidenceFileView>, NotFound, ValidationProblem, ProblemHttpResult>> UploadAsync(
        string owner, Guid id, string? name, HttpRequest request, EvidenceUploads uploads, Caller caller, ComplianceOptions options, CancellationToken ct)
    {
        var v = new Validator().Required("name", name, 255);
        if (name is not null && (name.IndexOfAny(['/', '\\']) >= 0 || name.Trim() is "." or ".."))
        {
            v.Add("name", "A file name only, without folders.");
        }
        var declared = EvidenceFileSniffer.Declared(request.ContentType);
        if (declared is null || !EvidenceFiles.AllowedTypes.Contains(declared))
        {
            v.Add("file", $"Send the file with a Content-Type of {string.Join(", ", EvidenceFiles.AllowedTypes)} (text in UTF-8).");
        }
        if (!v.IsValid)
        {
            return ProblemHandlingExtensions.Invalid(v);
        }
        if (request.ContentLength > options.MaxUploadBytes)
        {
            return TooLarge(options.MaxUploadBytes);
        }
        var content = await ReadAsync(request.Body, options.MaxUploadBytes, ct);
        if (content is null)
        {
            return TooLarge(options.MaxUploadBytes);
        }
        if (content.Length == 0)
        {
            return ProblemHandlingExtensions.Invalid(v.Add("file", "The file is empty."));
        }
        if (EvidenceFileSniffer.Mismatch(declared!, content) is { } mismatch)
        {
            return ProblemHandlingExtensions.Invalid(v.Add("file", mismatch));
        }
        var file = await uploads.AttachAsync(owner, id, caller.Current.Id, name!.Trim(), declared!, content, ct);
        return TypedResults.Created($"/api/v1/compliance/evidence/{file.Evidence}/file", file);
    }

    /// <summary>The body, or null as soon as it passes <paramref name="max"/> bytes (a missing or false Content-Length is not trusted).</summary>
    internal static async Task<byte[]?> ReadAsync(Stream body, long max, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int read;
            while ((read = await body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > max)
                {
                    return null;
                }
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return buffer.ToArray();
    }

    internal static ProblemHttpResult TooLarge(long max, string field = "file") =>
        TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]>
        {
            [field] = [$"The file is larger than the limit of {max / 1024 / 1024.0:0.#} MB ({max} bytes)."],
        })
        {
            Status = StatusCodes.Status413PayloadTooLarge,
            Title = "The file is too large",
        });

    private static async Task<Results<FileContentHttpResult, NotFound>> DownloadAsync(long id, EvidenceQueries evidence, CancellationToken ct) =>
        await evidence.FileAsync(id, ct) is { } file ? TypedResults.File(file.Content, file.ContentType, file.FileName) : TypedResults.NotFound();
}
