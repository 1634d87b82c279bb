using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Compliance;
using SecurityConsole.Shared.Compliance;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Tests.Compliance;

/// <summary>Evidence packs: what they hold, and that a changed byte anywhere in one is found.</summary>
public abstract class EvidencePackTests(SharedConsole console)
{
    private ConsoleFactory Factory => console.Factory;

    internal static async Task<byte[]> PackAsync(HttpClient client, string framework = "pci-dss")
    {
        var from = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(-30).ToString("O"));
        var to = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(1).ToString("O"));
        var response = await client.GetAsync($"/api/v1/compliance/frameworks/{framework}/pack?from={from}&to={to}", Ct);
        await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsByteArrayAsync(Ct);
    }

    [Fact]
    public async Task APackHoldsEveryFileInItsSignedManifestWithOscalAndCsvAndAnAuditorMayExportIt()
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        (await admin.PostAsync("/api/v1/compliance/evaluate", null, Ct)).EnsureSuccessStatusCode();
        var attested = await admin.PostAsJsonAsync("/api/v1/compliance/controls/incident-response-plan/attestations", new AttestRequest("Plan v4 tested.", 30), Ct);
        var attestation = (await attested.Content.ReadFromJsonAsync<AttestationView>(Ct))!;
        await (await admin.PostAsync($"/api/v1/compliance/attestations/{attestation.Id}/files?name=plan.pdf",
            EvidenceUploadTests.File(EvidenceUploadTests.PdfBytes, "application/pdf"), Ct)).AssertStatusAsync(HttpStatusCode.Created);

        var auditor = await Factory.SignedInClientAsync(Roles.Auditor);
        var pack = await PackAsync(auditor);
        using var zip = new ZipArchive(new MemoryStream(pack));
        var manifest = JsonDocument.Parse(zip.GetEntry("manifest.json")!.Open()).RootElement;
        Assert.Equal("pci-dss", manifest.GetProperty("framework").GetString());
        var listed = manifest.GetProperty("files").EnumerateArray().ToDictionary(f => f.GetProperty("path").GetString()!);
        Assert.Equal(zip.Entries.Select(e => e.FullName).Where(n => n is not ("manifest.json" or "manifest.sig")).Order(), listed.Keys.Order());
        foreach (var entry in zip.Entries.Where(e => listed.ContainsKey(e.FullName)))
        {
            using var stream = entry.Open();
            Assert.Equal(listed[entry.FullName].GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(stream)));
            Assert.True(listed[entry.FullName].GetProperty("auditSequence").GetInt64() > 0, entry.FullName);
        }
        Assert.Contains(listed.Keys, k => k.EndsWith("/plan.pdf", StringComparison.Ordinal));
        Assert.Contains(listed.Keys, k => k.EndsWith("-status_change.json", StringComparison.Ordinal));
        var oscal = JsonDocument.Parse(zip.GetEntry("oscal/assessment-results.json")!.Open()).RootElement.GetProperty("assessment-results");
        Assert.Equal("1.1.2", oscal.GetProperty("metadata").GetProperty("oscal-version").GetString());
        var findings = oscal.GetProperty("results")[0].GetProperty("findings").EnumerateArray().ToList();
        Assert.Contains(findings, f => f.GetProperty("target").GetProperty("target-id").GetString() == "8.4.1");
        // The posture report, as HTML and (Chromium being installed) as PDF, listed and hashed like every other file. It is
        // the Reports feature's built-in compliance-posture report for this framework and period, not a second rendering:
        // its figures, its failing-first list, and how each control fared over the period.
        using (var html = new StreamReader(zip.GetEntry(PostureReport.HtmlPath)!.Open()))
        {
            var report = System.Net.WebUtility.HtmlDecode(await html.ReadToEndAsync(Ct));
            Assert.Contains("PCI DSS", report);
            Assert.Contains("compliance posture", report);
            Assert.Contains(ComplianceScope.Statement, report);
            Assert.Contains("8.4.1", report);
            Assert.Contains("Pass rate (evaluated requirements)", report);
            Assert.Contains("Failing first", report);
            Assert.Contains("Controls over the period", report);
            Assert.Contains("incident-response-plan (manual)", report);
            Assert.DoesNotContain("HIPAA", report);
        }
        // What the pack is and how to check it, for whoever receives it.
        using (var readme = new StreamReader(zip.GetEntry(EvidencePacks.ReadmePath)!.Open()))
        {
            var text = await readme.ReadToEndAsync(Ct);
            Assert.Contains(ComplianceScope.Statement, text);
            Assert.Contains("verify-pack", text);
            Assert.Contains($"the {listed.Keys.Count(k => k.EndsWith("json", StringComparison.Ordinal) && k.StartsWith("evidence/", StringComparison.Ordinal))} evidence items", text);
        }
        if (File.Exists("/usr/bin/chromium"))
        {
            Assert.Contains(PostureReport.PdfPath, listed.Keys);
            using var pdf = new BinaryReader(zip.GetEntry(PostureReport.PdfPath)!.Open());
            Assert.Equal("%PDF-"u8.ToArray(), pdf.ReadBytes(5));
        }
        else
        {
            Assert.Contains(PostureReport.NoPdfPath, listed.Keys);
        }
        using var csv = new StreamReader(zip.GetEntry("results.csv")!.Open());
        Assert.StartsWith("evidence,kind,subject,requirements,status", await csv.ReadLineAsync(Ct));
        Assert.True(await Factory.DbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == "compliance.pack_exported" && e.TargetId == "pci-dss", Ct)));

        var verified = await auditor.PostAsync("/api/v1/compliance/packs/verify", new ByteArrayContent(pack), Ct);
        var result = (await verified.Content.ReadFromJsonAsync<EvidencePackVerification>(Ct))!;
        Assert.True(result.Intact, string.Join("\n", result.Problems));
        Assert.True(result.InChain > 0);

        var bad = await auditor.GetAsync("/api/v1/compliance/frameworks/pci-dss/pack?from=2026-02-01&to=2026-01-01", Ct);
        Assert.NotEmpty((await bad.AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("from"));
        var tooLong = await auditor.GetAsync("/api/v1/compliance/frameworks/pci-dss/pack?from=2024-01-01&to=2026-01-01", Ct);
        Assert.NotEmpty((await tooLong.AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("to"));
        Assert.Equal(HttpStatusCode.NotFound, (await auditor.GetAsync("/api/v1/compliance/frameworks/iso/pack", Ct)).StatusCode);
        var notZip = await auditor.PostAsync("/api/v1/compliance/packs/verify", new ByteArrayContent([1, 2, 3]), Ct);
        Assert.NotEmpty((await notZip.AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("file"));
    }

    [Fact]
    public async Task AChangedByteAnywhereInAPackIsFound()
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        (await admin.PostAsync("/api/v1/compliance/evaluate", null, Ct)).EnsureSuccessStatusCode();
        var pack = await PackAsync(admin, "gdpr");
        await using var scope = Factory.Services.CreateAsyncScope();
        var verifier = scope.ServiceProvider.GetRequiredService<EvidencePackVerifier>();
        Assert.True((await verifier.VerifyAsync(pack, Ct)).Intact);

        // Every byte of the local header, the end of the archive (central directory end, signature) and of the central
        // directory, and a spread of the rest.
        var end = pack.Length - 22;
        while (BinaryPrimitives.ReadUInt32LittleEndian(pack.AsSpan(end)) != 0x06054b50)
        {
            end--;
        }
        var directory = (int)BinaryPrimitives.ReadUInt32LittleEndian(pack.AsSpan(end + 16));
        var positions = Enumerable.Range(0, Math.Min(200, pack.Length))
            .Concat(Enumerable.Range(directory, pack.Length - directory))
            .Concat(Enumerable.Range(0, 300).Select(i => (int)((long)i * directory / 300)))
            .Distinct().ToList();
        var missed = new List<int>();
        foreach (var position in positions)
        {
            var changed = (byte[])pack.Clone();
            changed[position] ^= 0x20;
            if ((await verifier.VerifyAsync(changed, Ct)).Intact)
            {
                missed.Add(position);
            }
        }
        Assert.True(missed.Count == 0, $"Changes not found at {string.Join(", ", missed.Take(20))} of {pack.Length} bytes");

        // Through the API, a change says which file changed.
        var content = (byte[])pack.Clone();
        content[directory / 2] ^= 0x01;
        var result = (await (await admin.PostAsync("/api/v1/compliance/packs/verify", new ByteArrayContent(content), Ct)).Content.ReadFromJsonAsync<EvidencePackVerification>(Ct))!;
        Assert.False(result.Intact);
        Assert.StartsWith("Altered", result.Verdict);
        Assert.NotEmpty(result.Problems);
    }
    [Fact]
    public async Task AChangedReportInAPackIsFoundAndNamed()
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        var pack = await PackAsync(admin, "hipaa");
        var report = File.Exists("/usr/bin/chromium") ? PostureReport.PdfPath : PostureReport.HtmlPath;
        // The same archive rebuilt with one byte of the report changed and every other file as it was.
        using var rebuilt = new MemoryStream();
        using (var original = new ZipArchive(new MemoryStream(pack)))
        using (var copy = new ZipArchive(rebuilt, ZipArchiveMode.Create, leaveOpen: true))
        {
            // The signature in the comment comes along (it no longer matches the bytes; the verifier goes on to say which file changed).
            copy.Comment = original.Comment;
            Assert.Contains(original.Entries, e => e.FullName == report);
            foreach (var entry in original.Entries)
            {
                using var read = new MemoryStream();
                using (var stream = entry.Open())
                {
                    await stream.CopyToAsync(read, Ct);
                }
                var bytes = read.ToArray();
                if (entry.FullName == report)
                {
                    bytes[bytes.Length / 2] ^= 0x01;
                }
                using var write = copy.CreateEntry(entry.FullName).Open();
                await write.WriteAsync(bytes, Ct);
            }
        }
        var result = (await (await admin.PostAsync("/api/v1/compliance/packs/verify", new ByteArrayContent(rebuilt.ToArray()), Ct))
            .Content.ReadFromJsonAsync<EvidencePackVerification>(Ct))!;
        Assert.False(result.Intact);
        Assert.Contains(result.Problems, p => p.StartsWith($"{report} was changed", StringComparison.Ordinal));
    }
}

public sealed class SqliteEvidencePackTests(SqliteConsole console) : EvidencePackTests(console), IClassFixture<SqliteConsole>;

public sealed class PostgresEvidencePackTests(PostgresConsole console) : EvidencePackTests(console), IClassFixture<PostgresConsole>;
