using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MimeKit;
using SecurityConsole.Server.Reports;
using SecurityConsole.Server.Reports.Delivery;
using SecurityConsole.Server.Tests.Audit;
using SecurityConsole.Shared.Reports;
using SecurityConsole.Shared.Security;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;
using static SecurityConsole.Server.Tests.Reports.ReportKit;

namespace SecurityConsole.Server.Tests.Reports;

/// <summary>
/// A schedule fires, its PDF arrives by mail at a real SMTP server started here, its webhook (refusing the first
/// attempt) is retried and its signature verifies, and the owner gets the in-app notice; every attempt is on the run.
/// </summary>
public sealed class ReportDeliveryTests : IAsyncLifetime
{
    private const string Secret = "a-webhook-secret-of-at-least-32-characters";
    private readonly SmtpSink _smtp = new();
    private readonly WebhookSink _webhook = new();
    private ConsoleFactory _factory = null!;

    public async ValueTask InitializeAsync()
    {
        _smtp.Start();
        _webhook.Start();
        _factory = ConsoleFactory.Sqlite(extra: new Dictionary<string, string?>(AuditTestKit.NoJobServer)
        {
            ["Reports:Mail:Host"] = "127.0.0.1", ["Reports:Mail:Port"] = _smtp.Port.ToString(), ["Reports:Mail:Security"] = "none",
            ["Reports:Mail:From"] = "console@example.test", ["Reports:DeliveryBackoff"] = "00:00:05",
            // The test's webhook listens on loopback, which only an allow-listed host may be (WebhookSafetyTests).
            ["Reports:WebhookAllowedHosts:0"] = "127.0.0.1",
        });
        await Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _smtp.DisposeAsync();
        _webhook.Dispose();
    }

    [Fact]
    public async Task AScheduledPdfArrivesByMailTheWebhookIsRetriedAndItsSignatureVerifiesAndEveryAttemptIsRecorded()
    {
        var pdf = File.Exists("/usr/bin/chromium");
        var auditor = await _factory.SignedInClientAsync(Roles.Auditor);
        var schedule = await auditor.CreateScheduleAsync(ReportScheduleTests.Schedule("0 6 * * 1", "Europe/Paris", pdf ? ReportFormats.Pdf : ReportFormats.Html,
            new ScheduleDeliveryRequest(["ops@example.test"], _webhook.Url, Secret)));
        await _factory.SetNextRunAsync(schedule.Id, DateTimeOffset.UtcNow.AddMinutes(-1));
        Assert.Equal(1, await _factory.TickAsync());
        var runId = (await auditor.GetFromJsonAsync<ReportRunPage>("/api/v1/reports/runs", Json, Ct))!.Items.Single(r => r.ScheduleId == schedule.Id).Id;
        var run = await _factory.RunNowAsync(auditor, runId);
        Assert.True(run.Status == ReportRunStatuses.Succeeded, run.FailureReason);

        _webhook.Refuse = 1;
        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ReportDeliveryJob>().DeliverAllAsync(runId, Ct);
        }

        // The mail, with the artifact attached, byte for byte.
        await Eventually.HoldsAsync("the mail arrived", () => Task.FromResult((!_smtp.Messages.IsEmpty, "no mail")));
        var mail = Assert.Single(_smtp.Messages);
        Assert.Equal("ops@example.test", Assert.Single(mail.To.Mailboxes).Address);
        var attachment = Assert.IsType<MimePart>(Assert.Single(mail.Attachments));
        using var bytes = new MemoryStream();
        await attachment.Content!.DecodeToAsync(bytes, Ct);
        Assert.Equal(run.Artifact!.Sha256, Convert.ToHexStringLower(SHA256.HashData(bytes.ToArray())));
        if (pdf)
        {
            Assert.Equal("application/pdf", attachment.ContentType.MimeType);
            Assert.StartsWith("%PDF", Encoding.ASCII.GetString(bytes.ToArray(), 0, 4));
        }

        // The webhook refused the first attempt; a retry is waiting in Hangfire, and running it delivers a signed body.
        var scheduled = _factory.Services.GetRequiredService<JobStorage>().GetMonitoringApi().ScheduledJobs(0, 50);
        Assert.Contains(scheduled, j => j.Value.Job.Method.Name == nameof(ReportDeliveryJob.DeliverAsync)
            && (Guid)j.Value.Job.Args[0] == runId && (string)j.Value.Job.Args[1] == ReportDeliveryJob.Webhook && (int)j.Value.Job.Args[2] == 2);
        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            Assert.True(await scope.ServiceProvider.GetRequiredService<ReportDeliveryJob>().DeliverAsync(runId, ReportDeliveryJob.Webhook, 2, Ct));
        }
        var (body, signature) = Assert.Single(_webhook.Received);
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), body));
        Assert.Equal(expected, signature);
        Assert.Contains(runId.ToString(), Encoding.UTF8.GetString(body));
        Assert.NotEqual(expected, "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret + "x"), body)));

        var deliveries = (await auditor.GetFromJsonAsync<ReportRunView>($"/api/v1/reports/runs/{runId}", Json, Ct))!.Deliveries;
        Assert.Equal(
            [(ReportDeliveryJob.Mail, 1, true), (ReportDeliveryJob.Webhook, 1, false), (ReportDeliveryJob.InApp, 1, true), (ReportDeliveryJob.Webhook, 2, true)],
            deliveries.Select(d => (d.Channel, d.Attempt, d.Succeeded)).ToArray());
        Assert.Contains("503", deliveries[1].Error);
        Assert.DoesNotContain(Secret, string.Join(" ", deliveries.Select(d => d.Error)));
    }

    [Fact]
    public async Task AReportLargerThanMailAttachmentsMayBeIsSentAsALinkToItsRun()
    {
        // The smallest limit there is (1 KB): any report is larger.
        _factory.Services.GetRequiredService<IOptions<ReportsOptions>>().Value.MailAttachmentMaxBytes = 1024;
        var auditor = await _factory.SignedInClientAsync(Roles.Auditor);
        var schedule = await auditor.CreateScheduleAsync(ReportScheduleTests.Schedule("0 6 * * 1", "UTC", ReportFormats.Html,
            new ScheduleDeliveryRequest(["ops@example.test"], null, null, InApp: false)));
        await _factory.SetNextRunAsync(schedule.Id, DateTimeOffset.UtcNow.AddMinutes(-1));
        Assert.Equal(1, await _factory.TickAsync());
        var runId = (await auditor.GetFromJsonAsync<ReportRunPage>("/api/v1/reports/runs", Json, Ct))!.Items.Single(r => r.ScheduleId == schedule.Id).Id;
        var run = await _factory.RunNowAsync(auditor, runId);
        Assert.True(run.Status == ReportRunStatuses.Succeeded, run.FailureReason);
        Assert.True(run.Artifact!.Size > 1024);
        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ReportDeliveryJob>().DeliverAllAsync(runId, Ct);
        }

        await Eventually.HoldsAsync("the mail arrived", () => Task.FromResult((!_smtp.Messages.IsEmpty, "no mail")));
        var mail = Assert.Single(_smtp.Messages);
        Assert.Empty(mail.Attachments);
        Assert.Contains("larger than mail attachments may be; download it at", mail.TextBody);
        Assert.Contains($"/reports/runs/{runId}", mail.TextBody);
        Assert.Contains(run.Artifact.Sha256, mail.TextBody);
    }

    /// <summary>A real SMTP server (the SmtpServer package) on a free port, keeping every message it receives.</summary>
    private sealed class SmtpSink : MessageStore, IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private Task? _running;

        public int Port { get; } = FreePort();

        public ConcurrentQueue<MimeMessage> Messages { get; } = new();

        public void Start()
        {
            var options = new SmtpServerOptionsBuilder().ServerName("localhost").Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, Port))).Build();
            var services = new SmtpServer.ComponentModel.ServiceProvider();
            services.Add(this);
            _running = new SmtpServer.SmtpServer(options, services).StartAsync(_stop.Token);
        }

        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken ct)
        {
            await using var stream = new MemoryStream(buffer.ToArray());
            Messages.Enqueue(await MimeMessage.LoadAsync(stream, ct));
            return SmtpResponse.Ok;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            try
            {
                await (_running ?? Task.CompletedTask);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>A webhook receiver that answers 503 to the first <see cref="Refuse"/> requests and keeps the others' bodies and signatures.</summary>
    private sealed class WebhookSink : IDisposable
    {
        private readonly HttpListener _listener = new();

        public string Url { get; } = $"http://127.0.0.1:{FreePort()}/hooks/reports/";

        public int Refuse { get; set; }

        public ConcurrentQueue<(byte[] Body, string? Signature)> Received { get; } = new();

        public void Start()
        {
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _ = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await _listener.GetContextAsync();
                    }
                    catch (Exception)
                    {
                        return;
                    }
                    using var body = new MemoryStream();
                    await context.Request.InputStream.CopyToAsync(body);
                    if (Refuse > 0)
                    {
                        Refuse--;
                        context.Response.StatusCode = 503;
                    }
                    else
                    {
                        Received.Enqueue((body.ToArray(), context.Request.Headers[ReportWebhook.SignatureHeader]));
                        context.Response.StatusCode = 204;
                    }
                    context.Response.Close();
                }
            });
        }

        public void Dispose() => _listener.Close();
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
