using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using SecurityConsole.Server.Data;

namespace SecurityConsole.Server.Tests.Infrastructure;

/// <summary>
/// A test console starts on a database that already has every migration applied: the product's own migrations are
/// applied once per test run into a template, and each console gets a copy (a file copy for SQLite, CREATE DATABASE …
/// TEMPLATE for PostgreSQL) instead of running them again (docs/decisions/0060). Only the schema is in the template:
/// roles, the audit chain, detection rules, Data Protection keys are made by each console's own start, as in production.
/// The console still runs its migrations on start, and finds none pending. Tests of migrating an empty database ask
/// for one (<c>empty: true</c>).
/// </summary>
internal static class DatabaseTemplates
{
    private static readonly Lazy<string> SqliteTemplate = new(CreateSqliteTemplate, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Puts a migrated SQLite database at <paramref name="path"/> (which must not exist yet).</summary>
    public static void CopySqliteTemplate(string path) => File.Copy(SqliteTemplate.Value, path);

    /// <summary>
    /// A migrated SQLite database, console.db in a new folder of its own, for a test that starts the console as a process
    /// or makes a <see cref="ConsoleFactory"/> of its own on a file it names: the console finds no migration pending, as
    /// <see cref="ConsoleFactory.Sqlite"/> does (ADR 0060, 0175). A test of migrating an empty database names an empty file instead.
    /// </summary>
    public static string MigratedSqliteFile(string prefix)
    {
        var path = Path.Combine(TestEnvironment.TempDirectory(prefix), "console.db");
        CopySqliteTemplate(path);
        return path;
    }

    private static string CreateSqliteTemplate()
    {
        var folder = TestEnvironment.TempDirectory("console-sqlite-template");
        var path = Path.Combine(folder, "template.db");
        // As the console opens it (foreign keys on), but unpooled: the file is closed when the context is, before any copy.
        var connection = new SqliteConnectionStringBuilder { DataSource = path, ForeignKeys = true, Pooling = false }.ToString();
        using (var db = new SqliteConsoleDbContext(new DbContextOptionsBuilder<SqliteConsoleDbContext>()
                   .UseSqlite(connection)
                   .UseApplicationServiceProvider(DesignTimeServices.Create())
                   .ConfigureWarnings(w => w.Ignore(RelationalEventId.NonTransactionalMigrationOperationWarning))
                   .Options))
        {
            db.GetService<IHistoryRepository>().CreateIfNotExists();
            db.Database.Migrate();
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(folder);
        return path;
    }

    /// <summary>Applies the product's PostgreSQL migrations and Hangfire's schema to the (empty) database named.</summary>
    public static async Task MigratePostgresAsync(string connectionString)
    {
        // Unpooled: no connection may stay open on a template, or CREATE DATABASE … TEMPLATE refuses to copy it.
        var unpooled = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ToString();
        await using (var db = new PostgresConsoleDbContext(new DbContextOptionsBuilder<PostgresConsoleDbContext>()
                         .UseNpgsql(unpooled)
                         .UseApplicationServiceProvider(DesignTimeServices.Create())
                         .Options))
        {
            await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync();
            await db.Database.MigrateAsync();
        }
        // Hangfire's storage installs (or upgrades) its schema on start when it is missing (Jobs.cs, PrepareSchemaIfNecessary).
        await using var connection = new NpgsqlConnection(unpooled);
        await connection.OpenAsync();
        Hangfire.PostgreSql.PostgreSqlObjectsInstaller.Install(connection, "hangfire");
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
