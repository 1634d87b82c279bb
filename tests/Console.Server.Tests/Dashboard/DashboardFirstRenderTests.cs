using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Tests.Dashboard;

/// <summary>
/// The Dashboard arrives drawn (issue 14, "Speed of the first screen"; ADR 0095): the server's first answer already holds
/// the layout and the figures, and hands them to the browser's client so that it does not fetch them again. A figure
/// the reader may not see through the API is not in the HTML either.
/// </summary>
public sealed partial class DashboardFirstRenderTests(SqliteConsole console) : IClassFixture<SqliteConsole>
{
    private ConsoleFactory Factory => console.Factory;

    [Fact]
    public async Task AnAdminsDashboardArrivesWithItsFiguresAndHandsThemToTheBrowser()
    {
        var html = await PageAsync(await Factory.SignedInClientAsync(Roles.Admin), "/");

        Assert.Matches(DashboardHeading(), html);
        Assert.Contains("mud-layout", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Loading the Security Console", html, StringComparison.Ordinal);
        foreach (var card in new[] { "People", "Active API keys", "Open invitations", "Audit entries", "Key requests waiting", "Keys overdue for rotation" })
        {
            Assert.Matches(new Regex($">{Regex.Escape(card)}</p>\\s*<h5[^>]*>[0-9,]+</h5>"), html);
        }
        Assert.Contains("data-testid=\"open-total\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("mud-skeleton", html, StringComparison.Ordinal);

        // The figures travel with the page for the client (PersistentComponentState), so the browser does not ask again.
        var handedOver = HandedOverState(html);
        Assert.Contains(handedOver, s => s.Contains("auditActivity", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(handedOver, s => s.Contains("openBySeverity", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task ADrawnDashboardShowsOnlyWhatTheReadersRolesReveal()
    {
        var analyst = await PageAsync(await Factory.SignedInClientAsync(Roles.SecurityAnalyst), "/");
        Assert.Contains(">Open alerts<", analyst, StringComparison.Ordinal);
        Assert.Contains(">Audit entries<", analyst, StringComparison.Ordinal);
        Assert.DoesNotContain(">People<", analyst, StringComparison.Ordinal);
        Assert.DoesNotContain(">Open invitations<", analyst, StringComparison.Ordinal);
        Assert.DoesNotContain("Key requests waiting", analyst, StringComparison.Ordinal);

        var developer = await PageAsync(await Factory.SignedInClientAsync(Roles.Developer), "/");
        Assert.Matches(DashboardHeading(), developer);
        foreach (var hidden in new[] { ">People<", ">Active API keys<", ">Audit entries<", ">Open alerts<", "Newest alerts", "Activity, last 14 days" })
        {
            Assert.DoesNotContain(hidden, developer, StringComparison.Ordinal);
        }
        Assert.DoesNotContain(HandedOverState(developer), s => s.Contains("openBySeverity", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task PagesTheServerDoesNotDrawAreLeftToTheBrowser()
    {
        var html = await PageAsync(await Factory.SignedInClientAsync(Roles.Admin), "/alerts");
        Assert.Contains("Loading the Security Console", html, StringComparison.Ordinal);
        // The layout is not drawn (its marker is absent); the placeholder's style names its class, so look for the marker.
        Assert.DoesNotContain("data-interactive", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NobodySignedInGetsTheSignInFormNotTheDashboard()
    {
        var response = await Factory.CreateBrowserClient().GetAsync("/", Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/Account/Login", response.Headers.Location?.ToString() ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain("stat-card", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    private static async Task<string> PageAsync(HttpClient client, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/html");
        using var response = await client.SendAsync(request, Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} answered {(int)response.StatusCode}: {html[..Math.Min(html.Length, 2000)]}");
        return html;
    }

    /// <summary>The values the server handed to the WebAssembly client with the page, as JSON text.</summary>
    private static List<string> HandedOverState(string html)
    {
        var marker = StateMarker().Match(html);
        if (!marker.Success)
        {
            return [];
        }
        var entries = JsonSerializer.Deserialize<Dictionary<string, string>>(Encoding.UTF8.GetString(Convert.FromBase64String(marker.Groups[1].Value))) ?? [];
        return [.. entries.Values.Select(v => Encoding.UTF8.GetString(Convert.FromBase64String(v)))];
    }

    [GeneratedRegex("<h1[^>]*>\\s*Dashboard\\s*</h1>")]
    private static partial Regex DashboardHeading();

    [GeneratedRegex("<!--Blazor-WebAssembly-Component-State:([A-Za-z0-9+/=]+)-->")]
    private static partial Regex StateMarker();
}
