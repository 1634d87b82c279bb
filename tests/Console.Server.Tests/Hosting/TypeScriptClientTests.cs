using SecurityConsole.Server.Common;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Tests.Hosting;

/// <summary>
/// The TypeScript client as a service team would use it (issue 16): generated with openapi-typescript from the document
/// a running console serves, the sample (tools/openapi/sample/send-events.ts) compiled against it with tsc and run with
/// node. A change to the API that the sample no longer fits fails to compile here; one it cannot call fails to run.
/// </summary>
public sealed class TypeScriptClientTests
{
    [Fact]
    public async Task TheGeneratedClientVerifiesAKeyAndSendsEventsToARunningConsole()
    {
        await NodeTools.EnsureInstalledAsync(Ct);
        var database = DatabaseTemplates.MigratedSqliteFile("ts-client");
        var data = Path.GetDirectoryName(database)!;
        var connection = $"Data Source={database}";
        string secret;
        await using (var setup = new ConsoleFactory(DatabaseProvider.Sqlite, connection))
        {
            (_, secret) = await setup.KeyClientAsync(Permissions.KeysVerify, Permissions.EventsWrite, Permissions.AlertsRead);
        }
        var work = TestEnvironment.TempDirectory("ts-sample");
        try
        {
            await using var server = await ConsoleProcess.StartAsync(new()
            {
                Args = [$"--Database:Provider={DatabaseProvider.Sqlite}", $"--ConnectionStrings:Console={connection}", "--Jobs:RunServer=false"],
            });
            // The sample's folder, with the installed packages linked in, so that the repository stays as it is.
            Directory.CreateDirectory(Path.Combine(work, "sample"));
            File.Copy(Path.Combine(NodeTools.Folder, "sample", "send-events.ts"), Path.Combine(work, "sample", "send-events.ts"));
            foreach (var file in new[] { "tsconfig.json", "package.json" })
            {
                File.Copy(Path.Combine(NodeTools.Folder, file), Path.Combine(work, file));
            }
            Directory.CreateSymbolicLink(Path.Combine(work, "node_modules"), Path.Combine(NodeTools.Folder, "node_modules"));

            var generate = await NodeTools.RunAsync(NodeTools.Bin("openapi-typescript"),
                [$"{server.BaseUrl}/openapi/v1.json", "-o", "sample/schema.d.ts"], work, Ct);
            Assert.True(generate.ExitCode == 0, $"openapi-typescript failed: {generate}");
            var compile = await NodeTools.RunAsync(NodeTools.Bin("tsc"), ["-p", "tsconfig.json"], work, Ct);
            Assert.True(compile.ExitCode == 0, $"The sample does not compile against the generated client: {compile}");
            var run = await NodeTools.RunAsync("node", ["build/send-events.js"], work, Ct,
                new Dictionary<string, string> { ["CONSOLE_URL"] = server.BaseUrl, ["CONSOLE_KEY"] = secret });

            Assert.True(run.ExitCode == 0, $"The sample failed against the console: {run}");
            Assert.Contains("key valid for", run.Output);
            Assert.Contains("accepted 2, rejected 0", run.Output);
            using var reader = server.Client(secret);
            var page = await reader.GetFromJsonAsync<EventPage>("/api/v1/events?type=crm.export", Ct);
            Assert.Single(page!.Items);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
            Directory.Delete(data, recursive: true);
        }
    }
}
