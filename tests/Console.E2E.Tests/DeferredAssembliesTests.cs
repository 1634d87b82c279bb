using Microsoft.Playwright;
using SecurityConsole.Testing;
using static Microsoft.Playwright.Assertions;
using static SecurityConsole.E2E.Tests.E2EBrowser;

namespace SecurityConsole.E2E.Tests;

/// <summary>
/// The assemblies the Dashboard never runs are left out of the first load (ADR 0140): the Dashboard does not fetch them,
/// the first other page does before it is drawn, a page opened directly works, and a client started before a deploy that
/// finds its files gone loads the page afresh instead of breaking.
/// </summary>
public sealed class DeferredAssembliesTests
{
    /// <summary>Deferred by every build and publish (the report editor's diff), so the deploy test can take it away.</summary>
    private const string DiffPlex = "**/_framework/DiffPlex.*";

    /// <summary>
    /// The files this client's start left out, by the names it fetches them under (its boot configuration's lazy list):
    /// a publish defers expression trees too, a build does not (Console.Client.csproj says why).
    /// </summary>
    private static async Task<string[]> DeferredFilesAsync(IPage page) =>
        await page.EvaluateAsync<string[]>("() => Blazor.runtime.getConfig().resources.lazyAssembly.map(a => a.name)");

    /// <summary>The first admin, signed in, on a Dashboard whose client runs: nothing deferred fetched yet.</summary>
    private static async Task OnTheRunningDashboardAsync(BrowserSession session)
    {
        await CreateFirstAdminAsync(session.Page, session.SetupLink);
        await session.Page.GotoAsync("/");
        await InteractiveAsync(session.Page);
    }

    [Fact]
    public async Task TheDashboardLeavesThemOutTheNextPageFetchesThemAndAPageOpenedDirectlyWorks()
    {
        await using var session = await BrowserSession.StartAsync();
        var admin = session.Page;
        await CreateFirstAdminAsync(admin, session.SetupLink);
        try
        {
            var fetched = new List<string>();
            admin.Request += (_, r) =>
            {
                if (r.Url.Contains("/_framework/", StringComparison.Ordinal))
                {
                    fetched.Add(new Uri(r.Url).AbsolutePath.Split('/')[^1]);
                }
            };

            await admin.GotoAsync("/");
            await InteractiveAsync(admin);
            await Expect(admin.GetByTestId("live-indicator")).ToHaveTextAsync("Live");
            var deferred = await DeferredFilesAsync(admin);
            Assert.Contains(deferred, f => f.StartsWith("DiffPlex.", StringComparison.Ordinal));
            if (E2EConsole.RunsAPublish(session.Server))
            {
                // The trimmed client's Dashboard goes without expression trees (ADR 0140).
                Assert.Contains(deferred, f => f.StartsWith("System.Linq.Expressions.", StringComparison.Ordinal));
            }
            Assert.Empty(fetched.Intersect(deferred));

            // A click in the running client: the form's page is drawn once its assemblies are in.
            await admin.GetByTestId("nav").GetByRole(AriaRole.Link, new() { Name = "Request a key" }).ClickAsync();
            await Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Request a key", Level = 1 })).ToBeVisibleAsync();
            await Expect(admin.GetByLabel("Service name")).ToBeVisibleAsync();
            Assert.Equal(deferred.Order(), fetched.Intersect(deferred).Order());
            Assert.Equal(deferred.Length, fetched.Count(f => deferred.Contains(f)));

            // Opened directly (a bookmark, a link from a mail): the first navigation of a fresh client fetches them first.
            fetched.Clear();
            await admin.GotoAsync("/keys/request");
            await Expect(admin.GetByLabel("Service name")).ToBeVisibleAsync();
            await InteractiveAsync(admin);
            await admin.GetByLabel("Service name").FillAsync("billing-export");
            await Expect(admin.GetByLabel("Service name")).ToHaveValueAsync("billing-export");
            Assert.Equal(deferred.Order(), fetched.Intersect(deferred).Order());
            Assert.Empty(session.Problems);
        }
        catch (Exception) when (session.WriteFailureEvidence())
        {
            throw;
        }
    }

    [Fact]
    public async Task ASecondClickWhileTheyAreOnTheirWayDrawsNoPageWithoutThem()
    {
        await using var session = await BrowserSession.StartAsync();
        var admin = session.Page;
        try
        {
            await OnTheRunningDashboardAsync(session);
            await Expect(admin.GetByTestId("live-indicator")).ToHaveTextAsync("Live");

            // A slow network: the deferred assemblies' download stays under way until the test lets it finish.
            var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var held = 0;
            await admin.RouteAsync("**/_framework/System.Runtime.Numerics.*", async route =>
            {
                Interlocked.Increment(ref held);
                await release.Task;
                await route.ContinueAsync();
            });

            // Two clicks: the second cancels the first navigation's wait, and the router draws at once what it is told
            // to draw. The page the second click asked for needs the assemblies (its table's fields); the Dashboard stays,
            // under a progress bar, until they are in.
            var nav = admin.GetByTestId("nav");
            await nav.GetByRole(AriaRole.Link, new() { Name = "My keys" }).ClickAsync();
            await Eventually.HoldsAsync("the deferred download asked for", () => (Volatile.Read(ref held) > 0, "not yet"));
            await nav.GetByRole(AriaRole.Link, new() { Name = "All keys" }).ClickAsync();
            await Expect(admin).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/keys/all$"));
            await Expect(admin.GetByTestId("assemblies-loading")).ToBeVisibleAsync();
            await Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Level = 1 })).ToBeVisibleAsync();
            Assert.Empty(session.Problems);

            release.SetResult();
            await Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "All keys", Level = 1 })).ToBeVisibleAsync();
            await Expect(admin.GetByTestId("assemblies-loading")).ToHaveCountAsync(0);
            Assert.Empty(session.Problems);
        }
        catch (Exception) when (session.WriteFailureEvidence())
        {
            throw;
        }
    }

    [Fact]
    public async Task AClientFromBeforeADeployWhoseFilesAreGoneLoadsThePageAfresh()
    {
        await using var session = await BrowserSession.StartAsync();
        var admin = session.Page;
        try
        {
            await OnTheRunningDashboardAsync(session);

            // The deploy: the release the running client started from named this file (fingerprinted); the server no
            // longer has it. Until the page is loaded again, which starts the deployed client with its own list.
            var reloaded = false;
            var refused = 0;
            int? problemsBeforeReload = null;
            // A document request: Blazor's own navigation changes the address without one.
            admin.Request += (_, r) =>
            {
                if (r.IsNavigationRequest && r.Frame == admin.MainFrame && new Uri(r.Url).AbsolutePath == "/keys/request" && !reloaded)
                {
                    reloaded = true;
                }
            };
            // The fresh page's problems are those after its document replaced the old one: until then the old client's
            // refused fetch may still report (its rejected download arrived after the reload was asked for, seen once).
            admin.FrameNavigated += (_, frame) =>
            {
                if (reloaded && problemsBeforeReload is null && frame == admin.MainFrame)
                {
                    problemsBeforeReload = session.Problems.Count;
                }
            };
            await admin.RouteAsync(DiffPlex, async route =>
            {
                if (reloaded)
                {
                    await route.ContinueAsync();
                }
                else
                {
                    refused++;
                    await route.FulfillAsync(new() { Status = 404, Body = "gone in the new release" });
                }
            });

            await admin.GetByTestId("nav").GetByRole(AriaRole.Link, new() { Name = "Request a key" }).ClickAsync();
            await Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Request a key", Level = 1 })).ToBeVisibleAsync();
            await InteractiveAsync(admin);
            await admin.GetByLabel("Service name").FillAsync("billing-export");
            await Expect(admin.GetByLabel("Service name")).ToHaveValueAsync("billing-export");
            Assert.True(refused > 0, "The running client never asked for the file the deploy removed");
            Assert.True(reloaded, "The page was not loaded afresh after the client's files were gone");
            // The old client's refused fetch is the point of the test (the 404, the integrity check of its body, the
            // runtime's failed download); the page loaded afresh must go without any problem.
            Assert.NotNull(problemsBeforeReload);
            Assert.Empty(session.Problems.Skip(problemsBeforeReload.Value));
        }
        catch (Exception) when (session.WriteFailureEvidence())
        {
            throw;
        }
    }
}
