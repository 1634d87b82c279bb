namespace SecurityConsole.Server.Detection.Rules;

/// <summary>What every hit in an entity's window had in common (its value), or that they differed.</summary>
public readonly record struct Facet(string? Value, bool Varied);

/// <summary>
/// Event times per entity within a sliding window (event time, not arrival time), and for each entity up to three
/// facets of its hits (say the event type and the address) reduced to "all the same" or "varied", so that an alert
/// can say "from 203.0.113.7" or "from different addresses" without keeping every event.
/// </summary>
public sealed class SlidingCounter(TimeSpan window)
{
    private readonly Dictionary<string, Hits> _hits = new(StringComparer.Ordinal);

    public int Entities => _hits.Count;

    /// <summary>Adds a hit and returns how many hits of the entity lie within the window ending at it.</summary>
    public int Add(string entity, DateTimeOffset at, string? a = null, string? b = null, string? c = null)
    {
        if (!_hits.TryGetValue(entity, out var hits))
        {
            if (_hits.Count >= RuleEvaluator.MaxEntities)
            {
                Trim(at);
            }
            _hits[entity] = hits = new Hits();
        }
        var ticks = at.UtcTicks;
        var from = Math.Max(hits.Newest, ticks) - window.Ticks;
        Expire(hits, from);
        if (hits.Times.Count == 0)
        {
            (hits.A, hits.B, hits.C) = (new Facet(a, false), new Facet(b, false), new Facet(c, false));
        }
        else
        {
            (hits.A, hits.B, hits.C) = (Merge(hits.A, a), Merge(hits.B, b), Merge(hits.C, c));
        }
        hits.Times.Enqueue(ticks);
        hits.Newest = Math.Max(hits.Newest, ticks);
        Expire(hits, from);
        return hits.Times.Count;
    }

    /// <summary>The facets of the entity's hits since its count last started; read before <see cref="Reset"/>.</summary>
    public (Facet A, Facet B, Facet C) Facets(string entity) =>
        _hits.TryGetValue(entity, out var hits) ? (hits.A, hits.B, hits.C) : default;

    public void Reset(string entity) => _hits.Remove(entity);

    public void Trim(DateTimeOffset now)
    {
        var before = now.UtcTicks - window.Ticks;
        foreach (var (entity, hits) in _hits)
        {
            if (hits.Newest <= before)
            {
                _hits.Remove(entity);
            }
        }
        if (_hits.Count >= RuleEvaluator.MaxEntities)
        {
            // Flooded with distinct entities inside one window (e.g. spoofed addresses): start over rather than grow.
            _hits.Clear();
        }
    }

    private static void Expire(Hits hits, long from)
    {
        while (hits.Times.Count > 0 && hits.Times.Peek() <= from)
        {
            hits.Times.Dequeue();
        }
    }

    // Once varied, a facet stays varied until the entity's window empties: a little imprecise, and cheap.
    private static Facet Merge(Facet facet, string? value) => facet.Varied || string.Equals(facet.Value, value, StringComparison.Ordinal)
        ? facet : new Facet(null, true);

    private sealed class Hits
    {
        public Queue<long> Times { get; } = new();
        public long Newest { get; set; } = long.MinValue;
        public Facet A { get; set; }
        public Facet B { get; set; }
        public Facet C { get; set; }
    }
}
