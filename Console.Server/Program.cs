using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Compliance;
using SecurityConsole.Server.Dashboard;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Detection;
using SecurityConsole.Server.Hosting;
using SecurityConsole.Server.Keys;
using SecurityConsole.Server.Reports;
using SecurityConsole.Server.Security;
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
    builder.AddAudit();
    builder.AddUsers();
    builder.AddKeys(settings);
    builder.AddDetection();
    builder.AddCompliance();
    builder.AddReports();
    builder.AddDashboard();

    var app = builder.Build();

    app.UseConsolePipeline();
    app.MapConsoleApiDocs();
    app.MapConsoleHealth();
    app.MapConsoleJobs();
    app.MapConsoleRealtime();
    app.MapUsers();
    app.MapKeys();
    app.MapAudit();
    app.MapDetection();
    app.MapCompliance();
    app.MapReports();
    app.MapDashboard();
    app.MapConsoleUi();

    if (cmd.Command is not null)
    {
        return await AdminCommands.RunAsync(app, cmd, Console.In, Console.Out, Console.Error);
    }
    await ConsoleHost.PrepareAsync(app.Services);
    ConsoleHost.PrintSetupLinkWhenStarted(app);
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
