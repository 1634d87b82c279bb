using System.Net;

namespace SecurityConsole.Server.Reports.Delivery;

/// <summary>
/// Name resolution for webhook targets. One resolution gives the addresses that are both checked and connected to, so
/// a name cannot answer with a public address for the check and an internal one for the connection (DNS rebinding).
/// Tests replace it to play a rebinding name server.
/// </summary>
public class WebhookDns
{
    /// <summary>The addresses of a name; an address literal (IPv6 with or without brackets) is itself.</summary>
    public virtual Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) =>
        IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? Task.FromResult(new[] { literal }) : Dns.GetHostAddressesAsync(host, ct);
}
