using SecurityConsole.Server.Tests.Audit;
using SecurityConsole.Server.Tests.Compliance;
using SecurityConsole.Server.Tests.Detection;
using SecurityConsole.Server.Tests.Faults;
using SecurityConsole.Server.Tests.Hosting;
using SecurityConsole.Server.Tests.Realtime;
using SecurityConsole.Server.Tests.Users;
using Xunit.Sdk;
using Xunit.v3;

[assembly: TestCollectionOrderer(typeof(SecurityConsole.Server.Tests.Infrastructure.LongestFirst))]

namespace SecurityConsole.Server.Tests.Infrastructure;

/// <summary>
/// Starts the test collections that take longest first, then the others in xUnit's own (random) order. xUnit runs four
/// collections at a time (xunit.runner.json) and takes them in this order; with its random order alone a long one could
/// start last and run alone for minutes after every other had finished (the rolling restart in CI on 2026-12-03: six
/// minutes, three of them alone). Only the order changes: every collection still runs, with its own tests and waits.
/// The list comes from the durations in the CI run's TRX (ADR 0146; bench/RESULTS.md, "Test suite speed, part 5"); a
/// class missing from it only starts in the random order, so the list can be out of date without anything failing.
/// </summary>
public sealed class LongestFirst : ITestCollectionOrderer
{
    /// <summary>Longest first: the local cluster (its start, the rolling restart, then the cluster tests), then by CI duration.</summary>
    private static readonly string[] Longest =
    [
        LocalClusterCollection.Name,
        Of<SqliteFaultTests>(),
        Of<SqliteAuditChainTests>(),
        Of<PostgresFirstAdminEmailTests>(),
        Of<SqliteCommandLineTests>(),
        Of<SqliteDetectionNodeTests>(),
        Of<SqliteEvidencePackTests>(),
        Of<PostgresAuditChainTests>(),
        Of<AuditSearchTests>(),
        Of<PostgresFaultTests>(),
        Of<BehindAProxyTests>(),
        Of<VerifyPackCommandTests>(),
        Of<PostgresComplianceApiTests>(),
        Of<AuditConcurrencyTests>(),
        Of<HubDrainTests>(),
        Of<PostgresRoleAndLockTests>(),
    ];

    /// <summary>xUnit's name for the collection of a class that names none: "Test collection for &lt;full name&gt; (id: …)".</summary>
    private static string Of<T>() => $"Test collection for {typeof(T).FullName} (";

    public IReadOnlyCollection<TTestCollection> OrderTestCollections<TTestCollection>(IReadOnlyCollection<TTestCollection> testCollections)
        where TTestCollection : notnull, ITestCollection =>
        // OrderBy is stable: the collections not listed keep xUnit's order after the listed ones.
        [.. DefaultTestCollectionOrderer.Instance.OrderTestCollections(testCollections).OrderBy(c => Rank(c))];

    private static int Rank(ITestCollection collection)
    {
        var name = collection.TestCollectionDisplayName;
        var rank = Array.FindIndex(Longest, n => name == n || (n.EndsWith('(') && name.StartsWith(n, StringComparison.Ordinal)));
        return rank < 0 ? Longest.Length : rank;
    }
}
