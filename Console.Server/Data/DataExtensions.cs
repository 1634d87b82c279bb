using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Common;

namespace SecurityConsole.Server.Data;

public static class DataExtensions
{
    public static WebApplicationBuilder AddConsoleData(this WebApplicationBuilder builder, ConsoleSettings settings)
    {
        var services = builder.Services;
        // Features observe saves through interceptors registered as IInterceptor (compliance: what changed, after the commit).
        services.AddSingleton<AfterCommit>();
        services.AddSingleton<IInterceptor>(sp => sp.GetRequiredService<AfterCommit>());
        switch (settings.Provider)
        {
            case DatabaseProvider.Sqlite:
                var sqlite = PrepareSqlite(settings.ConnectionString, builder.Environment.ContentRootPath);
                var guard = new SqliteFileGuard(sqlite);
                services.AddSingleton(guard);
                services.AddDbContext<ConsoleDbContext, SqliteConsoleDbContext>((sp, o) => o.UseSqlite(sqlite)
                    // EF rebuilds SQLite tables between "PRAGMA foreign_keys = 0/1", which SQLite runs outside a transaction;
                    // the warning printed on every first start, above the setup link, about EF's own generated migration.
                    .ConfigureWarnings(w => w.Ignore(RelationalEventId.NonTransactionalMigrationOperationWarning))
                    .AddInterceptors(sp.GetRequiredService<AuditChainInterceptor>()).AddInterceptors(guard.Interceptors).AddInterceptors(new SqliteBusyTimeout())
                    .AddInterceptors(sp.GetServices<IInterceptor>()));
                break;
            case DatabaseProvider.Postgres:
                var dataSource = new NpgsqlDataSourceBuilder(settings.ConnectionString).Build();
                services.AddSingleton(dataSource);
                services.AddDbContext<ConsoleDbContext, PostgresConsoleDbContext>((sp, o) => o.UseNpgsql(dataSource).AddInterceptors(sp.GetRequiredService<AuditChainInterceptor>())
                    .AddInterceptors(sp.GetServices<IInterceptor>()));
                break;
            default:
                throw new InvalidOperationException($"Unknown provider {settings.Provider}.");
        }
        // The keys live in the console's database, unencrypted at rest, as the database's other secrets are protected:
        // by access to the database (docs/operations.md, "Data Protection keys"). The key manager's warning about it printed
        // on every first start, above the setup link; its errors still print.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager", LogLevel.Error);
        services.AddDataProtection()
            .SetApplicationName("SecurityConsole")
            .PersistKeysToDbContext<ConsoleDbContext>();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"], timeout: DatabaseHealthCheck.Timeout);
        return builder;
    }

    /// <summary>Makes a relative SQLite path relative to the content root and creates its folder.</summary>
    private static string PrepareSqlite(string connectionString, string contentRoot)
    {
        var csb = new SqliteConnectionStringBuilder(connectionString);
        if (csb.DataSource != ":memory:" && !csb.DataSource.StartsWith("file:", StringComparison.Ordinal))
        {
            var path = Path.IsPathRooted(csb.DataSource) ? csb.DataSource : Path.Combine(contentRoot, csb.DataSource);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            csb.DataSource = path;
        }
        csb.ForeignKeys = true;
        return csb.ToString();
    }

    /// <summary>Applies pending migrations; on failure says which setting to look at.</summary>
    public static async Task MigrateAsync(IServiceProvider services, ConsoleSettings settings, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
        try
        {
            // On an empty database EF reads the history table before it creates it, and logs that read as a failure
            // ("Failed executing DbCommand") although the migration then succeeds: created first, there is nothing to fail.
            await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(ct);
            await db.Database.MigrateAsync(ct);
            if (db.Database.IsSqlite())
            {
                // The write-ahead log, kept in the file: readers and the one writer no longer block each other (a sign-in
                // failed with "database is locked" while background jobs read). An in-memory database stays as it is.
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL;", ct);
            }
            // From here on the node refuses to write anywhere but into the file it migrated.
            scope.ServiceProvider.GetService<SqliteFileGuard>()?.Arm();
        }
        catch (Exception ex) when (ex is NpgsqlException or SqliteException or InvalidOperationException or TimeoutException)
        {
            throw new StartupException(
                $"Cannot use the {settings.Provider} database named by 'ConnectionStrings:Console': {FirstLine(ex)}", ex);
        }
    }

    private static string FirstLine(Exception ex)
    {
        var root = ex;
        while (root.InnerException is not null && root is not NpgsqlException and not SqliteException)
        {
            root = root.InnerException;
        }
        return root.Message.Split('\n')[0].Trim();
    }
}
