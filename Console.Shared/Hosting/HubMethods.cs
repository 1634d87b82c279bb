using SecurityConsole.Shared.Realtime;

namespace SecurityConsole.Shared.Hosting;

/// <summary>Names shared by the SignalR hub and its clients.</summary>
public static class HubRoutes
{
    public const string Alerts = "/hubs/alerts";
}

/// <summary>The hub's method names, as they travel: the names of <see cref="IConsoleClient"/>'s methods.</summary>
public static class HubMethods
{
    /// <summary>Server → client: the server's clock, sent on connect; proves the channel end to end.</summary>
    public const string Welcome = nameof(IConsoleClient.Welcome);

    /// <summary>Server → client: a new or changed alert.</summary>
    public const string AlertChanged = nameof(IConsoleClient.AlertChanged);

    /// <summary>Server → client: a dashboard counter changed.</summary>
    public const string StatsChanged = nameof(IConsoleClient.StatsChanged);

    /// <summary>Server → client: something about one's own keys or requests changed (<c>KeyNotice</c>); approvers hear of new requests.</summary>
    public const string KeyNotice = nameof(IConsoleClient.KeyNotice);

    /// <summary>Server → client: a compliance control changed status (<c>ComplianceChange</c>), to compliance readers.</summary>
    public const string ComplianceChanged = nameof(IConsoleClient.ComplianceChanged);
}
