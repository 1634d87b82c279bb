using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Reports.Delivery;
using SecurityConsole.Server.Tests.Audit;
using SecurityConsole.Shared.Audit;
using SecurityConsole.Shared.Reports;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Server.Tests.Reports.ReportKit;

namespace SecurityConsole.Server.Tests.Reports;

/// <summary>
/// A schedule's webhook cannot be aimed at the console's own network (SSRF): internal addresses, names that resolve to
/// them, a name that answers differently at delivery (DNS rebinding), plain http outside Development, and redirects.
/// </summary>
/// <remarks>
/// One console per class (<see cref="WebhookConsole"/>): each test's schedules belong to an auditor of its own, and only
/// the rebinding test asks the fake name server for rebind.example.test, so its first answer is still the public one.
/// </remarks>
public abstract class WebhookSafetyTests(WebhookConsole console)
{
    private const string Secret = "a-webhook-secret-of-at-least-32-characters";

    protected ConsoleFactory Factory => console.Factory;

    /// <summary>Each of these is refused when the schedule is saved, with a 400 naming delivery.webhookUrl and the reason.</summary>
    private static readonly (string Url, string Reason)[] Refused =
    [
        ("https://127.0.0.1/hook", "internal"), ("https://127.9.9.9/hook", "internal"), ("https://localhost/hook", "internal"),
        ("https://10.1.2.3/hook", "internal"), ("https://172.16.0.1/hook", "internal"), ("https://172.31.255.254/hook", "internal"),
        ("https://192.168.1.1/hook", "internal"), ("https://169.254.169.254/latest/meta-data/", "internal"), ("https://100.64.0.1/hook", "internal"),
        ("https://0.0.0.0/hook", "internal"), ("https://224.0.0.251/hook", "internal"), ("https://2130706433/hook", "internal"),
        ("https://[::1]/hook", "internal"), ("https://[::]/hook", "internal"), ("https://[fd00::1]/hook", "internal"), ("https://[fe80::1]/hook", "internal"),
        ("https://[ff02::1]/hook", "internal"), ("https://[::ffff:169.254.169.254]/hook", "internal"), ("https://[64:ff9b::a00:1]/hook", "internal"),
        ("https://internal.example.test/hook", "internal"), ("http://hooks.example.test/hook", "https"),
    ];

    [Fact]
    public async Task AWebhookAimedAtAnInternalAddressOrOverPlainHttpIsRefusedNamingTheField()
    {
        var auditor = await Factory.SignedInClientAsync(Roles.Auditor);
        var wrong = new List<string>();
        foreach (var (url, reason) in Refused)
        {
            var response = await auditor.PostAsJsonAsync("/api/v1/reports/schedules", WithWebhook(url), Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);
            if (response.StatusCode != HttpStatusCode.BadRequest || !body.Contains("delivery.webhookUrl", StringComparison.Ordinal) || !body.Contains(reason, StringComparison.Ordinal))
            {
                wrong.Add($"{url}: {(int)response.StatusCode} {body}");
            }
        }
        Assert.True(wrong.Count == 0, "Accepted, or refused without naming the field and the reason:\n" + string.Join("\n", wrong));
        Assert.Empty(await auditor.GetFromJsonAsync<List<ScheduleView>>("/api/v1/reports/schedules", Json, Ct) ?? []);
    }

    [Fact]
    public async Task AWebhookOnAPublicNameOverHttpsOrOnAnAllowListedHostIsAccepted()
    {
        var auditor = await Factory.SignedInClientAsync(Roles.Auditor);
        Assert.Equal("https://hooks.example.test/hook", (await auditor.CreateScheduleAsync(WithWebhook("https://hooks.example.test/hook"))).Delivery.WebhookUrl);
        // The operator named this host in Reports:WebhookAllowedHosts: it may be internal and use plain http.
        Assert.Equal("http://hook.allowed.test:8080/hook", (await auditor.CreateScheduleAsync(WithWebhook("http://hook.allowed.test:8080/hook"))).Delivery.WebhookUrl);
    }

    [Fact]
    public async Task AnEditThatLeavesTheWebhookSecretOutKeepsTheStoredOneAndANewWebhookStillNeedsOne()
    {
        var auditor = await Factory.SignedInClientAsync(Roles.Auditor);
        var schedule = await auditor.CreateScheduleAsync(WithWebhook("https://hooks.example.test/hook"));

        // The editor cannot show the secret (write-only), so an edit sends none: it is kept, not refused.
        var edit = WithWebhook("https://hooks.example.test/hook") with
        {
            Name = "renamed", Delivery = new ScheduleDeliveryRequest(null, "https://hooks.example.test/hook", null, InApp: false),
        };
        var response = await auditor.PutAsJsonAsync($"/api/v1/reports/schedules/{schedule.Id}", edit, Ct);
        await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("renamed", (await response.Content.ReadFromJsonAsync<ScheduleView>(Json, Ct))!.Name);
        Assert.Equal(Secret, await StoredSecretAsync(schedule.Id));

        // A new secret on an edit replaces it; one too short is refused naming the field.
        var replaced = edit with { Delivery = edit.Delivery! with { WebhookSecret = Secret + "-new" } };
        await (await auditor.PutAsJsonAsync($"/api/v1/reports/schedules/{schedule.Id}", replaced, Ct)).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(Secret + "-new", await StoredSecretAsync(schedule.Id));
        var tooShort = edit with { Delivery = edit.Delivery! with { WebhookSecret = "short" } };
        (await (await auditor.PutAsJsonAsync($"/api/v1/reports/schedules/{schedule.Id}", tooShort, Ct)).AssertProblemAsync(HttpStatusCode.BadRequest))
            .FieldErrors("delivery.webhookSecret");

        // A schedule that had no webhook, given one on an edit without a secret, has nothing to keep: refused.
        var plain = await auditor.CreateScheduleAsync(ReportScheduleTests.Schedule("0 6 * * 1", "UTC"));
        var noSecret = edit with { Name = "plain" };
        (await (await auditor.PutAsJsonAsync($"/api/v1/reports/schedules/{plain.Id}", noSecret, Ct)).AssertProblemAsync(HttpStatusCode.BadRequest))
            .FieldErrors("delivery.webhookSecret");
        Assert.Null(await StoredSecretAsync(plain.Id));
    }

    private async Task<string?> StoredSecretAsync(Guid scheduleId)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var row = await scope.ServiceProvider.GetRequiredService<SecurityConsole.Server.Data.ConsoleDbContext>()
            .Set<SecurityConsole.Server.Reports.ReportSchedule>().AsNoTracking().SingleAsync(s => s.Id == scheduleId, Ct);
        var store = scope.ServiceProvider.GetRequiredService<SecurityConsole.Server.Reports.Schedules.ScheduleStore>();
        return store.WebhookSecret(SecurityConsole.Server.Reports.Schedules.ScheduleStore.DeliveryOf(row));
    }

    internal static readonly Dictionary<string, string?> Settings = new(AuditTestKit.NoJobServer) { ["Reports:WebhookAllowedHosts:0"] = "hook.allowed.test" };

    internal static ScheduleRequest WithWebhook(string url) =>
        ReportScheduleTests.Schedule("0 6 * * 1", "UTC", delivery: new ScheduleDeliveryRequest(null, url, Secret, InApp: false));

    /// <summary>Fires a schedule, runs its report and makes the first webhook attempt, as the jobs would.</summary>
    internal static async Task<(Guid RunId, bool Delivered)> FireAndDeliverAsync(ConsoleFactory factory, HttpClient owner, Guid scheduleId)
    {
        await factory.SetNextRunAsync(scheduleId, DateTimeOffset.UtcNow.AddMinutes(-1));
        Assert.Equal(1, await factory.TickAsync());
        var runId = (await owner.GetFromJsonAsync<ReportRunPage>("/api/v1/reports/runs", Json, Ct))!.Items.Single(r => r.ScheduleId == scheduleId).Id;
        Assert.Equal(ReportRunStatuses.Succeeded, (await factory.RunNowAsync(owner, runId)).Status);
        await using var scope = factory.Services.CreateAsyncScope();
        return (runId, await scope.ServiceProvider.GetRequiredService<ReportDeliveryJob>().DeliverAsync(runId, ReportDeliveryJob.Webhook, 1, Ct));
    }

    /// <summary>
    /// A name server under the test's control: hooks.example.test is public; internal.example.test is private;
    /// rebind.example.test answers public once, then loopback (a rebinding attack); hook.allowed.test, which the
    /// operator allow-listed, is loopback. Anything else is really resolved.
    /// </summary>
    internal sealed class FakeDns : WebhookDns
    {
        private readonly ConcurrentDictionary<string, int> _asked = new();

        public override Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct)
        {
            var times = _asked.AddOrUpdate(host, 1, (_, n) => n + 1);
            return host switch
            {
                "hook.allowed.test" => Task.FromResult(new[] { IPAddress.Loopback }),
                "hooks.example.test" => Task.FromResult(new[] { IPAddress.Parse("93.184.216.34") }),
                "internal.example.test" => Task.FromResult(new[] { IPAddress.Parse("93.184.216.34"), IPAddress.Parse("10.1.2.3") }),
                "rebind.example.test" => Task.FromResult(new[] { IPAddress.Parse(times == 1 ? "93.184.216.34" : "127.0.0.1") }),
                _ => base.ResolveAsync(host, ct),
            };
        }
    }
}

/// <summary>A shared console with the webhook allow-list of <see cref="WebhookSafetyTests.Settings"/> and the fake name server.</summary>
public abstract class WebhookConsole(PostgresServer? postgres) : ConfiguredConsole(postgres)
{
    protected override IReadOnlyDictionary<string, string?> Settings => WebhookSafetyTests.Settings;

    protected override Action<IServiceCollection> ServiceOverrides => services => services.AddSingleton<WebhookDns>(new WebhookSafetyTests.FakeDns());
}

public sealed class SqliteWebhookConsole() : WebhookConsole(null);

public sealed class PostgresWebhookConsole(PostgresServer postgres) : WebhookConsole(postgres);

public sealed class SqliteWebhookSafetyTests(SqliteWebhookConsole console) : WebhookSafetyTests(console), IClassFixture<SqliteWebhookConsole>
{
    [Fact]
    public async Task ANameThatRebindsToLoopbackAfterCreationIsRefusedAtConnectAndTheFailureIsRecordedAndAudited()
    {
        using var loopback = new CountingListener(IPAddress.Loopback);
        var auditor = await Factory.SignedInClientAsync(Roles.Auditor);
        // At creation the name is public; at delivery it answers loopback, where something is listening.
        var schedule = await auditor.CreateScheduleAsync(WithWebhook($"https://rebind.example.test:{loopback.Port}/hook"));

        var (runId, delivered) = await FireAndDeliverAsync(Factory, auditor, schedule.Id);

        Assert.False(delivered);
        Assert.Equal(0, loopback.Connections);
        var attempt = Assert.Single((await auditor.GetFromJsonAsync<ReportRunView>($"/api/v1/reports/runs/{runId}", Json, Ct))!.Deliveries);
        Assert.False(attempt.Succeeded);
        Assert.Contains("127.0.0.1", attempt.Error);
        Assert.Contains("internal", attempt.Error);
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        var failures = (await admin.GetFromJsonAsync<AuditPage>("/api/v1/audit?action=report.delivery_failed", Json, Ct))!.Items;
        Assert.Contains(failures, e => e.TargetId == runId.ToString());
    }

    [Fact]
    public async Task ARedirectFromAnAllowedWebhookToAnInternalAddressIsNotFollowed()
    {
        using var inside = new CountingListener(IPAddress.Parse("127.0.0.2"));
        using var hook = new RedirectingHook($"http://127.0.0.2:{inside.Port}/stolen");
        var auditor = await Factory.SignedInClientAsync(Roles.Auditor);
        var schedule = await auditor.CreateScheduleAsync(WithWebhook(hook.Url));

        var (runId, delivered) = await FireAndDeliverAsync(Factory, auditor, schedule.Id);

        Assert.False(delivered);
        Assert.Equal(1, hook.Requests);
        Assert.Equal(0, inside.Connections);
        var attempt = Assert.Single((await auditor.GetFromJsonAsync<ReportRunView>($"/api/v1/reports/runs/{runId}", Json, Ct))!.Deliveries);
        Assert.Contains("redirect", attempt.Error, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Accepts and drops TCP connections on an address, counting them: proof that nothing reached it.</summary>
    private sealed class CountingListener : IDisposable
    {
        private readonly TcpListener _listener;
        private int _connections;

        public CountingListener(IPAddress address)
        {
            _listener = new TcpListener(address, 0);
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            _ = Task.Run(async () =>
            {
                while (true)
                {
                    try
                    {
                        using var client = await _listener.AcceptTcpClientAsync();
                        Interlocked.Increment(ref _connections);
                    }
                    catch (Exception)
                    {
                        return;
                    }
                }
            });
        }

        public int Port { get; }

        public int Connections => Volatile.Read(ref _connections);

        public void Dispose() => _listener.Stop();
    }

    /// <summary>A webhook on loopback, reached as the allow-listed hook.allowed.test, that answers every POST with a 307 to <c>location</c>.</summary>
    private sealed class RedirectingHook : IDisposable
    {
        private readonly HttpListener _listener = new();
        private int _requests;

        public RedirectingHook(string location)
        {
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                Port = ((IPEndPoint)probe.LocalEndpoint).Port;
            }
            _listener.Prefixes.Add($"http://+:{Port}/hook/");
            _listener.Start();
            _ = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    try
                    {
                        var context = await _listener.GetContextAsync();
                        Interlocked.Increment(ref _requests);
                        context.Response.StatusCode = 307;
                        context.Response.RedirectLocation = location;
                        context.Response.Close();
                    }
                    catch (Exception)
                    {
                        return;
                    }
                }
            });
        }

        private int Port { get; }

        public string Url => $"http://hook.allowed.test:{Port}/hook/";

        public int Requests => Volatile.Read(ref _requests);

        public void Dispose() => _listener.Close();
    }
}

public sealed class PostgresWebhookSafetyTests(PostgresWebhookConsole console) : WebhookSafetyTests(console), IClassFixture<PostgresWebhookConsole>;
