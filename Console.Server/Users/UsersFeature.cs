using Hangfire;
using Microsoft.AspNetCore.Identity;
using SecurityConsole.Server.Common;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Users;

/// <summary>People: the first admin (the one-time setup link), invitations, roles, locks, and the caller's own view.</summary>
public sealed class UsersFeature : IConsoleFeature
{
    public void AddServices(WebApplicationBuilder builder, ConsoleSettings settings)
    {
        builder.Services.AddScoped<UserAdmin>();
        // Public reads for other features (their doors): compliance checks and report data.
        builder.Services.AddScoped<UserFacts>();
        builder.Services.AddScoped<UserCounts>();
        builder.Services.AddScoped<UserQueries>();
        builder.Services.AddScoped<UserReportQueries>();
        builder.Services.AddScoped<InvitationAcceptance>();
        builder.Services.AddScoped<SetupService>();
        builder.Services.AddScoped<CleanupJob>();
    }

    public void MapEndpoints(IEndpointRouteBuilder app) => app.MapUsers();

    /// <summary>Makes sure every role in Console.Shared exists; runs at every start, after migrations.</summary>
    public async Task PrepareAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole(role));
            }
        }
    }

    /// <summary>The daily clean-up of spent or expired setup links and long-closed invitations.</summary>
    public void RegisterJobs(IRecurringJobManager jobs) =>
        jobs.AddOrUpdate<CleanupJob>(CleanupJob.Id, j => j.RunAsync(CancellationToken.None), Cron.Daily(3));
}
