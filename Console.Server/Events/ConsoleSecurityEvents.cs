using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using SecurityConsole.Shared.Detection;

namespace SecurityConsole.Server.Events;

/// <summary>
/// The console's own security events, in one place: what the key verifier, key management and the sign-in
/// pages call. A base layer: it knows no feature's types, so each feature hands it plain facts (a key's id and
/// prefix, an email) and Detection, which implements <see cref="ISecurityEventSink"/>, stores and detects them. Everything is queued (<see cref="ISecurityEventSink.Emit"/>) except leak reports, which are
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
    /// Called by the key verifier with every successful answer, on the hot path: queued as <c>key.used</c> only the
    /// first time in an hour that the key is seen from a network, so this costs a dictionary look-up and allocates
    /// nothing. <paramref name="displayKey"/> is the key as shown (prefix, then an ellipsis).
    /// </summary>
    public void KeyUsed(Guid keyId, string displayKey, IPAddress? clientIp)
    {
        if (clientIp is not null && FirstUseThisHour(keyId, clientIp))
        {
            sink.Emit(New(SecurityEventTypes.KeyUsed, EventOutcomes.Success, PrefixOf(displayKey), Text(clientIp)));
        }
    }

    /// <summary>
    /// Called by the key verifier with every refusal (but <c>unavailable</c>, which says nothing about the key):
    /// queued as <c>key.verify_failed</c>, or <c>key.rate_limited</c> when <paramref name="rateLimited"/>.
    /// <paramref name="displayKey"/> is the known key as shown, or the presented key's prefix, or null.
    /// </summary>
    public void KeyRefused(string reason, bool rateLimited, string? displayKey, IPAddress? clientIp)
    {
        var e = New(rateLimited ? SecurityEventTypes.KeyRateLimited : SecurityEventTypes.KeyVerifyFailed,
            rateLimited ? EventOutcomes.Denied : EventOutcomes.Failure, displayKey is null ? null : PrefixOf(displayKey), clientIp is null ? null : Text(clientIp));
        e.Attributes = _reasonAttributes.GetOrAdd(reason, r => JsonSerializer.Serialize(new { reason = r }));
        sink.Emit(e);
    }

    /// <summary>A key was revoked or rotated (by a person, a key, or the console).</summary>
    public void KeyChanged(string type, KeyFacts key)
    {
        var e = New(type, EventOutcomes.Success, key.Prefix, CallerIp());
        e.Actor = CallerName();
        e.Attributes = JsonSerializer.Serialize(new { keyId = key.Id, service = key.Service, environment = key.Environment, owner = key.OwnerUserId });
        sink.Emit(e);
    }

    /// <summary>A secret scanner reported a key: written (not queued) before the report is answered, so the alert cannot be lost.</summary>
    public async Task LeakReportedAsync(KeyFacts? key, string outcome, string? reportedBy, CancellationToken ct)
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

/// <summary>What a key event says about the key: the facts Keys hands over, so this layer needs no Keys type.</summary>
public sealed record KeyFacts(Guid Id, string Prefix, string? Service, string? Environment, string OwnerUserId);
