using System.Text.Json;
using System.Text.Json.Nodes;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Tests.Hosting;

/// <summary>
/// The OpenAPI document as its clients see it (issue 16): it passes Redocly's recommended rules with no error and no
/// warning (tools/openapi/redocly.yaml), and says for each operation who may call it, exactly as the authorization
/// table the endpoints are authorized by.
/// </summary>
public sealed class ApiContractTests(SqliteConsole console) : IClassFixture<SqliteConsole>
{
    [Fact]
    public async Task TheDocumentPassesRedoclysRecommendedRulesWithoutAWarning()
    {
        await NodeTools.EnsureInstalledAsync(Ct);
        // As a client fetches it from the console's real address (from localhost, the server URL is rightly a warning).
        var client = console.Factory.CreateClient();
        client.DefaultRequestHeaders.Host = "security-console.acme-corp.test";
        var document = await client.GetStringAsync("/openapi/v1.json", Ct);
        Assert.Equal("http://security-console.acme-corp.test", (string?)JsonNode.Parse(document)!["servers"]![0]!["url"]);
        // The ignore file names the document "v1.json" beside it, so both go next to a copy of the document.
        var folder = TestEnvironment.TempDirectory("openapi-lint");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "v1.json"), document, Ct);
            foreach (var file in new[] { "redocly.yaml", ".redocly.lint-ignore.yaml" })
            {
                File.Copy(Path.Combine(NodeTools.Folder, file), Path.Combine(folder, file));
            }

            var json = await NodeTools.RunAsync(NodeTools.Bin("redocly"), ["lint", "v1.json", "--config", "redocly.yaml", "--format=json"], folder, Ct);
            var start = json.Output.IndexOf('{');
            Assert.True(start >= 0, $"redocly lint wrote no report: {json}");
            var totals = JsonNode.Parse(json.Output[start..])!["totals"]!;
            if ((int)totals["errors"]! + (int)totals["warnings"]! > 0)
            {
                var readable = await NodeTools.RunAsync(NodeTools.Bin("redocly"), ["lint", "v1.json", "--config", "redocly.yaml", "--format=stylish"], folder, Ct);
                Assert.Fail($"/openapi/v1.json has {totals["errors"]} errors and {totals["warnings"]} warnings:\n{readable}");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task EveryOperationSaysWhoMayCallItAsTheAuthorizationTableDoes()
    {
        var document = JsonNode.Parse(await console.Factory.CreateClient().GetStringAsync("/openapi/v1.json", Ct))!;
        var seen = 0;
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var entry = ApiAuthorization.Find(method, path);
                Assert.True(entry is not null, $"{method} {path} is documented but has no entry in the authorization table");
                var access = entry.Access;
                var schemes = operation!["security"]!.AsArray().Select(r => string.Join('+', r!.AsObject().Select(s => s.Key))).ToList();
                string[] expected = access.Public ? [""] : access.Callers == CallerKinds.Person ? ["session"] : ["apiKey", "session"];
                Assert.True(expected.SequenceEqual(schemes), $"{entry}: security [{string.Join(", ", schemes)}], its entry says [{string.Join(", ", expected)}]");
                var permissions = operation["x-permissions"]!.Deserialize<string[][]>()!;
                Assert.True(permissions.Length == access.Requires.Count && permissions.Zip(access.Requires).All(p => p.First.SequenceEqual(p.Second)),
                    $"{entry}: x-permissions {operation["x-permissions"]!.ToJsonString()}, its entry says {access.Describe()}");
                if (!access.Public)
                {
                    Assert.True(operation["responses"]!["401"] is not null, $"{entry} does not list 401");
                }
                if ((access.Callers & CallerKinds.Key) != 0 && !access.Public)
                {
                    Assert.True(operation["responses"]!["429"] is not null, $"{entry} accepts keys but does not list 429 (a key's rate limit)");
                }
                seen++;
            }
        }
        Assert.Equal(ApiAuthorization.Operations.Count, seen);
    }
}
