using SecurityConsole.Server.Compliance;
using S = SecurityConsole.Shared.Compliance.ComplianceStatuses;

namespace SecurityConsole.Server.Tests.Compliance;

/// <summary>Worst-of aggregation over the latest result of every check; error is never a pass, an exception never a pass.</summary>
public sealed class AggregationTests
{
    private static readonly Control TwoChecks = new("c", "C", "d", ["a", "b"], false, []);

    private static Dictionary<string, CheckSnapshot> Results(params (string Id, string Status)[] results) =>
        results.ToDictionary(r => r.Id, r => new CheckSnapshot(r.Id, r.Status, r.Status == S.Fail ? 1 : 0, null));

    [Theory]
    [InlineData(S.Pass, S.Pass, S.Pass)]
    [InlineData(S.Pass, S.Fail, S.Fail)]
    [InlineData(S.Fail, S.Pass, S.Fail)]
    [InlineData(S.Pass, S.Error, S.Error)]
    [InlineData(S.Error, S.Fail, S.Fail)]
    [InlineData(S.NotApplicable, S.Pass, S.Pass)]
    [InlineData(S.NotApplicable, S.NotApplicable, S.NotApplicable)]
    public void AControlIsTheWorstOfTheLatestResultOfEachOfItsChecks(string a, string b, string control) =>
        Assert.Equal(control, ControlAggregation.ControlStatus(TwoChecks, Results(("a", a), ("b", b)), [], false));

    [Fact]
    public void ACheckThatNeverRanCountsAsErrorNeverAsPass() =>
        Assert.Equal(S.Error, ControlAggregation.ControlStatus(TwoChecks, Results(("a", S.Pass)), [], false));

    [Fact]
    public void ErrorIsNeverCountedAsPassNorAsFailInThePassRate()
    {
        Assert.False(S.IsPassing(S.Error));
        Assert.False(S.IsEvaluated(S.Error));
        Assert.True(S.Rank(S.Error) > S.Rank(S.Pass));
    }

    [Fact]
    public void AnExceptionCoveringEveryFailingRowShowsExceptedAndOneThatMissesARowStillFails()
    {
        var rows = """[{"resourceType":"key","resourceId":"k1","status":"fail","reason":"r","link":null},{"resourceType":"key","resourceId":"k2","status":"fail","reason":"r","link":null}]""";
        var checks = new Dictionary<string, CheckSnapshot> { ["a"] = new("a", S.Fail, 2, rows), ["b"] = new("b", S.Pass, 0, null) };
        Assert.Equal(S.Excepted, ControlAggregation.ControlStatus(TwoChecks, checks, [new("c", new HashSet<string> { "k1", "k2" })], false));
        Assert.Equal(S.Fail, ControlAggregation.ControlStatus(TwoChecks, checks, [new("c", new HashSet<string> { "k1" })], false));
        Assert.Equal(S.Excepted, ControlAggregation.ControlStatus(TwoChecks, checks, [new("c", new HashSet<string>())], false));
        Assert.False(S.IsPassing(S.Excepted));
    }

    [Fact]
    public void AManualControlIsValidWhileAttestedAndDueOtherwise()
    {
        var manual = new Control("m", "M", "d", [], true, []);
        Assert.Equal(S.ManualValid, ControlAggregation.ControlStatus(manual, Results(), [], attested: true));
        Assert.Equal(S.ManualDue, ControlAggregation.ControlStatus(manual, Results(), [], attested: false));
    }

    [Fact]
    public void ARequirementIsTheWorstOfItsControls()
    {
        Assert.Equal(S.Fail, ControlAggregation.RequirementStatus([S.Pass, S.ManualValid, S.Fail, S.Excepted]));
        Assert.Equal(S.ManualDue, ControlAggregation.RequirementStatus([S.Pass, S.ManualDue]));
        Assert.Equal(S.NotApplicable, ControlAggregation.RequirementStatus([]));
    }
}
