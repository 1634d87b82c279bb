using System.Net;
using System.Text.Json;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Events;
using SecurityConsole.Shared.Detection;
using static SecurityConsole.Server.Detection.Rules.AlertWording;

namespace SecurityConsole.Server.Detection.Rules;

/// <summary>Per-entity learned state, with the set of entities changed since the last save.</summary>
public abstract class BaselineEvaluator<TState>(CompiledRule rule) : RuleEvaluator(rule), IBaselineEvaluator where TState : class, new()
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Dictionary<(string Kind, string Id), Entry> _states = [];
    private readonly HashSet<(string Kind, string Id)> _dirty = [];

    public int Entities => _states.Count;

    protected TState State(string kind, string id, DateTimeOffset at)
    {
        if (!_states.TryGetValue((kind, id), out var entry))
        {
            if (_states.Count >= MaxEntities)
            {
                EvictOldest();
            }
            _states[(kind, id)] = entry = new Entry(new TState());
        }
        entry.Seen = at > entry.Seen ? at : entry.Seen;
        _dirty.Add((kind, id));
        return entry.State;
    }

    /// <summary>The state of an entity if known, for reading (the entity profile).</summary>
    public TState? Peek(string kind, string id) => _states.TryGetValue((kind, id), out var entry) ? entry.State : null;

    public IReadOnlyList<(string Kind, string Id, string State)> TakeDirty()
    {
        var list = new List<(string, string, string)>(_dirty.Count);
        foreach (var key in _dirty)
        {
            if (_states.TryGetValue(key, out var entry))
            {
                list.Add((key.Kind, key.Id, JsonSerializer.Serialize(entry.State, Json)));
            }
        }
        _dirty.Clear();
        return list;
    }

    public void Load(string kind, string id, string state)
    {
        if (_states.Count < MaxEntities && JsonSerializer.Deserialize<TState>(state, Json) is { } loaded)
        {
            _states[(kind, id)] = new Entry(loaded);
        }
    }

    private void EvictOldest()
    {
        // Saved state is in entity_baselines already; only what changed since the last save is lost.
        foreach (var key in _states.OrderBy(s => s.Value.Seen).Take(MaxEntities / 10).Select(s => s.Key).ToList())
        {
            _states.Remove(key);
            _dirty.Remove(key);
        }
    }

    private sealed class Entry(TState state)
    {
        public TState State { get; } = state;
        public DateTimeOffset Seen { get; set; } = DateTimeOffset.MinValue;
    }
}

public sealed class RateState
{
    public long Bucket { get; set; }
    public int Count { get; set; }
    public double Mean { get; set; }
    public double Var { get; set; }
    public long Learned { get; set; }
    public bool Fired { get; set; }
}

/// <summary>
/// Events per bucket against an exponentially weighted mean and variance per entity. Quiet buckets count as
/// zeros; a bucket is learned when it closes; the open bucket fires once, as soon as it is anomalous.
/// The deviation is never taken below the square root of the mean (Poisson noise) or 1.
/// </summary>
public sealed class RateAnomalyEvaluator(CompiledRule rule, RateAnomalyParameters p) : BaselineEvaluator<RateState>(rule)
{
    private const int MaxQuietBucketsLearned = 2000;

    public override void Observe(SecurityEvent e, List<Finding> found)
    {
        if ((p.EventType is { } filter && !RuleParameters.TypeMatches(filter, e.Type)) || e.Entity(p.By) is not { } entity)
        {
            return;
        }
        var bucket = e.Time.UtcTicks / Rule.Window.Ticks;
        var isNew = Peek(p.By, entity) is null;
        var s = State(p.By, entity, e.Time);
        if (isNew)
        {
            s.Bucket = bucket;
        }
        if (bucket < s.Bucket)
        {
            return; // late for a bucket already learned
        }
        if (bucket > s.Bucket)
        {
            Learn(s, s.Count);
            for (long quiet = Math.Min(bucket - s.Bucket - 1, MaxQuietBucketsLearned); quiet > 0; quiet--)
            {
                Learn(s, 0);
            }
            s.Bucket = bucket;
            s.Count = 0;
            s.Fired = false;
        }
        s.Count++;
        if (s.Fired || s.Learned < p.WarmupBuckets || s.Count < p.MinEvents)
        {
            return;
        }
        var deviation = Math.Sqrt(Math.Max(s.Var, Math.Max(s.Mean, 1)));
        var z = (s.Count - s.Mean) / deviation;
        if (z >= p.ZThreshold)
        {
            s.Fired = true;
            found.Add(new Finding(p.By, entity, e.Time, RateTitle(entity, s.Count, s.Mean, z),
                new { count = s.Count, mean = Math.Round(s.Mean, 2), stdDev = Math.Round(Math.Sqrt(s.Var), 2), z = Math.Round(z, 2), bucketMinutes = Rule.Window.TotalMinutes, lastEventId = e.Id },
                e.Id)
            {
                Summary = $"Its usual rate was learned over {Plural(s.Learned, "period", "periods")} of {Window}: about {Number(s.Mean)} ± {Number(deviation)} {(p.EventType is null ? "events" : "of these events")} each. "
                    + $"The rule alerts at {Number(p.ZThreshold)} deviations above the usual.",
            });
        }
    }

    /// <summary>"payments-api sent 4.2× its usual event rate: 38 events in 5 minutes, usually about 9 (z = 6.1)".</summary>
    private string RateTitle(string entity, int count, double mean, double z)
    {
        var exact = p.EventType is { } t && !t.Contains('*') ? t : null;
        var events = exact is null ? Plural(count, "event", "events") : $"{Count(count)} {Noun(exact, count, p.By)}";
        var rate = exact is null ? "event rate" : $"rate of {Noun(exact, 2, p.By)}";
        var score = $"(z = {z.ToString(z >= 100 ? "N0" : "0.#", System.Globalization.CultureInfo.InvariantCulture)})";
        return mean < 0.5
            ? $"{Who(p.By, entity)} sent {events} in {Window}, where {(p.By == EntityKinds.User ? "they usually send" : "it usually sends")} almost none {score}"
            : $"{Who(p.By, entity)} sent {AgainstUsual(count / mean, Their(p.By))} {rate}: {events} in {Window}, usually about {Number(mean)} {score}";
    }

    private void Learn(RateState s, int x)
    {
        if (s.Learned == 0)
        {
            s.Mean = x;
            s.Var = 0;
        }
        else
        {
            var diff = x - s.Mean;
            var increment = p.Alpha * diff;
            s.Mean += increment;
            s.Var = (1 - p.Alpha) * (s.Var + diff * increment);
        }
        s.Learned++;
    }
}

public sealed class NetworkState
{
    public List<string> Networks { get; set; } = [];
    public long Seen { get; set; }
}

/// <summary>A key or user seen from a network it was never seen from, once it has some history.</summary>
public sealed class NewNetworkEvaluator(CompiledRule rule, NewNetworkParameters p) : BaselineEvaluator<NetworkState>(rule)
{
    public const int MaxNetworks = 256;

    public override void Observe(SecurityEvent e, List<Finding> found)
    {
        if ((p.SuccessOnly && e.Outcome is EventOutcomes.Failure or EventOutcomes.Denied or EventOutcomes.Error)
            || e.Entity(p.By) is not { } entity || e.SourceIp is not { } ip || Network(ip) is not { } network)
        {
            return;
        }
        var s = State(p.By, entity, e.Time);
        if (!s.Networks.Contains(network))
        {
            if (s.Seen >= p.MinKnownEvents)
            {
                var verb = e.Type == SecurityEventTypes.LoginSucceeded ? "signed in from" : p.By == EntityKinds.Key ? "used from" : "seen on";
                var before = s.Networks.Count == 0 ? "no network seen before" : $"seen before: {List([.. s.Networks.TakeLast(2).Select(PersonalText.Network)], s.Networks.Count)}";
                found.Add(new Finding(p.By, entity, e.Time, $"{Who(p.By, entity)} {verb} a new network {PersonalText.Network(network)} ({before})",
                    new { network, sourceIp = ip, knownNetworks = s.Networks.TakeLast(10).ToList(), history = s.Seen, lastEventId = e.Id }, e.Id)
                {
                    Summary = $"{Address(ip)} is the first address in {PersonalText.Network(network)} after {Plural(s.Seen, "event", "events")} from "
                        + $"{Plural(s.Networks.Count, "known network", "known networks")}.",
                });
            }
            if (s.Networks.Count >= MaxNetworks)
            {
                s.Networks.RemoveAt(0);
            }
            s.Networks.Add(network);
        }
        s.Seen++;
    }

    public string? Network(string ip)
    {
        if (!IPAddress.TryParse(ip, out var address))
        {
            return null;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        var prefix = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? p.Ipv4PrefixLength : p.Ipv6PrefixLength;
        var bytes = address.GetAddressBytes();
        for (var bit = prefix; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }
        return $"{new IPAddress(bytes)}/{prefix}";
    }
}

public sealed class HoursState
{
    public long[] Hours { get; set; } = new long[24];
    public long Total { get; set; }
}

/// <summary>Activity in an hour of the day (UTC) that is rare for the entity, once it has enough history.</summary>
public sealed class UnusualHoursEvaluator(CompiledRule rule, UnusualHoursParameters p) : BaselineEvaluator<HoursState>(rule)
{
    public override void Observe(SecurityEvent e, List<Finding> found)
    {
        if ((p.EventType is { } filter && !RuleParameters.TypeMatches(filter, e.Type)) || e.Entity(p.By) is not { } entity)
        {
            return;
        }
        var s = State(p.By, entity, e.Time);
        var hour = e.Time.UtcDateTime.Hour;
        if (s.Hours.Length != 24)
        {
            s.Hours = new long[24];
        }
        if (s.Total >= p.MinHistoryEvents)
        {
            var share = (double)s.Hours[hour] / s.Total;
            if (share < p.MaxShare)
            {
                var usual = UsualHours(s.Hours);
                found.Add(new Finding(p.By, entity, e.Time, HoursTitle(e, entity, hour, usual),
                    new { hour, share = Math.Round(share, 4), history = s.Total, usualFrom = usual?.Start, usualTo = usual?.End, type = e.Type, lastEventId = e.Id }, e.Id)
                {
                    Summary = (s.Hours[hour] == 0
                        ? $"None of {Their(p.By)} {Plural(s.Total, "earlier event", "earlier events")} fell"
                        : $"Only {Count(s.Hours[hour])} of {Their(p.By)} {Plural(s.Total, "earlier event", "earlier events")} ({Percent(share)}) fell")
                        + $" between {hour:00}:00 and {(hour + 1) % 24:00}:00 UTC.",
                });
            }
        }
        s.Hours[hour]++;
        s.Total++;
    }

    /// <summary>"sam@example.com signed in at 03:12 UTC, outside their usual hours (08:00–18:00 UTC)".</summary>
    private string HoursTitle(SecurityEvent e, string entity, int hour, (int Start, int End)? usual)
    {
        var verb = e.Type switch
        {
            SecurityEventTypes.LoginSucceeded => "signed in",
            SecurityEventTypes.LoginFailed => "tried to sign in",
            _ when p.By == EntityKinds.Key => "used",
            _ => "active",
        };
        var when = $"{Who(p.By, entity)} {verb} at {Clock(e.Time)}";
        return usual is { } u && !Covers(u, hour)
            ? $"{when}, outside {Their(p.By)} usual hours ({u.Start:00}:00–{u.End:00}:00 UTC)"
            : $"{when}, an hour {(p.By == EntityKinds.User ? "they are" : "it is")} rarely active";
    }
}
