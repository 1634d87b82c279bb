using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Reports.Runs;
using SecurityConsole.Server.Users;
using SecurityConsole.Shared.Reports;

namespace SecurityConsole.Server.Tests.Reports;

/// <summary>Starting runs through the API and, where a test holds the job server off, running them itself.</summary>
internal static class ReportKit
{
    public static readonly JsonSerializerOptions Json = SecurityConsole.Server.Tests.Audit.AuditTestKit.Json;

    public static async Task<Guid> StartAsync(this HttpClient client, object request) => (await client.AcceptedAsync(request)).Id;

    /// <summary>
    /// The 202 of a run: queued for the job server, or already succeeded when the artifact cache served it in the request
    /// (a closed period asked for again; ADR 0100).
    /// </summary>
    public static async Task<RunAccepted> AcceptedAsync(this HttpClient client, object request)
    {
        var response = await client.PostAsJsonAsync("/api/v1/reports/runs", request, Ct);
        await response.AssertStatusAsync(HttpStatusCode.Accepted);
        var accepted = await response.Content.ReadFromJsonAsync<RunAccepted>(Json, Ct);
        Assert.True(accepted!.Status is ReportRunStatuses.Queued or ReportRunStatuses.Succeeded, $"a new run that is {accepted.Status}");
        Assert.Equal($"/api/v1/reports/runs/{accepted.Id}", response.Headers.Location?.ToString());
        return accepted;
    }

    /// <summary>Runs a queued run as the Hangfire job would (the test's console has no job server) and returns its page.</summary>
    public static async Task<ReportRunView> RunNowAsync(this ConsoleFactory factory, HttpClient owner, Guid id)
    {
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ReportRunner>().RunAsync(id, Ct);
        }
        return (await owner.GetFromJsonAsync<ReportRunView>($"/api/v1/reports/runs/{id}", Json, Ct))!;
    }

    public static async Task<ReportRunView> StartAndRunAsync(this ConsoleFactory factory, HttpClient owner, object request)
    {
        var view = await factory.RunNowAsync(owner, await owner.StartAsync(request));
        Assert.True(view.Status == ReportRunStatuses.Succeeded, $"run {view.Status}: {view.FailureReason}");
        return view;
    }

    public static async Task TakeRolesAsync(this ConsoleFactory factory, string email, params string[] roles)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
        var user = (await users.FindByEmailAsync(email))!;
        Assert.True((await users.RemoveFromRolesAsync(user, roles)).Succeeded);
    }

    public static object AuditExtract(string format = ReportFormats.Html, string? action = null, DateTimeOffset? to = null) => new
    {
        template = ReportTypes.AuditExtract,
        format,
        // A custom period that includes the entries the test has just recorded (the presets end at midnight).
        parameters = new Dictionary<string, string>
        {
            ["period"] = ReportPeriods.Custom,
            ["from"] = DateTimeOffset.UtcNow.AddDays(-1).ToString("O"),
            ["to"] = (to ?? DateTimeOffset.UtcNow.AddHours(1)).ToString("O"),
        }.Concat(action is null ? [] : new Dictionary<string, string> { ["action"] = action }).ToDictionary(),
    };
}
