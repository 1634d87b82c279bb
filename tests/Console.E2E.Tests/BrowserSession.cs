using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Microsoft.Playwright;
using SecurityConsole.Testing;
using static SecurityConsole.E2E.Tests.E2EBrowser;

namespace SecurityConsole.E2E.Tests;

/// <summary>
/// What a browser test starts from: a console process of its own, its one-time setup link, Debian's Chromium, and a
/// first page (watched as "admin"); more people get pages of their own. Disposed in reverse: contexts, browser, server.
/// </summary>
internal sealed class BrowserSession : IAsyncDisposable
{
    private readonly IPlaywright playwright;
    private readonly List<IBrowserContext> contexts = [];

    private BrowserSession(ConsoleProcess server, string setupLink, IPlaywright playwright, IBrowser browser)
    {
        Server = server;
        SetupLink = setupLink;
        this.playwright = playwright;
        Browser = browser;
    }

    public ConsoleProcess Server { get; }
    public string SetupLink { get; }
    public IBrowser Browser { get; }
    public IPage Page { get; private set; } = null!;
    /// <summary>Every watched page's browser errors, warnings and failed requests.</summary>
    public List<string> Problems { get; } = [];

    /// <summary>Skips (or, with CONSOLE_TESTS_REQUIRE_ALL=1, fails) where Chromium is missing.</summary>
    public static Task<BrowserSession> StartAsync(params string[] serverArgs) => StartAsync(E2EClient.Published, serverArgs);

    /// <inheritdoc cref="StartAsync(string[])"/>
    /// <param name="client">The run's publish (by default) or the build output (ADR 0180).</param>
    /// <param name="serverArgs">Added to the console's command line (such as <c>--demo</c>).</param>
    public static async Task<BrowserSession> StartAsync(E2EClient client, params string[] serverArgs)
    {
        SkipWithoutChromium();
        var server = await E2EConsole.StartAsync(client, serverArgs);
        try
        {
            var setupLink = await server.SetupLinkAsync();
            var playwright = await Playwright.CreateAsync();
            var session = new BrowserSession(server, setupLink, playwright, await LaunchAsync(playwright));
            session.Page = await session.NewPageAsync("admin");
            return session;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>A page in a context of its own (its own cookies: another person), watched under <paramref name="who"/>.</summary>
    public async Task<IPage> NewPageAsync(string who)
    {
        var context = await NewContextAsync(Browser, Server);
        contexts.Add(context);
        var page = await context.NewPageAsync();
        Watch(page, who, Problems);
        return page;
    }

    /// <summary>A person created on the operator's command line, with the tests' password.</summary>
    public async Task CreateUserAsync(string email, string role)
    {
        var created = await Server.RunAsync(["admin", "create-user", "--email", email, "--role", role, "--password-stdin"], Password + "\n");
        Assert.True(created.ExitCode == 0, created.Stderr);
    }

    /// <summary>An HTTP client for a service, holding a key made on the command line for the first admin.</summary>
    public async Task<HttpClient> ServiceClientAsync(string scopes, string name)
    {
        var token = await Server.RunAsync(["admin", "create-token", "--email", "admin@example.com", "--scopes", scopes, "--name", name]);
        Assert.True(token.ExitCode == 0, token.Stderr);
        // The secret is the one line of standard output that looks like a key; host logging may share the stream.
        var key = token.Stdout.Split('\n', StringSplitOptions.TrimEntries).Last(l => l.StartsWith("sc_", StringComparison.Ordinal));
        var client = new HttpClient { BaseAddress = new Uri(Server.BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>For an exception filter: the evidence of <paramref name="page"/> (default the first), then false.</summary>
    public bool WriteFailureEvidence(IPage? page = null, [CallerMemberName] string test = "") =>
        E2EBrowser.WriteFailureEvidence(page ?? Page, Problems, Server, test);

    public async ValueTask DisposeAsync()
    {
        foreach (var context in contexts)
        {
            await context.DisposeAsync();
        }
        await Browser.DisposeAsync();
        playwright.Dispose();
        await Server.DisposeAsync();
    }
}
