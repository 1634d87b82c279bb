using System.Runtime.CompilerServices;

namespace SecurityConsole.Server.Tests.Infrastructure;

public static class TestCancellation
{
    /// <summary>The current test's cancellation token: cancelled when the test times out or the run is stopped.</summary>
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The shared waits (tests/Shared, which knows no test framework) stop with the current test.</summary>
    [ModuleInitializer]
    internal static void StopSharedWaitsWithTheTest() => Eventually.Cancellation = () => Ct;

    /// <summary>The consoles these tests start as processes live seconds to minutes: the runtime settings for that (ADR 0175).</summary>
    [ModuleInitializer]
    internal static void StartConsolesForAShortLife() => ConsoleProcessOptions.ShortLivedRuntimeDefault = ConsoleProcessOptions.ShortLivedRuntime;
}
