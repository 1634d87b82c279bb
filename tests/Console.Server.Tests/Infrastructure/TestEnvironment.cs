using System.Net;
using System.Net.Sockets;

namespace SecurityConsole.Server.Tests.Infrastructure;

/// <summary>
/// Tests that need a program the machine may lack (PostgreSQL, Redis) skip with a message saying so,
/// unless CONSOLE_TESTS_REQUIRE_ALL=1 (CI), where a missing program is a failure.
/// </summary>
public static class TestEnvironment
{
    public static bool RequireAll => Environment.GetEnvironmentVariable("CONSOLE_TESTS_REQUIRE_ALL") == "1";

    public static void SkipOrFail(string reason)
    {
        if (RequireAll)
        {
            Assert.Fail($"{reason} (CONSOLE_TESTS_REQUIRE_ALL=1 turns this skip into a failure)");
        }
        Assert.Skip(reason);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string TempDirectory(string prefix)
    {
        var path = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

}
