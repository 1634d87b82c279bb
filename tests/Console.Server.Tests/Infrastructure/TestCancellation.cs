using System.Runtime.CompilerServices;

namespace SecurityConsole.Server.Tests.Infrastructure;

public static class TestCancellation
{
    /// <summary>The current test's cancellation token: cancelled when the test times out or the run is stopped.</summary>
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The shared waits (tests/Shared, which knows no test framework) stop with the current test.</summary>
    [ModuleInitializer]
    internal static void StopSharedWaitsWithTheTest() => Eventually.Cancellation = () => Ct;
}
