using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using SecurityConsole.Server.Keys;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Keys;

namespace SecurityConsole.Server.Detection;

/// <summary>
/// The console's own security events, in one place: what the key verifier, key management and the sign-in
/// pages call. Everything is queued (<see cref="ISecurityEventSink.Emit"/>) except leak reports, which are
/// written before the report is answered. Source is always <see cref="Source"/>.
/// </summary>
public sealed class ConsoleSecurityEvents(ISecurityEventSink sink, IHttpContextAccessor http, TimeProvider clock, ILogger<ConsoleSecurityEvents> logger)
{
    public const string Source = "console";

    /// <summary>At most this many (key, network) pairs are remembered for <see cref="SecurityEventTypes.KeyUsed"/>.</summary>
    private const int MaxUsePairs = 100_000;

    private readonly ConcurrentDictionary<(Guid Key, UInt128 Network), long> _usedInHour = new();
    private readonly ConcurrentDictionary<string, string> _reasonAttributes = new(StringComparer.Ordinal);

    /// <summary>
    /// Called by the verifier with every answer, on the hot path: a refusal is queued as <c>key.verify_failed</c>
    /// (or <c>key.rate_limited</c>); a success is queued as <c>key.used</c> only the first time in an hour that the
    /// key is seen from a network, so the success path costs a dictionary look-up and allocates nothing.
    /// </summary>
    public KeyVerification Verified(string presentedKey, IPAddress? clientIp, KeyVerification result)
    {
        if (result.Valid)
        {
            if (clientIp is not null && result.Key is { } used && FirstUseThisHour(used.Id, clientIp))
            {
                sink.Emit(New(SecurityEventTypes.KeyUsed, EventOutcomes.Success, PrefixOf(used.DisplayKey), Text(clientIp)));
            }
            return result;
        }
        var reason = result.Reason ?? "unknown";
        var prefix = result.Key is { } known ? PrefixOf(known.DisplayKey)
            : reason == KeyVerifyReasons.NotFound ? KeyFormat.DisplayPrefix(presentedKey) : null;
        var limited = reason == KeyVerifyReasons.RateLimited;
        var e = New(limited ? SecurityEventTypes.KeyRateLimited : SecurityEventTypes.KeyVerifyFailed,
            limited ? EventOutcomes.Denied : EventOutcomes.Failure, prefix, clientIp is null ? null : Text(clientIp));
        e.Attributes = _reasonAttributes.GetOrAdd(reason, r => JsonSerializer.Serialize(new { reason = r }));
        sink.Emit(e);
        return result;
    }

    /// <summary>A key was revoked or rotated (by a person, a key, or the console).</summary>
    public void KeyChanged(string type, ApiKey key)
    {
        var e = New(type, EventOutcomes.Success, key.Prefix, CallerIp());
        e.Actor = CallerName();
        e.Attributes = JsonSerializer.Serialize(new { keyId = key.Id, service = key.Service, environment = key.Environment, owner = key.OwnerUserId });
        sink.Emit(e);
    }

    /// <summary>A secret scanner reported a key: written (not queued) before the report is answered, so the alert cannot be lost.</summary>
    public async Task LeakReportedAsync(ApiKey? key, string outcome, string? reportedBy, CancellationToken ct)
    {
        var e = New(SecurityEventTypes.KeyLeakReported, EventOutcomes.Unknown, key?.Prefix, CallerIp());
        e.Actor = CallerName();
        e.Attributes = JsonSerializer.Serialize(new { outcome, keyId = key?.Id, service = key?.Service, reportedBy });
        try
        {
            await sink.WriteAsync([e], ct);
        }
        catch (EventStoreUnavailableException ex)
        {
            // The key is revoked already; the report must not fail for this. Queued, it is tried once more.
            logger.LogError(ex, "The leak report of {Key} could not be stored as a security event; queued again", key?.Prefix);
            sink.Emit(e);
        }
    }

    /// <summary>A sign-in attempt, named by its audit action (signin.failed, signin.locked_out, signin.succeeded).</summary>
    public void SignIn(string auditAction, string? email, string? factor = null)
    {
        var (type, outcome) = auditAction switch
        {
            "signin.succeeded" => (SecurityEventTypes.LoginSucceeded, EventOutcomes.Success),
            "signin.locked_out" => (SecurityEventTypes.Lockout, EventOutcomes.Denied),
            _ => (SecurityEventTypes.LoginFailed, EventOutcomes.Failure),
        };
        var e = New(type, outcome, null, CallerIp());
        e.Actor = string.IsNullOrWhiteSpace(email) ? null : email.Trim().ToLowerInvariant()[..Math.Min(email.Trim().Length, SecurityEventLimits.MaxActorLength)];
        e.Attributes = factor is null ? null : JsonSerializer.Serialize(new { factor });
        sink.Emit(e);
    }

    private SecurityEvent New(string type, string outcome, string? keyPrefix, string? ip)
    {
        var now = clock.GetUtcNow();
        return new SecurityEvent { Type = type, Time = now, ReceivedAt = now, Source = Source, Outcome = outcome, KeyPrefix = keyPrefix, SourceIp = ip };
    }

    private bool FirstUseThisHour(Guid keyId, IPAddress ip)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (!ip.TryWriteBytes(bytes, out var written))
        {
            return false;
        }
        // The same networks as the new-network rule's defaults: IPv4 /24 (also when mapped into IPv6), IPv6 /48.
        var v4 = written == 4 ? bytes[..4] : ip.IsIPv4MappedToIPv6 ? bytes[12..16] : default;
        var network = !v4.IsEmpty
            ? new UInt128(0, BinaryPrimitives.ReadUInt32BigEndian(v4) & 0xFFFFFF00u)
            : new UInt128(BinaryPrimitives.ReadUInt64BigEndian(bytes) & 0xFFFFFFFFFFFF0000ul, 1);
        var hour = clock.GetUtcNow().UtcTicks / TimeSpan.TicksPerHour;
        if (_usedInHour.TryGetValue((keyId, network), out var seen) && seen == hour)
        {
            return false;
        }
        if (_usedInHour.Count >= MaxUsePairs)
        {
            _usedInHour.Clear();
        }
        _usedInHour[(keyId, network)] = hour;
        return true;
    }

    private static string PrefixOf(string displayKey)
    {
        var cut = displayKey.IndexOf('…');
        return cut < 0 ? displayKey : displayKey[..cut];
    }

    private string? CallerIp() => http.HttpContext?.Connection.RemoteIpAddress is { } ip ? Text(ip) : null;

    private static string Text(IPAddress ip) => (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString();

    private string CallerName() => http.HttpContext?.User.Identity?.Name ?? "console";
}
