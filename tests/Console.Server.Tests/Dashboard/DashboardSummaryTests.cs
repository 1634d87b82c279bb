using System.Text.Json;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Tests.Dashboard;

/// <summary>
/// The dashboard summary answers any signed-in caller, so each figure asks for the permission whose data it counts
/// and is null without it (issue 10, finding 11: a keys:verify key used to read every count).
/// </summary>
public abstract class DashboardSummaryTests(SharedConsole console)
{
    private const string Summary = "/api/v1/dashboard/summary";

    private static readonly Dictionary<string, string[]> FiguresByPermission = new()
    {
        [Permissions.UsersManage] = ["users", "pendingInvitations"],
        [Permissions.KeysRead] = ["activeKeys", "overdueKeys"],
        [Permissions.AuditRead] = ["auditEntries", "auditActivity"],
        [Permissions.KeysApprove] = ["pendingKeyRequests"],
    };

    private ConsoleFactory Factory => console.Factory;

    [Fact]
    public async Task AKeyThatOnlyVerifiesKeysSeesNoFigure()
    {
        var (key, _) = await Factory.KeyClientAsync(Permissions.KeysVerify);
        var figures = await FiguresAsync(key);
        Assert.All(figures, f => Assert.True(f.Value.ValueKind == JsonValueKind.Null, $"{f.Key} = {f.Value}"));
        Assert.Equal(FiguresByPermission.Values.SelectMany(f => f).Order(), figures.Keys.Order());
    }

    [Fact]
    public async Task EachFigureNeedsThePermissionThatRevealsIt()
    {
        foreach (var (permission, shown) in FiguresByPermission)
        {
            var (key, _) = await Factory.KeyClientAsync(permission);
            var figures = await FiguresAsync(key);
            var present = figures.Where(f => f.Value.ValueKind != JsonValueKind.Null).Select(f => f.Key).Order();
            Assert.True(present.SequenceEqual(shown.Order()), $"{permission} sees {string.Join(", ", present)}");
        }
    }

    [Fact]
    public async Task AnAdminSeesEveryFigureAndADeveloperNone()
    {
        var admin = await FiguresAsync(await Factory.SignedInClientAsync(Roles.Admin));
        Assert.DoesNotContain(admin, f => f.Value.ValueKind == JsonValueKind.Null);
        Assert.True(admin["users"].GetInt32() >= 1);
        Assert.Equal(14, admin["auditActivity"].GetArrayLength());

        var developer = await FiguresAsync(await Factory.SignedInClientAsync(Roles.Developer));
        Assert.All(developer, f => Assert.Equal(JsonValueKind.Null, f.Value.ValueKind));
    }

    private static async Task<Dictionary<string, JsonElement>> FiguresAsync(HttpClient client)
    {
        var json = JsonDocument.Parse(await client.GetStringAsync(Summary, Ct)).RootElement;
        return json.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
    }
}

public sealed class SqliteDashboardSummaryTests(SqliteConsole console) : DashboardSummaryTests(console), IClassFixture<SqliteConsole>;

public sealed class PostgresDashboardSummaryTests(PostgresConsole console) : DashboardSummaryTests(console), IClassFixture<PostgresConsole>;
