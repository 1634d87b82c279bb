using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Audit;
using SecurityConsole.Shared.Audit;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Server.Tests.Audit.AuditTestKit;

namespace SecurityConsole.Server.Tests.Audit;

public sealed class AuditCheckpointTests : IAsyncLifetime
{
    private ConsoleFactory _factory = null!;

    public ValueTask InitializeAsync()
    {
        _factory = ConsoleFactory.Sqlite(extra: NoJobServer);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task ACheckpointIsSignedAndVerifiesOutsideTheConsoleWithThePublishedKey()
    {
        var admin = await _factory.SignedInClientAsync(Roles.Admin);
        await _factory.RecordAsync(5);
        var created = await admin.PostAsync("/api/v1/audit/checkpoints", null, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var list = await admin.GetFromJsonAsync<List<CheckpointView>>("/api/v1/audit/checkpoints", Json, Ct);
        var checkpoint = Assert.Single(list!);
        var pem = await _factory.CreateClient().GetStringAsync("/api/v1/audit/checkpoints/public-key", Ct);
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", pem);

        using var key = ECDsa.Create();
        key.ImportFromPem(pem);
        Assert.True(key.VerifyData(Encoding.UTF8.GetBytes(checkpoint.SignedPayload), Convert.FromBase64String(checkpoint.Signature),
            HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        Assert.Contains($":{checkpoint.Sequence}:{checkpoint.Hash}:", checkpoint.SignedPayload);
        var status = await admin.GetFromJsonAsync<ChainStatus>("/api/v1/audit/chain", Json, Ct);
        Assert.Equal(checkpoint.Sequence, status!.LatestCheckpoint!.Sequence);
    }

    [Fact]
    public async Task TheCheckpointJobSignsTheHeadWhenEntriesWereAppended()
    {
        await _factory.RecordAsync(3);
        await using var scope = _factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<AuditCheckpointJob>().RunAsync(Ct);
        var latest = await scope.ServiceProvider.GetRequiredService<AuditCheckpoints>().LatestAsync(Ct);
        Assert.NotNull(latest);
        Assert.True(await scope.ServiceProvider.GetRequiredService<AuditCheckpoints>().IsValidAsync(latest, Ct));
    }

    [Fact]
    public async Task AForgedCheckpointIsReported()
    {
        var admin = await _factory.SignedInClientAsync(Roles.Admin);
        await _factory.RecordAsync(5);
        var checkpoint = (await (await admin.PostAsync("/api/v1/audit/checkpoints", null, Ct)).Content.ReadFromJsonAsync<CheckpointView>(Json, Ct))!;
        await _factory.SqlAsync($"""UPDATE audit_checkpoints SET "Hash" = (SELECT "Hash" FROM audit_entries WHERE "Sequence" = 1) WHERE "Sequence" = {checkpoint.Sequence}""");

        var result = await admin.VerifyAsync();

        Assert.False(result.Intact);
        Assert.Equal(checkpoint.Sequence, result.BrokenSequence);
    }
}
