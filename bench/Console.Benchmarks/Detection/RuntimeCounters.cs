using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;

namespace SecurityConsole.Benchmarks.Detection;

/// <summary>
/// The runtime's own counters (<c>System.Runtime</c>: gc-heap-size, working-set, …) of another .NET process, read once a second
/// over its diagnostics port (EventPipe), as dotnet-counters does. Keeps the latest and the highest value of each.
/// </summary>
internal sealed class RuntimeCounters : IDisposable
{
    private readonly EventPipeSession _session;
    private readonly Task _reading;
    private readonly ConcurrentDictionary<string, (double Last, double Max)> _values = new();

    private RuntimeCounters(EventPipeSession session)
    {
        _session = session;
        _reading = Task.Run(() =>
        {
            using var source = new EventPipeEventSource(session.EventStream);
            source.Dynamic.All += Read;
            try
            {
                source.Process();
            }
            catch (Exception) when (_stopped)
            {
            }
        });
    }

    private volatile bool _stopped;

    /// <summary>Null (with a note) when the process's diagnostics port cannot be reached.</summary>
    public static RuntimeCounters? TryStart(int pid)
    {
        try
        {
            var provider = new EventPipeProvider("System.Runtime", EventLevel.Informational, 0xFFFFFFFF,
                new Dictionary<string, string> { ["EventCounterIntervalSec"] = "1" });
            return new RuntimeCounters(new DiagnosticsClient(pid).StartEventPipeSession([provider], requestRundown: false));
        }
        catch (Exception ex)
        {
            Console.WriteLine($"   (runtime counters unavailable: {ex.GetType().Name}: {ex.Message})");
            return null;
        }
    }

    /// <summary>Forgets the highest values: a new phase starts.</summary>
    public void ResetMax()
    {
        foreach (var key in _values.Keys)
        {
            _values.AddOrUpdate(key, _ => (0, 0), (_, v) => (v.Last, v.Last));
        }
    }

    public (double Last, double Max) this[string name] => _values.TryGetValue(name, out var v) ? v : (double.NaN, double.NaN);

    private void Read(TraceEvent e)
    {
        if (e.EventName != "EventCounters" || e.PayloadValue(0) is not IDictionary<string, object> outer
            || outer["Payload"] is not IDictionary<string, object> payload)
        {
            return;
        }
        var name = (string)payload["Name"];
        var value = Convert.ToDouble(payload.TryGetValue("Mean", out var mean) ? mean : payload["Increment"], System.Globalization.CultureInfo.InvariantCulture);
        _values.AddOrUpdate(name, _ => (value, value), (_, v) => (value, Math.Max(v.Max, value)));
    }

    public void Dispose()
    {
        _stopped = true;
        try
        {
            _session.Stop();
        }
        catch (Exception)
        {
        }
        _reading.Wait(TimeSpan.FromSeconds(5));
        _session.Dispose();
    }
}
