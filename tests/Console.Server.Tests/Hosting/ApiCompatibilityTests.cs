using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SecurityConsole.Server.Tests.Hosting;

/// <summary>
/// The breaking-change guard (issue 16, docs/api.md "Versioning and deprecation"): the live document keeps everything the
/// committed baseline (docs/openapi/v1.baseline.json) offers. A break fails until the baseline is written anew
/// (CONSOLE_UPDATE_DOCS=1 on <see cref="TheDocumentKeepsEverythingTheBaselineOffers"/>) and docs/api-changelog.md says
/// so in a line naming the new baseline.
/// </summary>
public sealed class ApiCompatibilityTests(SqliteConsole console) : IClassFixture<SqliteConsole>
{
    private static readonly string BaselinePath = Path.Combine(RepositoryFiles.Root, "docs", "openapi", "v1.baseline.json");
    private static readonly string ChangelogPath = Path.Combine(RepositoryFiles.Root, "docs", "api-changelog.md");

    [Fact]
    public async Task TheDocumentKeepsEverythingTheBaselineOffers()
    {
        var live = await LiveAsync();
        if (Environment.GetEnvironmentVariable("CONSOLE_UPDATE_DOCS") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(BaselinePath)!);
            await File.WriteAllTextAsync(BaselinePath, live.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n", Ct);
        }
        Assert.True(File.Exists(BaselinePath), $"{BaselinePath} is missing: run this test with CONSOLE_UPDATE_DOCS=1 to write it.");
        var baseline = JsonNode.Parse(await File.ReadAllTextAsync(BaselinePath, Ct))!;

        var breaks = ApiBreakingChanges.Between(baseline, live);

        Assert.True(breaks.Count == 0,
            "The API would break clients built against docs/openapi/v1.baseline.json:\n  " + string.Join("\n  ", breaks) +
            "\nIf the break is meant (a new major version, or a deprecation that has run its course), run this test with " +
            "CONSOLE_UPDATE_DOCS=1 and add a line to docs/api-changelog.md naming the new baseline.");
        var stamp = $"baseline {BaselineStamp(await File.ReadAllTextAsync(BaselinePath, Ct))}";
        Assert.True((await File.ReadAllTextAsync(ChangelogPath, Ct)).Contains(stamp, StringComparison.Ordinal),
            $"docs/api-changelog.md has no line for the current baseline: add one that says what changed and contains \"{stamp}\".");
    }

    [Fact]
    public async Task TheGuardFailsWhenAResponseFieldIsRemoved()
    {
        var live = await LiveAsync();
        var changed = live.DeepClone();
        var me = changed["components"]!["schemas"]!["CurrentUser"]!["properties"]!.AsObject();
        Assert.True(me.Remove("email"), "CurrentUser has no email field to remove; pick another field for this test");

        var breaks = ApiBreakingChanges.Between(live, changed);

        Assert.Contains("GET /api/v1/me 200: field 'email' is gone", breaks);
    }

    [Fact]
    public async Task TheGuardFailsWhenARequestIsTightenedOrAnOperationOrEnumValueIsGone()
    {
        var live = await LiveAsync();
        var changed = live.DeepClone();
        var paths = changed["paths"]!.AsObject();
        paths.Remove("/api/v1/keys/verify");
        var events = paths["/api/v1/events"]!["get"]!["parameters"]!.AsArray();
        events.Add(new JsonObject { ["name"] = "tenant", ["in"] = "query", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string" } });

        var breaks = ApiBreakingChanges.Between(live, changed);

        Assert.Contains("POST /api/v1/keys/verify: the operation is gone", breaks);
        Assert.Contains("GET /api/v1/events: new required parameter tenant", breaks);
    }

    [Fact]
    public async Task AdditionsPassTheGuard()
    {
        var live = await LiveAsync();
        var changed = live.DeepClone();
        changed["paths"]!.AsObject()["/api/v1/new-thing"] = new JsonObject { ["get"] = new JsonObject { ["responses"] = new JsonObject() } };
        changed["components"]!["schemas"]!["CurrentUser"]!["properties"]!.AsObject()["newField"] = new JsonObject { ["type"] = "string" };
        var events = changed["paths"]!["/api/v1/events"]!["get"]!["parameters"]!.AsArray();
        events.Add(new JsonObject { ["name"] = "tenant", ["in"] = "query", ["required"] = false, ["schema"] = new JsonObject { ["type"] = "string" } });

        Assert.Empty(ApiBreakingChanges.Between(live, changed));
    }

    /// <summary>The document without its server address, which depends on who asked.</summary>
    private async Task<JsonNode> LiveAsync()
    {
        var live = JsonNode.Parse(await console.Factory.CreateClient().GetStringAsync("/openapi/v1.json", Ct))!;
        live.AsObject().Remove("servers");
        return live;
    }

    private static string BaselineStamp(string baseline) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(baseline.ReplaceLineEndings("\n"))))[..12];
}
