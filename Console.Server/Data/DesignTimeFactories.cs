using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace SecurityConsole.Server.Data;

// Used only by `dotnet ef migrations add`; each provider keeps its own migrations folder.
// The Identity schema version is read from application services, so the factories supply the same one the app uses.
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteConsoleDbContext>
{
    public SqliteConsoleDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteConsoleDbContext>()
            .UseSqlite("Data Source=design.db")
            .UseApplicationServiceProvider(DesignTimeServices.Create())
            .Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresConsoleDbContext>
{
    public PostgresConsoleDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresConsoleDbContext>()
            .UseNpgsql("Host=localhost;Database=design")
            .UseApplicationServiceProvider(DesignTimeServices.Create())
            .Options);
}

internal static class DesignTimeServices
{
    public static IServiceProvider Create() => new ServiceCollection()
        .Configure<IdentityOptions>(o => o.Stores.SchemaVersion = IdentitySchemaVersions.Version3)
        .BuildServiceProvider();
}
