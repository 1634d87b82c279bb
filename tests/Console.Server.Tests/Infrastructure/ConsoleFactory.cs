using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SecurityConsole.Server.Common;

// Program itself migrates and seeds before the host starts (ConsoleHost.PrepareAsync), under the factory too.

namespace SecurityConsole.Server.Tests.Infrastructure;

/// <summary>
/// The one WebApplicationFactory of this project: the real Program on a real database
/// (a fresh SQLite file, or a fresh PostgreSQL database), optionally with Redis.
/// </summary>
public sealed class ConsoleFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly string? _tempDir;

    public ConsoleFactory(DatabaseProvider provider, string connectionString, string? redis = null, IDictionary<string, string?>? extra = null)
    {
        Provider = provider;
        _settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider.ToString(),
            ["ConnectionStrings:Console"] = connectionString,
            ["ConnectionStrings:Redis"] = redis ?? "",
            ["Jobs:Workers"] = "1",
            // The suite shares its machine with itself and with builds: a PDF printed at the lowest CPU priority (the
            // product's default, ADR 0100) can wait minutes for a core there. Tests print at normal priority; the
            // low-priority launcher has its own test (ChromiumLowPriorityTests). So does the report lane (ADR 0135),
            // whose thread otherwise runs at nice 10 (ReportWorkLaneTests).
            ["Reports:ChromiumNice"] = "0",
            ["Reports:WorkNice"] = "0",
            // A test server has no load balancer to drain for: stopping one (every console of the run, at its end) would
            // otherwise wait Shutdown:DrainSeconds' default 5 s, not ready and idle. The tests of the drain set their own.
            ["Shutdown:DrainSeconds"] = "0",
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>())
        {
            _settings[k] = v;
        }
    }

    private ConsoleFactory(DatabaseProvider provider, string connectionString, string tempDir, string? redis, IDictionary<string, string?>? extra)
        : this(provider, connectionString, redis, extra) => _tempDir = tempDir;

    public DatabaseProvider Provider { get; }

    public CapturedLogs Logs { get; } = new();

    /// <summary>Service replacements (a fake clock, an interceptor) applied after Program's own; set before the server starts.</summary>
    public Action<IServiceCollection>? ServiceOverrides { get; set; }

    /// <summary>A console on its own SQLite file, migrated already (a copy of the run's template) unless <paramref name="empty"/>.</summary>
    public static ConsoleFactory Sqlite(string? redis = null, IDictionary<string, string?>? extra = null, bool empty = false)
    {
        var dir = TestEnvironment.TempDirectory("console-sqlite");
        var file = Path.Combine(dir, "console.db");
        if (!empty)
        {
            DatabaseTemplates.CopySqliteTemplate(file);
        }
        return new ConsoleFactory(DatabaseProvider.Sqlite, $"Data Source={file}", dir, redis, extra);
    }

    /// <summary>A console on its own PostgreSQL database, migrated already (made from the run's template) unless <paramref name="empty"/>.</summary>
    public static async Task<ConsoleFactory> PostgresAsync(PostgresServer server, string? redis = null, IDictionary<string, string?>? extra = null, bool empty = false) =>
        new(DatabaseProvider.Postgres, empty ? await server.CreateDatabaseAsync() : await server.CreateMigratedDatabaseAsync(), redis, extra);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<IStartupFilter, ClientAddressFilter>();
            // Identity's PBKDF2 at its default 100,000 rounds of HMAC-SHA512 was a tenth of the machine in a profile of these
            // tests (ADR 0190): every user a test makes and every sign-in hashes a password. A hash records its rounds, so verifying is unchanged; the consoles
            // started as processes keep the product's default, which CommandLineTests checks in a stored hash.
            services.Configure<PasswordHasherOptions>(options => options.IterationCount = TestPasswordHashRounds);
        });
        if (ServiceOverrides is { } overrides)
        {
            builder.ConfigureTestServices(overrides);
        }
    }

    /// <summary>
    /// The test server has no client address; each test client sends <see cref="ClientAddressHeader"/>
    /// so that per-IP rules (sign-in rate limit, audit source IP) see distinct clients, as in production.
    /// </summary>
    public const string ClientAddressHeader = "X-Test-Client-Address";

    /// <summary>PBKDF2 rounds of the in-process consoles' password hashes (the product's default is 100,000).</summary>
    public const int TestPasswordHashRounds = 1_000;

    private sealed class ClientAddressFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[ClientAddressHeader].ToString(), out var address))
                {
                    context.Connection.RemoteIpAddress = address;
                }
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        // No SqliteConnection.ClearAllPools(): it would close connections of factories still running in parallel.
        // On Linux the files can be deleted while pooled connections still hold them.
        if (_tempDir is not null)
        {
            try
            {
                Directory.Delete(_tempDir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
