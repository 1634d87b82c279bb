namespace SecurityConsole.Testing;

/// <summary>
/// Waits for a condition instead of a time. The machine running the tests may be slow (two cores shared with a load of
/// 20 or more), so the ceiling is generous and only bounds a failure: a passing wait ends as soon as its condition holds.
/// A failure names what was awaited and the last state seen. Compiled into the test and benchmark projects (linked
/// source), so it depends on no test framework: it throws <see cref="TimeoutException"/>.
/// </summary>
public static class Eventually
{
    /// <summary>For a condition in a test: an alert raised, a message pushed, a server ready again.</summary>
    public static readonly TimeSpan DefaultCeiling = TimeSpan.FromMinutes(2);

    /// <summary>For a process to start (a console seeding its demo data, a database server) or a command to finish.</summary>
    public static readonly TimeSpan ProcessCeiling = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LongestPause = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Stops a wait when the run is stopped or the test times out. The test projects point it at the current test's token
    /// (a module initializer); the benchmarks leave it at none.
    /// </summary>
    public static Func<CancellationToken> Cancellation { get; set; } = () => CancellationToken.None;

    /// <summary>Polls until <paramref name="condition"/> holds; fails naming <paramref name="what"/> and the last state seen.</summary>
    public static async Task HoldsAsync(string what, Func<Task<(bool Holds, string State)>> condition, TimeSpan? ceiling = null)
    {
        var limit = ceiling ?? DefaultCeiling;
        var deadline = DateTime.UtcNow + limit;
        var pause = FirstPause;
        while (true)
        {
            var (holds, state) = await condition();
            if (holds)
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Gave up after {limit.TotalSeconds:F0} s waiting for {what}; last seen: {state}");
            }
            await Task.Delay(pause, Cancellation());
            pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
        }
    }

    /// <summary>Polls a condition on what this process holds (a list of messages received, a counter).</summary>
    public static Task HoldsAsync(string what, Func<(bool Holds, string State)> condition, TimeSpan? ceiling = null) =>
        HoldsAsync(what, () => Task.FromResult(condition()), ceiling);

    /// <summary>
    /// Reads until what was read satisfies <paramref name="until"/> and returns it; fails naming <paramref name="what"/> and
    /// the last value read (through <paramref name="describe"/>, or its ToString).
    /// </summary>
    public static async Task<T> ReadAsync<T>(string what, Func<Task<T>> read, Func<T, bool> until, Func<T, string>? describe = null, TimeSpan? ceiling = null)
    {
        T last = default!;
        await HoldsAsync(what, async () =>
        {
            last = await read();
            return (until(last), describe is null ? $"{last}" : describe(last));
        }, ceiling);
        return last;
    }

    /// <summary>
    /// Waits for something that completes by itself (a message a hub connection receives, a line a process prints);
    /// fails naming <paramref name="what"/> and, when given, what <paramref name="lastSeen"/> says at that moment.
    /// </summary>
    public static async Task<T> ArrivesAsync<T>(string what, Task<T> arrival, TimeSpan? ceiling = null, Func<string>? lastSeen = null)
    {
        await ArrivesAsync(what, (Task)arrival, ceiling, lastSeen);
        return await arrival;
    }

    /// <inheritdoc cref="ArrivesAsync{T}"/>
    public static async Task ArrivesAsync(string what, Task arrival, TimeSpan? ceiling = null, Func<string>? lastSeen = null)
    {
        var limit = ceiling ?? DefaultCeiling;
        try
        {
            await arrival.WaitAsync(limit, Cancellation());
        }
        catch (TimeoutException) when (!arrival.IsCompleted)
        {
            throw new TimeoutException($"Gave up after {limit.TotalSeconds:F0} s waiting for {what}"
                + (lastSeen is null ? "" : $"; last seen: {lastSeen()}"));
        }
    }
}
