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
        var file = Path.Combine(folder, "console.db");
        // A migrated database: the run's template (the migrate command has its own tests, CommandLineTests).
        DatabaseTemplates.CopySqliteTemplate(file);
        var connection = $"Data Source={file}";
        string[] database = [$"--Database:Provider={DatabaseProvider.Sqlite}", $"--ConnectionStrings:Console={connection}"];

        byte[] pack;
        await using (var factory = new ConsoleFactory(DatabaseProvider.Sqlite, connection))
        {
            var admin = await factory.SignedInClientAsync(Roles.Admin);
            (await admin.PostAsync("/api/v1/compliance/evaluate", null, Ct)).EnsureSuccessStatusCode();
            pack = await EvidencePackTests.PackAsync(admin, "hipaa");
        }
        var packFile = Path.Combine(folder, "hipaa-pack.zip");
        await File.WriteAllBytesAsync(packFile, pack, Ct);
        var intact = await CommandLineTests.RunAsync(["admin", "verify-pack", packFile, .. database]);
        Assert.True(intact.ExitCode == 0, intact.ToString());
        Assert.Contains("Intact", intact.Stdout);

        pack[pack.Length / 3] ^= 0x01;
        await File.WriteAllBytesAsync(packFile, pack, Ct);
        var altered = await CommandLineTests.RunAsync(["admin", "verify-pack", packFile, .. database]);
        Assert.True(altered.ExitCode == 1, altered.ToString());
        Assert.Contains("Altered", altered.Stderr);

        var missing = await CommandLineTests.RunAsync(["admin", "verify-pack", Path.Combine(folder, "nothing.zip"), .. database]);
        Assert.Equal(2, missing.ExitCode);
        ConfigurationValidationTests.AssertNoStackTrace(missing);
    }
}
