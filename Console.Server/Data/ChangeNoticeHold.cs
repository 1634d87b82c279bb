using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;

namespace SecurityConsole.Server.Data;

/// <summary>
/// Lets a bulk job that commits many batches through one <see cref="DbContext"/> (the key rotation policy over thousands
/// of overdue keys) hold back what listeners of committed changes hear from it (the compliance runner's "inputs
/// changed"), and let them hear it once, when the hold ends: they redo their work once for the job, not once per batch
/// (ADR 0165). The changes themselves commit as usual; a listener asks <see cref="Defer"/> before it tells anyone. Other
/// contexts (every request) are not held. Ending the hold, also when the job fails part way, releases what was held.
/// </summary>
public sealed class ChangeNoticeHold : IDisposable
{
    private static readonly ConditionalWeakTable<DbContext, ChangeNoticeHold> Holds = [];

    private readonly DbContext _db;
    private readonly List<Action> _onRelease = [];
    private readonly HashSet<object> _keys = new(ReferenceEqualityComparer.Instance);
    private bool _released;

    private ChangeNoticeHold(DbContext db) => _db = db;

    /// <summary>Holds the notices of <paramref name="db"/>'s commits until the returned hold is disposed.</summary>
    public static ChangeNoticeHold Begin(DbContext db)
    {
        var hold = new ChangeNoticeHold(db);
        Holds.AddOrUpdate(db, hold);
        return hold;
    }

    /// <summary>
    /// For a listener about to tell of a commit of <paramref name="db"/>: when its notices are held, <paramref name="release"/>
    /// runs once the hold ends and the answer is true (tell nothing now); otherwise false (tell now). <paramref name="key"/>
    /// names the listener's one release per hold: a second call with the same key within a hold adds nothing to run.
    /// </summary>
    public static bool Defer(DbContext db, object key, Action release)
    {
        if (!Holds.TryGetValue(db, out var hold))
        {
            return false;
        }
        lock (hold._onRelease)
        {
            if (hold._released)
            {
                return false;
            }
            if (!hold._keys.Contains(key))
            {
                hold._keys.Add(key);
                hold._onRelease.Add(release);
            }
            return true;
        }
    }

    public void Dispose()
    {
        Action[] release;
        lock (_onRelease)
        {
            if (_released)
            {
                return;
            }
            _released = true;
            release = [.. _onRelease];
        }
        if (Holds.TryGetValue(_db, out var current) && ReferenceEquals(current, this))
        {
            Holds.Remove(_db);
        }
        foreach (var r in release)
        {
            r();
        }
    }
}
