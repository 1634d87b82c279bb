using System.Net;
using System.Text.RegularExpressions;

namespace SecurityConsole.Server.Tests.Hosting;

/// <summary>
/// /api-docs loads nothing from elsewhere (its fonts came from a CDN the CSP refused: 16 console errors per load), shows
/// none of the tool's cloud buttons, and leads back to the console (issue 14, "/api-docs").
/// </summary>
public sealed partial class ApiDocsTests(SqliteConsole console) : IClassFixture<SqliteConsole>
{
    private ConsoleFactory Factory => console.Factory;

    [Fact]
    public async Task TheReferenceLoadsOnlyFromTheConsoleAndLinksBack()
    {
        var client = Factory.CreateClient();
        var html = await client.GetStringAsync("/api-docs", Ct);

        Assert.Contains("data-testid=\"back-to-console\"", html);
        Assert.DoesNotContain("fonts.scalar.com", html);
        foreach (Match source in Source().Matches(html))
        {
            var url = source.Groups[1].Value;
            Assert.False(url.StartsWith("http", StringComparison.OrdinalIgnoreCase) || url.StartsWith("//", StringComparison.Ordinal),
                $"/api-docs loads {url} from elsewhere");
            var asset = await client.GetAsync(new Uri(new Uri("http://localhost/api-docs/"), url).PathAndQuery, Ct);
            Assert.True(asset.StatusCode == HttpStatusCode.OK, $"{url}: {(int)asset.StatusCode}");
        }
    }

    [Fact]
    public async Task TheToolsCloudFeaturesAreOff()
    {
        var html = await Factory.CreateClient().GetStringAsync("/api-docs", Ct);

        // Scalar's configuration, as the page hands it to the script.
        Assert.Contains("\"withDefaultFonts\":false", html);
        Assert.Contains("\"hideClientButton\":true", html);
        Assert.Matches("\"showDeveloperTools\":\"never\"", html);
        Assert.Contains("\"telemetry\":false", html);
    }

    [GeneratedRegex("<(?:script|link)[^>]*(?:src|href)=\"([^\"]+)\"")]
    private static partial Regex Source();
}
