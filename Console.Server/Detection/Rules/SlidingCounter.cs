namespace SecurityConsole.Server.Detection.Rules;

/// <summary>Event times per entity within a sliding window (event time, not arrival time).</summary>
public sealed class SlidingCounter(TimeSpan window)
{
    private readonly Dictionary<string, Hits> _hits = new(StringComparer.Ordinal);

    public int Entities => _hits.Count;

    /// <summary>Adds a hit and returns how many hits of the entity lie within the window ending at it.</summary>
    public int Add(string entity, DateTimeOffset at)
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
        hits.Times.Enqueue(ticks);
        hits.Newest = Math.Max(hits.Newest, ticks);
        var from = hits.Newest - window.Ticks;
        while (hits.Times.Count > 0 && hits.Times.Peek() <= from)
        {
            hits.Times.Dequeue();
        }
        return hits.Times.Count;
    }

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

    private sealed class Hits
    {
        public Queue<long> Times { get; } = new();
        public long Newest { get; set; } = long.MinValue;
    }
}
