using System.Diagnostics.Metrics;

namespace SecurityConsole.Server.Common;

/// <summary>The console's one meter: features add their instruments to it; Hosting exports it (Telemetry).</summary>
public static class ConsoleMetrics
{
    public static readonly Meter Meter = new("SecurityConsole");
}
