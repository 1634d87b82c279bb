using SecurityConsole.Server.Users;
using SecurityConsole.Shared.Compliance;

namespace SecurityConsole.Server.Compliance.Checks;

/// <summary>One row of a result: a resource and how it fares, with the reason in one sentence and a link to its page.</summary>
public sealed record CheckRow(string ResourceType, string ResourceId, string Status, string Reason, string? Link = null)
{
    public static CheckRow Pass(string type, string id, string reason, string? link = null) => new(type, id, ComplianceStatuses.Pass, reason, link);

    public static CheckRow Fail(string type, string id, string reason, string? link = null) => new(type, id, ComplianceStatuses.Fail, reason, link);

    public static CheckRow NotApplicable(string type, string id, string reason) => new(type, id, ComplianceStatuses.NotApplicable, reason);
}

/// <summary>What a change touched; a check names the inputs it reads and is re-run when one of them changes.</summary>
public static class CheckInputs
{
    public const string Users = "users";
    public const string Keys = "keys";
    public const string Audit = "audit";
    public const string Retention = "retention";
    public const string Alerts = "alerts";
    public const string Compliance = "compliance";

    /// <summary>Only the sweep re-runs a check that reads nothing but the clock and configuration.</summary>
    public const string Time = "time";
}

/// <summary>
/// A check is code: it reads live state through the features' own doors (UserFacts, KeyComplianceFacts, AuditFacts, AlertFacts)
/// and returns one row per resource. Its status is the worst of its rows; no rows is "not applicable". A check over a large
/// table counts its rows in the database and returns <see cref="CountedRows"/>: the rows <see cref="CheckContext.Limits"/>
/// leave room for, and the count of all of them by status.
/// </summary>
public sealed record CheckDefinition(
    string Id, string Title, string Reads, IReadOnlyList<string> Inputs,
    Func<CheckContext, CancellationToken, Task<IReadOnlyList<CheckRow>>> Evaluate);

/// <summary>What a running check may use: the scope's services, one clock reading, the parameters and the enabled frameworks.</summary>
public sealed class CheckContext(IServiceProvider services, DateTimeOffset now, ComplianceParameters parameters, IReadOnlyList<Framework> enabled)
{
    public IServiceProvider Services { get; } = services;
    public DateTimeOffset Now { get; } = now;
    public ComplianceParameters Parameters { get; } = parameters;
    public IReadOnlyList<Framework> EnabledFrameworks { get; } = enabled;

    /// <summary>
    /// How many rows a check that counts and filters in the database reads: an evaluation asks only for what the page shows;
    /// a check run on its own (the tests) returns every row.
    /// </summary>
    public RowLimits Limits { get; init; } = RowLimits.Every;

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    private readonly Dictionary<string, Task> _reads = [];

    /// <summary>
    /// A read several checks of one evaluation share (every user), made once per evaluation. Checks run one after another,
    /// and the rows are read-only to them. The key checks count and filter in the database instead (ADR 0119).
    /// </summary>
    public Task<T> OnceAsync<T>(string name, Func<Task<T>> read)
    {
        lock (_reads)
        {
            if (!_reads.TryGetValue(name, out var task))
            {
                _reads[name] = task = read();
            }
            return (Task<T>)task;
        }
    }

    /// <summary>Every user (<see cref="UserFacts.AllAsync"/>), read once per evaluation.</summary>
    public Task<IReadOnlyList<UserFact>> UsersAsync(CancellationToken ct) =>
        OnceAsync<IReadOnlyList<UserFact>>("users", async () => await Get<UserFacts>().AllAsync(ct));
}

/// <summary>Every check the code has, by id. A later registration with the same id replaces an earlier one (tests inject faults so).</summary>
public sealed class CheckRegistry(IEnumerable<CheckDefinition> definitions)
{
    private readonly Dictionary<string, CheckDefinition> _byId = definitions
        .GroupBy(d => d.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);

    public IReadOnlyCollection<CheckDefinition> All => _byId.Values;

    public IReadOnlySet<string> Ids => _byId.Keys.ToHashSet(StringComparer.Ordinal);

    public CheckDefinition? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>The checks that read any of these inputs; all of them for <see cref="CheckInputs.Time"/>.</summary>
    public IReadOnlyList<CheckDefinition> Reading(IReadOnlySet<string> inputs) =>
        inputs.Contains(CheckInputs.Time) ? [.. _byId.Values] : [.. _byId.Values.Where(d => d.Inputs.Any(inputs.Contains))];

    internal static string Ago(DateTimeOffset now, DateTimeOffset then)
    {
        var span = now - then;
        return span.TotalDays >= 2 ? $"{(int)span.TotalDays} days" : span.TotalHours >= 2 ? $"{(int)span.TotalHours} hours" : $"{Math.Max(0, (int)span.TotalMinutes)} minutes";
    }
}
