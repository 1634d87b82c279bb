namespace SecurityConsole.Server.Compliance.Checks;

/// <summary>
/// The last full verification of the audit chain on this node, so that the chain check verifies the whole chain at most
/// every <see cref="FullEvery"/> (the sweep runs every 10 minutes, so a full verification is never more than 40 minutes
/// old: "verified within the last hour") and, in between, only the entries appended since. A full verification of
/// 1,000,000 entries takes about 6 s (bench/RESULTS.md, issue 3); every evaluation paying it would make a change's
/// re-evaluation and a full evaluation slower than their goals. A tampered old entry is found by the next full
/// verification; a broken link at the end of the verified part, or any change to what was appended, at once.
/// </summary>
public sealed class ChainVerifications
{
    public static readonly TimeSpan FullEvery = TimeSpan.FromMinutes(30);

    private readonly Lock _lock = new();
    private (long From, long Through, DateTimeOffset At)? _full;

    public (long From, long Through, DateTimeOffset At)? LastFull
    {
        get
        {
            lock (_lock)
            {
                return _full;
            }
        }
    }

    public void Remember(long from, long through, DateTimeOffset at)
    {
        lock (_lock)
        {
            _full = (from, through, at);
        }
    }

    public void Forget()
    {
        lock (_lock)
        {
            _full = null;
        }
    }
}
