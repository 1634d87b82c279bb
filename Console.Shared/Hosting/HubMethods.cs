namespace SecurityConsole.Shared.Hosting;

/// <summary>Names shared by the SignalR hub and its clients.</summary>
public static class HubRoutes
{
    public const string Alerts = "/hubs/alerts";
}

public static class HubMethods
{
    /// <summary>Server → client: the server's clock, sent on connect; proves the channel end to end.</summary>
    public const string Welcome = "welcome";

    /// <summary>Server → client: a new or changed alert.</summary>
    public const string AlertChanged = "alertChanged";

    /// <summary>Server → client: a dashboard counter changed.</summary>
    public const string StatsChanged = "statsChanged";

    /// <summary>Server → client: something about one's own keys or requests changed (<c>KeyNotice</c>); approvers hear of new requests.</summary>
    public const string KeyNotice = "keyNotice";
}
