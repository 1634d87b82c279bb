using System.Net;

namespace SecurityConsole.Server.Tests.Hosting;

/// <summary>
/// Outside Development the console still serves the scripts every page loads, and a file it does not have is a 404,
/// never a 500 (issue 10, finding 5). Both ways of running it outside Development are covered: the build output
/// started from the project folder (what <c>dotnet run -c Release --environment Production</c> does) and the published
/// output, as the docs tell operators to run it.
/// </summary>
public sealed class StaticFilesTests
{
    private static readonly string[] Scripts =
    [
        "/_framework/blazor.web.js",
        "/start.js",
        "/_content/MudBlazor/MudBlazor.min.js",
        "/lib/apexcharts/apexcharts.min.js",
        "/Components/Account/Shared/PasskeySubmit.razor.js",
        "/app.css",
    ];

    private static readonly string[] Missing =
    [
        "/_framework/no-such-file.js",
        "/_content/MudBlazor/no-such-file.js",
        "/lib/apexcharts/no-such-file.js",
        "/no-such-file.js",
    ];

    [Fact]
    public async Task TheBuildOutputStartedFromTheProjectFolderInProductionServesEveryScriptAndA404ForAMissingFile()
    {
        var project = Path.Combine(RepositoryFiles.Root, "Console.Server");
        await using var server = await StartInProductionAsync(Path.Combine(AppContext.BaseDirectory, "Console.Server.dll"), project);
        await AssertScriptsAndMissingFilesAsync(server);
    }

    [Fact]
    public async Task ThePublishedOutputInProductionServesEveryScriptAndA404ForAMissingFile()
    {
        var published = await PublishedServer.FolderAsync();
        await using var server = await StartInProductionAsync(Path.Combine(published, "Console.Server.dll"), published);
        await AssertScriptsAndMissingFilesAsync(server);
    }

    private static async Task<ConsoleProcess> StartInProductionAsync(string serverDll, string workingDirectory)
    {
        var database = DatabaseTemplates.MigratedSqliteFile("console-static");
        return await ConsoleProcess.StartAsync(new()
        {
            ServerDll = serverDll,
            WorkingDirectory = workingDirectory,
            Args = ["--Database:Provider=Sqlite", $"--ConnectionStrings:Console=Data Source={database}", "--Jobs:RunServer=false"],
            Environment = new Dictionary<string, string?> { ["ASPNETCORE_ENVIRONMENT"] = "Production" },
        });
    }

    private static async Task AssertScriptsAndMissingFilesAsync(ConsoleProcess server)
    {
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        var answers = new List<string>();
        foreach (var path in Scripts)
        {
            // As a browser asks: compressed if the server has it so.
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.TryAddWithoutValidation("Accept-Encoding", "br, gzip");
            using var response = await client.SendAsync(request, Ct);
            answers.Add($"{path}: {(int)response.StatusCode}");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{string.Join("\n", answers)}\n{server.Output}");
            Assert.True((await response.Content.ReadAsByteArrayAsync(Ct)).Length > 0, $"{path} is empty");
        }
        foreach (var path in Missing)
        {
            using var response = await client.GetAsync(path, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode} {response.Headers.Location}");
        }
        Assert.DoesNotContain("Unhandled error", server.Output, StringComparison.Ordinal);
    }
}
