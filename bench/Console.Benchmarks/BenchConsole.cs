using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Security;

namespace SecurityConsole.Benchmarks;

/// <summary>The audit services (append, verify, search) exactly as the console wires them, on a PostgreSQL database, without the web host.</summary>
internal sealed class BenchConsole : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;

    private BenchConsole(ServiceProvider services, NpgsqlDataSource dataSource)
    {
        Services = services;
        _dataSource = dataSource;
    }

    public ServiceProvider Services { get; }

    /// <summary>The pool the console's contexts use: plain-SQL baselines read through it too.</summary>
    public NpgsqlDataSource DataSource => _dataSource;

    /// <summary>Options without the audit interceptor: the baseline of plain inserts.</summary>
    public DbContextOptions<PostgresConsoleDbContext> PlainOptions => new DbContextOptionsBuilder<PostgresConsoleDbContext>()
        .UseNpgsql(_dataSource).UseApplicationServiceProvider(Services).Options;

    /// <param name="database">The PostgreSQL database to start on (created for this console).</param>
    /// <param name="interceptors">Extra EF interceptors, e.g. to capture the SQL a search runs.</param>
    public static async Task<BenchConsole> StartAsync(string database, params IInterceptor[] interceptors)
    {
        var connection = await BenchPostgres.CreateDatabaseAsync(database);
        var dataSource = NpgsqlDataSource.Create(connection);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.Configure<IdentityOptions>(o => o.Stores.SchemaVersion = IdentitySchemaVersions.Version3);
        services.AddDbContext<ConsoleDbContext, PostgresConsoleDbContext>((sp, o) =>
            o.UseNpgsql(dataSource).AddInterceptors(sp.GetRequiredService<AuditChainInterceptor>()).AddInterceptors(interceptors));
        services.AddDataProtection().SetApplicationName("SecurityConsole").PersistKeysToDbContext<ConsoleDbContext>();
        services.AddSingleton<AuditChainInterceptor>();
        services.AddSingleton<AuditKeys>();
        services.AddSingleton<PersonalData>();
        services.AddHttpContextAccessor();
        services.AddScoped(sp =>
        {
            var caller = new Caller(sp.GetRequiredService<IHttpContextAccessor>());
            caller.ActAs(new Actor(ActorTypes.User, "bench-user", "10.20.30.40"));
            return caller;
        });
        services.AddScoped<AuditTrail>();
        services.AddScoped<AuditCheckpoints>();
        services.AddScoped<AuditVerifier>();
        services.AddScoped<AuditReader>();
        var provider = services.BuildServiceProvider();
        await using (var scope = provider.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ConsoleDbContext>().Database.MigrateAsync();
        }
        await provider.GetRequiredService<AuditKeys>().EnsureAsync(CancellationToken.None);
        return new BenchConsole(provider, dataSource);
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await _dataSource.DisposeAsync();
    }
}
