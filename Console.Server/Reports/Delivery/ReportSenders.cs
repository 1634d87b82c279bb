using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using MimeKit;
using SecurityConsole.Server.Realtime;
using SecurityConsole.Shared.Realtime;
using SecurityConsole.Shared.Reports;

namespace SecurityConsole.Server.Reports.Delivery;

/// <summary>What a channel sends: the run, its artifact (if it succeeded) and the console's link to it.</summary>
public sealed record DeliveryItem(ReportRun Run, ReportArtifact? Artifact, string Link);

/// <summary>Mail through the configured SMTP server, with the artifact attached when it is under the size limit, else a link.</summary>
public sealed class ReportMailer(IOptions<ReportMailOptions> mail, IOptions<ReportsOptions> reports)
{
    public async Task SendAsync(IReadOnlyList<string> to, DeliveryItem item, CancellationToken ct)
    {
        var o = mail.Value;
        if (string.IsNullOrWhiteSpace(o.Host))
        {
            throw new DeliveryFailedException("No SMTP server is configured (Reports:Mail:Host).");
        }
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(o.From));
        message.To.AddRange(to.Select(MailboxAddress.Parse));
        message.Subject = $"Report: {item.Run.Title} ({item.Run.Status})";
        var body = new BodyBuilder();
        var text = new StringBuilder($"The scheduled report \"{item.Run.Title}\" finished: {item.Run.Status}.\n");
        if (item.Artifact is { } artifact)
        {
            text.Append($"SHA-256: {artifact.Sha256}\n");
            if (artifact.Size <= reports.Value.MailAttachmentMaxBytes)
            {
                body.Attachments.Add(artifact.FileName, artifact.Content, ContentType.Parse(artifact.ContentType));
                text.Append($"The report is attached. It is also at {item.Link}\n");
            }
            else
            {
                text.Append($"The report ({artifact.Size:N0} bytes) is larger than mail attachments may be; download it at {item.Link}\n");
            }
        }
        else
        {
            text.Append($"{item.Run.FailureReason}\nSee {item.Link}\n");
        }
        body.TextBody = text.ToString();
        message.Body = body.ToMessageBody();
        using var client = new SmtpClient();
        var security = o.Security switch
        {
            "none" => SecureSocketOptions.None,
            "starttls" => SecureSocketOptions.StartTls,
            "tls" => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.StartTlsWhenAvailable,
        };
        await client.ConnectAsync(o.Host, o.Port, security, ct);
        if (!string.IsNullOrEmpty(o.UserName))
        {
            await client.AuthenticateAsync(o.UserName, o.Password ?? "", ct);
        }
        await client.SendAsync(message, ct);
        await client.DisconnectAsync(true, ct);
    }
}

/// <summary>
/// POSTs a JSON notice to the schedule's webhook. The body is signed with HMAC-SHA256 under the schedule's secret:
/// header <c>X-Console-Signature: sha256=&lt;hex&gt;</c>; the body carries its own timestamp against replays.
/// </summary>
public sealed class ReportWebhook(IHttpClientFactory http, WebhookTargets targets, TimeProvider clock)
{
    public const string SignatureHeader = "X-Console-Signature";
    public const string Client = "report-webhooks";

    public async Task SendAsync(string url, string secret, DeliveryItem item, CancellationToken ct)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            @event = "report.delivered", runId = item.Run.Id, scheduleId = item.Run.ScheduleId, title = item.Run.Title, template = item.Run.Template,
            version = item.Run.Version, format = item.Run.Format, status = item.Run.Status, failureReason = item.Run.FailureReason,
            sha256 = item.Artifact?.Sha256, size = item.Artifact?.Size, link = item.Link, sentAt = clock.GetUtcNow(),
        }, JsonSerializerOptions.Web);
        // Checked again at every send: the rule or the environment may have changed since the schedule was saved.
        if (targets.ShapeError(new Uri(url)) is { } wrong)
        {
            throw new DeliveryFailedException($"Refused: {wrong}");
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add(SignatureHeader, Sign(secret, body));
        HttpResponseMessage response;
        try
        {
            response = await http.CreateClient(Client).SendAsync(request, ct);
        }
        catch (HttpRequestException ex) when (ex.InnerException is DeliveryFailedException refused)
        {
            throw refused; // The connect-time address check, in its own words.
        }
        using (response)
        {
            if ((int)response.StatusCode is >= 300 and < 400)
            {
                throw new DeliveryFailedException($"The webhook answered {(int)response.StatusCode} {response.ReasonPhrase}, a redirect; redirects are not followed.");
            }
            if (!response.IsSuccessStatusCode)
            {
                throw new DeliveryFailedException($"The webhook answered {(int)response.StatusCode} {response.ReasonPhrase}.");
            }
        }
    }

    public static string Sign(string secret, byte[] body) => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}

/// <summary>The in-app delivery: a message to the owner on the live hub.</summary>
public sealed class ReportInApp(IHubContext<ConsoleHub, IConsoleClient> hub)
{
    public Task SendAsync(DeliveryItem item, CancellationToken ct) =>
        hub.Clients.User(item.Run.OwnerUserId).ReportDelivered(
            new ReportDelivered(item.Run.Id, item.Run.ScheduleId, item.Run.Title, item.Run.Status, $"{ApiConventionsPath.Runs}/{item.Run.Id}/download"));
}

internal static class ApiConventionsPath
{
    public const string Runs = $"{SecurityConsole.Shared.Hosting.ApiConventions.Prefix}/reports/runs";
}

/// <summary>A delivery attempt that failed, with a reason fit to record (no secrets).</summary>
public sealed class DeliveryFailedException(string message) : Exception(message);
