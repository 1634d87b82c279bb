using Microsoft.Playwright;
using static SecurityConsole.E2E.Tests.E2EBrowser;

[assembly: AssemblyFixture(typeof(SecurityConsole.E2E.Tests.SharedBrowser))]

namespace SecurityConsole.E2E.Tests;

/// <summary>
/// One Playwright driver and one Chromium for the whole run, launched at first use. What keeps people and tests apart is
/// the browser context (its own cookies, storage and service workers), and every page still gets a context of its own;
/// launching the driver (a Node.js process) and Chromium again for each test cost seconds of CPU each on a two-core
/// machine. A browser that went away (a crash) is replaced at the next use, so one test's crash does not fail the rest.
/// </summary>
public sealed class SharedBrowser : IAsyncDisposable
{
    private static SharedBrowser? current;
    private readonly SemaphoreSlim gate = new(1, 1);
    private IPlaywright? playwright;
    private IBrowser? browser;

    public SharedBrowser() => current = this;

    /// <summary>The run's Chromium (skip or fail first where it is missing: <see cref="E2EBrowser.SkipWithoutChromium"/>).</summary>
    public static Task<IBrowser> GetAsync() =>
        (current ?? throw new InvalidOperationException("SharedBrowser is an assembly fixture; xunit makes it before any test.")).LaunchOnceAsync();

    private async Task<IBrowser> LaunchOnceAsync()
    {
        await gate.WaitAsync();
        try
        {
            if (browser is { IsConnected: true })
            {
                return browser;
            }
            playwright ??= await Playwright.CreateAsync();
            browser = await LaunchAsync(playwright);
            return browser;
        }
        finally
        {
            gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
        }
        playwright?.Dispose();
        gate.Dispose();
    }
}
