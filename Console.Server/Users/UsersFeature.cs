using Microsoft.AspNetCore.Identity;
using SecurityConsole.Server.Setup;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Users;

public static class UsersFeature
{
    public static WebApplicationBuilder AddUsers(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<UserAdmin>();
        // Public reads for other features (their doors): compliance checks and report data.
        builder.Services.AddScoped<UserFacts>();
        builder.Services.AddScoped<UserQueries>();
        builder.Services.AddScoped<UserReportQueries>();
        builder.Services.AddScoped<InvitationAcceptance>();
        builder.Services.AddScoped<SetupService>();
        // Setup's hourly clean-up of expired setup tokens and invitations (Setup has no feature file of its own yet).
        builder.Services.AddScoped<CleanupJob>();
        return builder;
    }

    /// <summary>Makes sure every role in Console.Shared exists; runs at every start, after migrations.</summary>
    public static async Task SeedRolesAsync(IServiceProvider services, CancellationToken ct = default)
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
}
