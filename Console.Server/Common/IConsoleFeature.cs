using Hangfire;

namespace SecurityConsole.Server.Common;

/// <summary>
/// A feature's whole contract with the host, in its <c>&lt;Feature&gt;Feature.cs</c>: its services, its endpoints, the data it
/// prepares at start and its recurring jobs. <c>Program.cs</c> lists the features once; the host loops over that list for
/// each step (docs/architecture.md, "Where a new feature goes").
/// </summary>
public interface IConsoleFeature
{
    /// <summary>Registers its services and binds its settings (a wrong setting throws <see cref="StartupException"/>).</summary>
    void AddServices(WebApplicationBuilder builder, ConsoleSettings settings);

    /// <summary>Maps its endpoints, each with its row in the authorization table.</summary>
    void MapEndpoints(IEndpointRouteBuilder app);

    /// <summary>
    /// At every start, after migrations and before anything is recorded (the demo's back-dated history included): what the
    /// first write needs, such as the roles or the audit trail's keys. Writes no audit entry.
    /// </summary>
    Task PrepareAsync(IServiceProvider services, CancellationToken ct) => Task.CompletedTask;

    /// <summary>At every start, after the demo when there is one: the built-in data the feature keeps (audited), such as the detection rules.</summary>
    Task SeedAsync(IServiceProvider services, CancellationToken ct) => Task.CompletedTask;

    /// <summary>Adds or updates its recurring Hangfire jobs (once across a cluster: Hangfire triggers each id once).</summary>
    void RegisterJobs(IRecurringJobManager jobs)
    {
    }
}
