using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Server.Reports.Delivery;

/// <summary>
/// Where a report webhook may point. A schedule's owner chooses the URL and the console makes the request, so without
/// this an owner could make the console call its own network (SSRF): loopback, private ranges, link-local (cloud
/// metadata at 169.254.169.254) and the like. The rule is applied twice: when a schedule is saved (a 400 naming the
/// field), and at every connection, on the very addresses connected to, so a name that resolves to a public address
/// when saved and to an internal one later (DNS rebinding) is still refused. Redirects are never followed.
/// Hosts named in <c>Reports:WebhookAllowedHosts</c> are the operator's explicit exception (an internal SOAR, say):
/// they may be internal and may use plain http. Elsewhere plain http is accepted only in Development.
/// </summary>
public sealed class WebhookTargets(IOptions<ReportsOptions> options, IHostEnvironment environment, WebhookDns dns)
{
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Checks a URL when a schedule is saved; errors go to <paramref name="field"/>.</summary>
    public async Task CheckAsync(string url, string field, Validator v, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            return; // The shape of the URL is checked by the request's own validation.
        }
        if (ShapeError(uri) is { } shape)
        {
            v.Add(field, shape);
            return;
        }
        if (IsAllowListed(uri.IdnHost))
        {
            return;
        }
        IPAddress[] addresses;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(ResolveTimeout);
            addresses = await dns.ResolveAsync(uri.IdnHost, timeout.Token);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            // A name that does not resolve from here now may resolve later; every connection is checked anyway.
            return;
        }
        if (addresses.FirstOrDefault(IsInternal) is { } inside)
        {
            v.Add(field, $"{Describe(uri.IdnHost, inside)}, an internal address; webhooks must reach a public address.");
        }
    }

    /// <summary>Why a URL may not be used whatever it resolves to (plain http outside Development), or null.</summary>
    public string? ShapeError(Uri uri) =>
        uri.Scheme != Uri.UriSchemeHttps && !environment.IsDevelopment() && !IsAllowListed(uri.IdnHost)
            ? "Must use https (plain http only for hosts named in Reports:WebhookAllowedHosts)."
            : null;

    /// <summary>
    /// SocketsHttpHandler.ConnectCallback: resolves the host once, refuses if any address is internal, and connects to
    /// exactly the addresses it checked.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = await dns.ResolveAsync(host, ct);
        if (!IsAllowListed(host) && addresses.FirstOrDefault(IsInternal) is { } inside)
        {
            throw new DeliveryFailedException($"Refused: {Describe(host, inside)}, an internal address; webhooks must reach a public address.");
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private bool IsAllowListed(string host) =>
        options.Value.WebhookAllowedHosts.Any(h => string.Equals(h.Trim().TrimEnd('.'), host.Trim('[', ']').TrimEnd('.'), StringComparison.OrdinalIgnoreCase));

    private static string Describe(string host, IPAddress address) =>
        IPAddress.TryParse(host, out _) ? $"{address} is" : $"{host} resolves to {address}";

    /// <summary>
    /// True for every address that is not a public unicast one: unspecified, loopback, private (RFC 1918), shared
    /// (RFC 6598), link-local (cloud metadata), benchmarking, reserved, multicast and broadcast; for IPv6 also unique-
    /// local, site-local and link-local; IPv4 addresses carried inside IPv6 (mapped, NAT64, 6to4) are judged as IPv4.
    /// </summary>
    public static bool IsInternal(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (address.IsIPv4MappedToIPv6)
            {
                return IsInternal(address.MapToIPv4());
            }
            var b = address.GetAddressBytes();
            if (b[0] == 0x20 && b[1] == 0x02)
            {
                return IsInternal(new IPAddress(b[2..6])); // 6to4 carries an IPv4 address in bytes 2-5.
            }
            if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4..12].All(x => x == 0))
            {
                return IsInternal(new IPAddress(b[12..16])); // NAT64 64:ff9b::/96.
            }
            return address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.IPv6Loopback) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal
                || address.IsIPv6Multicast || (b[0] & 0xfe) == 0xfc || b[..12].All(x => x == 0); // fc00::/7; ::/96 (IPv4-compatible, deprecated)
        }
        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            return true;
        }
        var v4 = address.GetAddressBytes();
        return v4[0] switch
        {
            0 or 10 or 127 => true,
            100 => v4[1] is >= 64 and <= 127,
            169 => v4[1] == 254,
            172 => v4[1] is >= 16 and <= 31,
            192 => (v4[1] == 168) || (v4[1] == 0 && v4[2] is 0 or 2) || (v4[1] == 88 && v4[2] == 99),
            198 => v4[1] is 18 or 19 || (v4[1] == 51 && v4[2] == 100),
            203 => v4[1] == 0 && v4[2] == 113,
            >= 224 => true,
            _ => false,
        };
    }
}
