using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Hosting;

namespace SecurityConsole.Server.Data;

public static class DataExtensions
{
    public static WebApplicationBuilder AddConsoleData(this WebApplicationBuilder builder, ConsoleSettings settings)
    {
        var services = builder.Services;
        switch (settings.Provider)
        {
            case DatabaseProvider.Sqlite:
                var sqlite = PrepareSqlite(settings.ConnectionString, builder.Environment.ContentRootPath);
                services.AddDbContext<ConsoleDbContext, SqliteConsoleDbContext>((sp, o) => o.UseSqlite(sqlite).AddInterceptors(sp.GetRequiredService<AuditChainInterceptor>()));
                break;
            case DatabaseProvider.Postgres:
                var dataSource = new NpgsqlDataSourceBuilder(settings.ConnectionString).Build();
                services.AddSingleton(dataSource);
                services.AddDbContext<ConsoleDbContext, PostgresConsoleDbContext>((sp, o) => o.UseNpgsql(dataSource).AddInterceptors(sp.GetRequiredService<AuditChainInterceptor>()));
                break;
            default:
                throw new InvalidOperationException($"Unknown provider {settings.Provider}.");
        }
        services.AddDataProtection()
            .SetApplicationName("SecurityConsole")
            .PersistKeysToDbContext<ConsoleDbContext>();
        services.AddHealthChecks().AddDbContextCheck<ConsoleDbContext>("database", tags: ["ready"]);
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
            await db.Database.MigrateAsync(ct);
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

/// <summary>A start-up failure whose message is meant for the operator, as is.</summary>
public sealed class StartupException(string message, Exception? inner = null) : Exception(message, inner);
