using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using SecurityConsole.Server.Users;

namespace SecurityConsole.Server.Components.Account;

/// <summary>
/// Failed sign-ins for addresses that have no account, counted as Identity counts them for accounts: after
/// <c>Lockout:MaxFailedAccessAttempts</c> failures the address is "locked" for <c>Lockout:DefaultLockoutTimeSpan</c>
/// and answers the lockout page, then counts from zero again. Without it, reaching the lockout page would prove an
/// account exists. Kept in this node's memory (as the sign-in rate limit is): bounded, and forgotten after a day
/// without failures, so that a flood of made-up addresses cannot grow it without end.
/// </summary>
public sealed class UnknownAddressLockout(IOptions<IdentityOptions> options, TimeProvider clock)
{
    internal const int MaxAddresses = 100_000;
    private static readonly TimeSpan Forget = TimeSpan.FromDays(1);

    /// <summary>The user the decoy hash belongs to: hashers may salt or read the user; this one has nothing to read.</summary>
    internal static readonly ConsoleUser Nobody = new();

    private readonly ConcurrentDictionary<string, State> _addresses = new(StringComparer.Ordinal);
    private readonly Lock _pruning = new();
    private string? _decoyHash;

    private sealed record State(int Failures, DateTimeOffset LockedUntil, DateTimeOffset LastFailure);

    /// <summary>Records a failure for the (normalized) address; true when the address is locked, as an account would be.</summary>
    public bool Fail(string normalizedAddress)
    {
        var now = clock.GetUtcNow();
        var lockout = options.Value.Lockout;
        if (_addresses.Count >= MaxAddresses && !_addresses.ContainsKey(normalizedAddress))
        {
            Prune(now);
        }
        var state = _addresses.AddOrUpdate(normalizedAddress,
            _ => Next(new State(0, DateTimeOffset.MinValue, now), now, lockout),
            (_, previous) => Next(previous, now, lockout));
        return state.LockedUntil > now;
    }

    private static State Next(State previous, DateTimeOffset now, LockoutOptions lockout)
    {
        if (previous.LockedUntil > now)
        {
            return previous; // locked: Identity does not count attempts while an account is locked
        }
        var failures = previous.Failures + 1;
        return failures >= lockout.MaxFailedAccessAttempts
            ? new State(0, now + lockout.DefaultLockoutTimeSpan, now)
            : new State(failures, previous.LockedUntil, now);
    }

    private void Prune(DateTimeOffset now)
    {
        if (!_pruning.TryEnter())
        {
            return; // another request is pruning
        }
        try
        {
            PruneLocked(now);
        }
        finally
        {
            _pruning.Exit();
        }
    }

    private void PruneLocked(DateTimeOffset now)
    {
        foreach (var (address, state) in _addresses)
        {
            if (state.LastFailure < now - Forget && state.LockedUntil < now)
            {
                _addresses.TryRemove(address, out _);
            }
        }
        // Still full of recent addresses (a flood): drop the oldest half rather than stop counting new ones.
        if (_addresses.Count >= MaxAddresses)
        {
            foreach (var (address, _) in _addresses.OrderBy(a => a.Value.LastFailure).Take(MaxAddresses / 2).ToList())
            {
                _addresses.TryRemove(address, out _);
            }
        }
    }

    /// <summary>A hash of a random password made once by the console's hasher, for checks that must cost what a real one does.</summary>
    public string DecoyHash(IPasswordHasher<ConsoleUser> hasher) =>
        LazyInitializer.EnsureInitialized(ref _decoyHash, () => hasher.HashPassword(Nobody, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));
}
