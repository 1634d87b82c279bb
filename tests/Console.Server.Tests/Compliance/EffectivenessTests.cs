using System.Net;
using SecurityConsole.Server.Compliance;
using SecurityConsole.Shared.Compliance;
using SecurityConsole.Shared.Security;
using S = SecurityConsole.Shared.Compliance.ComplianceStatuses;

namespace SecurityConsole.Server.Tests.Compliance;

/// <summary>Effectiveness over a period, computed from the recorded status changes.</summary>
public abstract class EffectivenessTests(SharedConsole console)
{
    private static readonly DateTimeOffset Q3 = new(2025, 7, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task AControlThatFailedTwoHoursInAPassingQuarterIsPassingEveryDayAndTheFailureIsNamedWithItsTimes()
    {
        var factory = console.Factory;
        await factory.DbAsync(async db =>
        {
            foreach (var (status, at) in new[] { (S.Pass, Q3.AddHours(-1)), (S.Fail, new DateTimeOffset(2025, 8, 14, 10, 0, 0, TimeSpan.Zero)), (S.Pass, new DateTimeOffset(2025, 8, 14, 12, 0, 0, TimeSpan.Zero)) })
            {
                db.ComplianceEvidence.Add(new EvidenceItem
                {
                    Kind = EvidenceKinds.StatusChange, Subject = "lockout-settings", Status = status, At = at, EffectiveFrom = at, Payload = "{}", Sha256 = new string('0', 64),
                });
            }
            await db.SaveChangesAsync(Ct);
        });
        var reader = await factory.SignedInClientAsync(Roles.Auditor);
        var result = (await reader.GetFromJsonAsync<ControlEffectiveness>(
            "/api/v1/compliance/controls/lockout-settings/effectiveness?from=2025-07-01T00:00:00Z&to=2025-10-01T00:00:00Z", Ct))!;
        Assert.Equal(92, result.Days);
        Assert.Equal(92, result.DaysPassing);
        Assert.Equal(1.0, result.ShareOfDays);
        Assert.InRange(result.ShareOfTime!.Value, 0.998, 0.9991);
        var span = Assert.Single(result.NotPassing);
        Assert.Equal(S.Fail, span.Status);
        Assert.Equal(TimeSpan.FromHours(2), span.To - span.From);
        Assert.Contains("100% of days", result.Summary);
        Assert.True(result.Summary.Contains("failing 2 h on 14 Aug 2025 (from 10:00 to 12:00 UTC)", StringComparison.Ordinal), result.Summary);

        // Before anything was recorded the period is unknown, never counted as passing.
        var before = (await reader.GetFromJsonAsync<ControlEffectiveness>(
            "/api/v1/compliance/controls/lockout-settings/effectiveness?from=2025-01-01T00:00:00Z&to=2025-02-01T00:00:00Z", Ct))!;
        Assert.Null(before.ShareOfDays);
        Assert.Equal(0, before.DaysKnown);
        var bad = await reader.GetAsync("/api/v1/compliance/controls/lockout-settings/effectiveness?from=2025-02-01&to=2025-01-01", Ct);
        Assert.NotEmpty((await bad.AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("from"));
        Assert.Equal(HttpStatusCode.NotFound, (await reader.GetAsync("/api/v1/compliance/controls/none/effectiveness", Ct)).StatusCode);
    }
}

public sealed class SqliteEffectivenessTests(SqliteConsole console) : EffectivenessTests(console), IClassFixture<SqliteConsole>;

public sealed class PostgresEffectivenessTests(PostgresConsole console) : EffectivenessTests(console), IClassFixture<PostgresConsole>;
