namespace SecurityConsole.Server.Compliance.Checks;

/// <summary>
/// How fresh a full verification of the audit chain must be for the chain check to build on it, and the last one the
/// check made itself on this node.
/// <para>
/// The full verification belongs to the Audit feature's job <c>audit-chain-verification</c> (every 30 minutes, once across
/// the cluster), which records its outcome in the trail. The check reads that outcome and verifies only what was appended
/// after the entries it covered: a process that starts within <see cref="RecordedFor"/> of the job's last run never walks
/// the whole chain (ADR 0130; about 4.5 s per million entries on a cold database). A recorded outcome counts for 45
/// minutes, so that a run that is a few minutes late or slow does not lapse; with the sweep every 10 minutes a result
/// built on it is never more than 55 minutes old: "verified within the last hour".
/// </para>
/// <para>
/// Only when no outcome that fresh is recorded (the job has not run yet on a new console, or the console was stopped for
/// longer) does the check verify the whole chain itself, at most every <see cref="FullEvery"/> on a node, remembered here
/// and not recorded: the job stays the one writer of the outcome.
/// </para>
/// </summary>
public sealed class ChainVerifications
{
    public static readonly TimeSpan FullEvery = TimeSpan.FromMinutes(30);

    /// <summary>How long the job's recorded outcome counts.</summary>
    public static readonly TimeSpan RecordedFor = TimeSpan.FromMinutes(45);

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
