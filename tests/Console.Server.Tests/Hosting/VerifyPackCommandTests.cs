using SecurityConsole.Server.Common;
using SecurityConsole.Server.Tests.Compliance;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Tests.Hosting;

/// <summary><c>admin verify-pack FILE</c>, run as a process against the database of the console that made the pack.</summary>
public sealed class VerifyPackCommandTests
{
    [Fact]
    public async Task VerifyPackAcceptsAPackFromThisConsoleAndRejectsItOnceAByteChanged()
    {
        var folder = TestEnvironment.TempDirectory("console-pack-cli");
        var connection = $"Data Source={Path.Combine(folder, "console.db")}";
        string[] database = [$"--Database:Provider={DatabaseProvider.Sqlite}", $"--ConnectionStrings:Console={connection}"];
        var migrate = await CommandLineTests.RunAsync(["migrate", .. database]);
        Assert.True(migrate.ExitCode == 0, migrate.ToString());

        byte[] pack;
        await using (var factory = new ConsoleFactory(DatabaseProvider.Sqlite, connection))
        {
            var admin = await factory.SignedInClientAsync(Roles.Admin);
            (await admin.PostAsync("/api/v1/compliance/evaluate", null, Ct)).EnsureSuccessStatusCode();
            pack = await EvidencePackTests.PackAsync(admin, "hipaa");
        }
        var file = Path.Combine(folder, "hipaa-pack.zip");
        await File.WriteAllBytesAsync(file, pack, Ct);
        var intact = await CommandLineTests.RunAsync(["admin", "verify-pack", file, .. database]);
        Assert.True(intact.ExitCode == 0, intact.ToString());
        Assert.Contains("Intact", intact.Stdout);

        pack[pack.Length / 3] ^= 0x01;
        await File.WriteAllBytesAsync(file, pack, Ct);
        var altered = await CommandLineTests.RunAsync(["admin", "verify-pack", file, .. database]);
        Assert.True(altered.ExitCode == 1, altered.ToString());
        Assert.Contains("Altered", altered.Stderr);

        var missing = await CommandLineTests.RunAsync(["admin", "verify-pack", Path.Combine(folder, "nothing.zip"), .. database]);
        Assert.Equal(2, missing.ExitCode);
        ConfigurationValidationTests.AssertNoStackTrace(missing);
    }
}
