using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Compliance;
using SecurityConsole.Server.Dashboard;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Demo;
using SecurityConsole.Server.Detection;
using SecurityConsole.Server.Hosting;
using SecurityConsole.Server.Keys;
using SecurityConsole.Server.Reports;
using SecurityConsole.Server.Users;

var cmd = CommandLine.Parse(args);
var builder = WebApplication.CreateBuilder(cmd.HostArgs);
if (cmd.Command is not null)
{
    // An operator command's standard output is its answer (a token for `KEY=$(… create-token …)`): logs go to stderr.
    builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
}

try
{
    // A wrong setting stops here, before anything runs, with one sentence (StartupException); so do an unreachable database and a taken port.
    var settings = builder.AddConsoleSettings();
    builder.AddConsoleHosting(settings);
    builder.AddConsoleData(settings);
    builder.AddConsoleSecurity();
    builder.AddConsoleJobs(settings);
    builder.AddConsoleRealtime(settings);
    builder.AddConsoleUi();
    // The features, listed once: each one's Feature.cs registers its services, maps its endpoints, prepares its data and
    // registers its jobs; the host loops over this list for each (docs/architecture.md).
    builder.AddConsoleFeatures(settings,
        new UsersFeature(),
        new KeysFeature(),
        new AuditFeature(),
        new DetectionFeature(),
        new ComplianceFeature(),
        new ReportsFeature(),
        new DashboardFeature());

    var app = builder.Build();

    app.UseConsolePipeline();
    app.MapConsoleApiDocs();
    app.MapConsoleHealth();
    app.MapConsoleJobs();
    app.MapConsoleRealtime();
    app.MapConsoleFeatures();
    app.MapConsoleUi();

    if (cmd.Command is not null)
    {
        return await AdminCommands.RunAsync(app, cmd, Console.In, Console.Out, Console.Error);
    }
    await ConsoleHost.PrepareAsync(app.Services);
    // Only a node that serves writes the recurring jobs' schedules; an operator command (above) leaves them as the nodes set them.
    ConsoleHost.RegisterJobs(app.Services);
    // With --demo, the demo accounts first, so that the one-time link that creates the first admin (to a terminal), or how
    // to get one, stays the last thing printed once the server listens.
    if (settings.Demo)
    {
        DemoData.PrintAccountsWhenStarted(app);
    }
    SetupLink.PrintWhenStarted(app);
    await ConsoleHost.RunAsync(app);
    return 0;
}
catch (StartupException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

/// <summary>The entry point; public so that tests can host it with WebApplicationFactory.</summary>
public partial class Program;
