using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using SecurityConsole.Server.Common;

namespace SecurityConsole.Server.Users;

/// <summary>
/// Where the one-time setup link goes. It is a credential (whoever opens it first becomes Admin), so it is printed
/// only to a terminal: the README's first run (<c>dotnet run</c> in a terminal) shows it as before, while a console
/// whose output is collected (systemd, a container, CI) prints how to get one instead, and the operator runs
/// <c>admin setup-link</c> on the machine. <c>Console:PrintSetupLink=Always</c> is the opt-in for tests and CI
/// that read the link from the output.
/// </summary>
public static class SetupLink
{
    public const string Command = "admin setup-link";

    private const string Hint =
        "  No admin exists yet. To get a one-time link that creates the first admin, run on this machine:\n"
        + "    dotnet Console.Server.dll admin setup-link      (from the source: dotnet run --project Console.Server -- admin setup-link)\n"
        + "  The link is not printed here because this output is not a terminal and may be collected into logs.";

    /// <summary>Prints once the server listens (<c>Console:PrintSetupLink</c> is validated with the other settings).</summary>
    public static void PrintWhenStarted(WebApplication app)
    {
        var always = app.Services.GetRequiredService<IOptions<ConsoleOptions>>().Value.PrintSetupLink == SetupLinkOutput.Always;
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            using var scope = app.Services.CreateScope();
            var setup = scope.ServiceProvider.GetRequiredService<SetupService>();
            if (!setup.IsNeededAsync(CancellationToken.None).GetAwaiter().GetResult())
            {
                return;
            }
            var jsonLogs = string.Equals(app.Configuration["Logging:Console:FormatterName"], "json", StringComparison.OrdinalIgnoreCase);
            if (!always && System.Console.IsOutputRedirected && jsonLogs)
            {
                // A log collector reading JSON lines would choke on free text: the hint (never the link) as a log entry.
                app.Logger.LogWarning("No admin exists yet. To get a one-time link that creates the first admin, run on this machine: dotnet Console.Server.dll admin setup-link");
                return;
            }
            System.Console.WriteLine();
            if (always || !System.Console.IsOutputRedirected)
            {
                // Written to the terminal only, never to the logging pipeline, which may be exported.
                var token = setup.IssueAsync(CancellationToken.None).GetAwaiter().GetResult();
                var baseUrl = app.Services.GetRequiredService<ConsoleSettings>().PublicUrl ?? ListeningUrl(app);
                System.Console.WriteLine($"  No admin exists yet. Open this one-time link within {SetupService.Lifetime.TotalHours:0} hour to create the first admin:");
                System.Console.WriteLine($"  {baseUrl}/setup?token={token}");
            }
            else
            {
                System.Console.WriteLine(Hint);
            }
            System.Console.WriteLine();
        });
    }

    /// <summary><c>admin setup-link</c>: a fresh link on standard output (replacing any earlier one), while no admin exists.</summary>
    public static async Task<int> RunCommandAsync(IServiceProvider services, IConfiguration config, TextWriter stdout, TextWriter stderr)
    {
        var setup = services.GetRequiredService<SetupService>();
        if (!await setup.IsNeededAsync(CancellationToken.None))
        {
            stderr.WriteLine("The console already has an admin: a setup link only creates the first one. Sign in, or ask an admin to invite you.");
            return 1;
        }
        var token = await setup.IssueAsync(CancellationToken.None);
        stdout.WriteLine($"{ConfiguredUrl(services.GetRequiredService<ConsoleSettings>(), config)}/setup?token={token}");
        stderr.WriteLine($"A one-time link, valid for {SetupService.Lifetime.TotalHours:0} hour; it replaces any earlier link. Open it to create the first admin.");
        return 0;
    }

    /// <summary>The command does not listen: the public URL, else the first configured address, else the default.</summary>
    private static string ConfiguredUrl(ConsoleSettings settings, IConfiguration config) =>
        settings.PublicUrl
        ?? Loopback(config["urls"]?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault()
            ?? config["http_ports"]?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"http://localhost:{p}").FirstOrDefault()
            ?? "http://localhost:5080");

    private static string ListeningUrl(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        return Loopback(addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal)) ?? addresses.FirstOrDefault() ?? "http://localhost:5080");
    }

    private static string Loopback(string url) =>
        url.Replace("://0.0.0.0", "://localhost").Replace("://[::]", "://localhost").Replace("://+", "://localhost").Replace("://*", "://localhost").TrimEnd('/');
}
