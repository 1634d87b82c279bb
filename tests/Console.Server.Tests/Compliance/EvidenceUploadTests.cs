using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Compliance;
using SecurityConsole.Shared.Compliance;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Tests.Compliance;

/// <summary>Evidence files: what is accepted is stored as evidence in the chain; anything else is refused by field and stores nothing.</summary>
public abstract class EvidenceUploadTests(SharedConsole console)
{
    private ConsoleFactory Factory => console.Factory;

    internal static readonly byte[] PdfBytes = Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
    internal static readonly byte[] PngBytes = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];

    internal static ByteArrayContent File(byte[] bytes, string contentType)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    private static async Task<AttestationView> AttestAsync(HttpClient admin)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/compliance/controls/record-of-processing/attestations",
            new AttestRequest("The record of processing was reviewed by the DPO.", 90), Ct);
        await response.AssertStatusAsync(HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<AttestationView>(Ct))!;
    }

    [Fact]
    public async Task AFileAttachedToAnAttestationIsEvidenceWhoseHashIsInTheAuditChainAndDownloadsAsItWasSent()
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        var attestation = await AttestAsync(admin);

        var response = await admin.PostAsync($"/api/v1/compliance/attestations/{attestation.Id}/files?name=dpo-review.pdf", File(PdfBytes, "application/pdf"), Ct);
        await response.AssertStatusAsync(HttpStatusCode.Created);
        var file = (await response.Content.ReadFromJsonAsync<EvidenceFileView>(Ct))!;
        Assert.Equal("dpo-review.pdf", file.FileName);
        Assert.Equal(PdfBytes.Length, file.Size);
        Assert.NotNull(file.AuditSequence);

        var verified = (await admin.GetFromJsonAsync<EvidenceVerification>($"/api/v1/compliance/evidence/{file.Evidence}/verify", Ct))!;
        Assert.True(verified.Intact, verified.Verdict);
        Assert.Equal(file.AuditSequence, verified.AuditSequence);
        var entry = await Factory.DbAsync(db => db.AuditEntries.SingleAsync(e => e.Sequence == file.AuditSequence, Ct));
        Assert.Equal("compliance.file_attached", entry.Action);
        Assert.Contains(file.Sha256, entry.Data);

        var download = await admin.GetAsync($"/api/v1/compliance/evidence/{file.Evidence}/file", Ct);
        await download.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("application/pdf", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal(PdfBytes, await download.Content.ReadAsByteArrayAsync(Ct));

        var records = (await admin.GetFromJsonAsync<ControlRecords>("/api/v1/compliance/controls/record-of-processing/records", Ct))!;
        Assert.Contains(records.Attestations.Single(a => a.Id == attestation.Id).Files!, f => f.Evidence == file.Evidence);

        // A byte of the stored file changes: the evidence no longer verifies.
        await Factory.DbAsync(db => db.Database.ExecuteSqlRawAsync(
            """UPDATE "compliance_evidence" SET "Content" = {0} WHERE "Id" = {1}""", [PdfBytes.Select((b, i) => i == 5 ? (byte)'2' : b).ToArray(), file.Evidence], Ct));
        Assert.False((await admin.GetFromJsonAsync<EvidenceVerification>($"/api/v1/compliance/evidence/{file.Evidence}/verify", Ct))!.Intact);
    }

    [Fact]
    public async Task AFileThatIsNotWhatItSaysOrTooLargeOrUnnamedIsRefusedNamingTheFieldAndNothingIsStored()
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        var attestation = await AttestAsync(admin);
        var url = $"/api/v1/compliance/attestations/{attestation.Id}/files?name=evidence";
        var before = await Factory.DbAsync(db => db.ComplianceEvidence.CountAsync(e => e.Kind == EvidenceKinds.File, Ct));
        var entriesBefore = await Factory.DbAsync(db => db.AuditEntries.CountAsync(e => e.Action == "compliance.file_attached", Ct));

        async Task RefusedAsync(HttpContent content, HttpStatusCode status, string field, string? url2 = null)
        {
            var response = await admin.PostAsync(url2 ?? url, content, Ct);
            Assert.NotEmpty((await response.AssertProblemAsync(status)).FieldErrors(field));
        }

        await RefusedAsync(File(PdfBytes, "image/png"), HttpStatusCode.BadRequest, "file");
        await RefusedAsync(File(PngBytes, "application/pdf"), HttpStatusCode.BadRequest, "file");
        await RefusedAsync(File(PdfBytes, "image/jpeg"), HttpStatusCode.BadRequest, "file");
        await RefusedAsync(File([0x50, 0x4B, 0x03, 0x04, 1, 2, 3], "application/zip"), HttpStatusCode.BadRequest, "file");
        await RefusedAsync(File([0x41, 0x00, 0x42, 0x43], "text/plain"), HttpStatusCode.BadRequest, "file");
        await RefusedAsync(File([0x41, 0xC3, 0x28], "text/csv"), HttpStatusCode.BadRequest, "file");
        await RefusedAsync(File(PngBytes, "text/plain"), HttpStatusCode.BadRequest, "file");
        await RefusedAsync(File([], "text/plain"), HttpStatusCode.BadRequest, "file");
        await RefusedAsync(File("a,b\n"u8.ToArray(), "text/csv; charset=latin1"), HttpStatusCode.BadRequest, "file");
        await RefusedAsync(File("a,b\n"u8.ToArray(), "text/csv"), HttpStatusCode.BadRequest, "name", $"/api/v1/compliance/attestations/{attestation.Id}/files");
        await RefusedAsync(File("a,b\n"u8.ToArray(), "text/csv"), HttpStatusCode.BadRequest, "name", $"/api/v1/compliance/attestations/{attestation.Id}/files?name=../etc/passwd");
        var tooLarge = new byte[EvidenceFiles.DefaultMaxBytes + 1];
        "%PDF-"u8.CopyTo(tooLarge);
        await RefusedAsync(File(tooLarge, "application/pdf"), HttpStatusCode.RequestEntityTooLarge, "file");
        // Without a Content-Length the limit holds while reading.
        var streamed = new StreamContent(new MemoryStream(tooLarge));
        streamed.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        streamed.Headers.ContentLength = null;
        await RefusedAsync(streamed, HttpStatusCode.RequestEntityTooLarge, "file");

        Assert.Equal(before, await Factory.DbAsync(db => db.ComplianceEvidence.CountAsync(e => e.Kind == EvidenceKinds.File, Ct)));
        Assert.Equal(entriesBefore, await Factory.DbAsync(db => db.AuditEntries.CountAsync(e => e.Action == "compliance.file_attached", Ct)));

        // What is what it says is accepted: JPEG, CSV, plain text with a BOM.
        await (await admin.PostAsync(url + ".jpg", File([0xFF, 0xD8, 0xFF, 0xE0, 0, 16], "image/jpeg"), Ct)).AssertStatusAsync(HttpStatusCode.Created);
        await (await admin.PostAsync(url + ".csv", File("user,role\nana,Admin\n"u8.ToArray(), "text/csv; charset=utf-8"), Ct)).AssertStatusAsync(HttpStatusCode.Created);
        await (await admin.PostAsync(url + ".txt", File([0xEF, 0xBB, 0xBF, .. "Ünïcode notes\r\n\tok"u8.ToArray()], "text/plain"), Ct)).AssertStatusAsync(HttpStatusCode.Created);
        await (await admin.PostAsync(url + ".png", File(PngBytes, "image/png"), Ct)).AssertStatusAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task FilesGoOnlyToRecordsThatExistAndAreOpenAndOnlyFromThoseWhoMay()
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        var auditor = await Factory.SignedInClientAsync(Roles.Auditor);
        var attestation = await AttestAsync(admin);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PostAsync($"/api/v1/compliance/attestations/{attestation.Id}/files?name=a.pdf", File(PdfBytes, "application/pdf"), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync($"/api/v1/compliance/attestations/{Guid.NewGuid()}/files?name=a.pdf", File(PdfBytes, "application/pdf"), Ct)).StatusCode);

        var requested = await admin.PostAsJsonAsync("/api/v1/compliance/exceptions",
            new ExceptionRequest("keys-expire", null, "Legacy terminals; the vendor's letter is attached.", DateTimeOffset.UtcNow.AddDays(30)), Ct);
        var exception = (await requested.Content.ReadFromJsonAsync<ExceptionView>(Ct))!;
        var attached = await admin.PostAsync($"/api/v1/compliance/exceptions/{exception.Id}/files?name=vendor-letter.pdf", File(PdfBytes, "application/pdf"), Ct);
        await attached.AssertStatusAsync(HttpStatusCode.Created);
        var records = (await auditor.GetFromJsonAsync<ControlRecords>("/api/v1/compliance/controls/keys-expire/records", Ct))!;
        Assert.Equal("vendor-letter.pdf", Assert.Single(records.Exceptions.Single(e => e.Id == exception.Id).Files!).FileName);

        await Factory.DbAsync(db => db.ComplianceAttestations.Where(a => a.Id == attestation.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.ValidUntil, DateTimeOffset.UtcNow.AddMinutes(-1)), Ct));
        await (await admin.PostAsync($"/api/v1/compliance/attestations/{attestation.Id}/files?name=late.pdf", File(PdfBytes, "application/pdf"), Ct))
            .AssertProblemAsync(HttpStatusCode.Conflict);
    }
}

public sealed class SqliteEvidenceUploadTests(SqliteConsole console) : EvidenceUploadTests(console), IClassFixture<SqliteConsole>;

public sealed class PostgresEvidenceUploadTests(PostgresConsole console) : EvidenceUploadTests(console), IClassFixture<PostgresConsole>;
