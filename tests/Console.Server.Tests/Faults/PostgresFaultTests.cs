using System.Net;
using SecurityConsole.Server.Common;
using static SecurityConsole.Server.Tests.Detection.DetectionTestKit;

namespace SecurityConsole.Server.Tests.Faults;

/// <summary>
/// PostgreSQL of its own for each test (the run's shared server must not be stopped), crashed and started again,
/// or frozen with SIGSTOP. Durable like production (synchronous_commit on) so that "acknowledged" means committed.
/// </summary>
public sealed class PostgresFaultTests : IAsyncDisposable
{
    private ThrowawayPostgres? _postgres;
    private ConsoleFactory? _factory;

    /// <summary>
    /// A console whose connections give up after a few seconds (connect 3 s, command 5 s) rather than the defaults'
    /// 15 and 30, so that a frozen server is noticed within a test's patience.
    /// </summary>
    private async Task<FaultScenario> StartAsync()
    {
        var bin = ThrowawayPostgres.FindBinDirectory();
        if (bin is null)
        {
            TestEnvironment.SkipOrFail("PostgreSQL not found under /usr/lib/postgresql/*/bin: apt-get install postgresql");
        }
        _postgres = await ThrowawayPostgres.StartAsync(bin!, "fsync=off");
        var connection = $"{_postgres.ConnectionString("postgres")};Timeout=3;Command Timeout=5;Cancellation Timeout=1000;Maximum Pool Size=30";
        _factory = new ConsoleFactory(DatabaseProvider.Postgres, connection, extra: Fast());
        return await FaultScenario.StartAsync(_factory);
    }

    [Fact]
    public async Task WhilePostgresIsDownWritesAre503NothingFailsOpenAndTheNodeGoesOnOnceItIsBack()
    {
        var scenario = await StartAsync();
        await _postgres!.CrashAsync();

        await scenario.AssertWritesRefusedAsync();
        await scenario.AssertNoFailOpenAsync();
        // The service's own key is cached: it is let in, and what it asks for needs the database.
        await FaultScenario.AssertUnavailableAsync(await scenario.Service.GetAsync("/api/v1/me", Ct));
        await scenario.AssertReadyAsync(false);

        await _postgres.RestartAsync();
        await scenario.WaitUntilRecoveredAsync();
        await scenario.AssertNothingAcknowledgedWasLostAsync();
        Assert.True((await scenario.VerifyAsync(scenario.UnusedKey)).Valid);
        await scenario.AssertDetectionWorksAsync();
    }

    [Fact]
    public async Task WhilePostgresIsFrozenWritesAre503ReadinessSaysSoAndTheNodeGoesOnWhenItThaws()
    {
        var scenario = await StartAsync();
        _postgres!.Pause();
        try
        {
            await scenario.AssertWritesRefusedAsync();
            await scenario.AssertNoFailOpenAsync();
            await scenario.AssertReadyAsync(false);
        }
        finally
        {
            _postgres.Resume();
        }
        await scenario.WaitUntilRecoveredAsync();
        await scenario.AssertNothingAcknowledgedWasLostAsync();
    }

    [Fact]
    public async Task ACachedKeyAskingWhoItIsWhilePostgresIsDownGets503NotAnError()
    {
        var scenario = await StartAsync();
        var me = await scenario.Service.GetAsync("/api/v1/me", Ct);
        await me.AssertStatusAsync(HttpStatusCode.OK);
        await _postgres!.CrashAsync();

        await FaultScenario.AssertUnavailableAsync(await scenario.Service.GetAsync("/api/v1/me", Ct));
    }

    [Fact]
    public async Task AValidKeyNotYetCachedVerifiesAsUnavailableWhilePostgresIsDownNotAsUnknown()
    {
        var scenario = await StartAsync();
        await _postgres!.CrashAsync();

        var answer = await scenario.VerifyAsync(scenario.UnusedKey);
        Assert.False(answer.Valid);
        Assert.Equal("unavailable", answer.Reason);
        Assert.True(answer.RetryAfterSeconds > 0);
    }

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }
}
