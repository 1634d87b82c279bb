using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Client.Alerts;
using SecurityConsole.Client.Realtime;
using SecurityConsole.Client.Services;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Hosting;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Client.Tests.Alerts.AlertTestData;

namespace SecurityConsole.Client.Tests.Alerts;

/// <summary>alerts/{id}: the page a toast, the Dashboard and the Threats view link to.</summary>
public sealed class AlertDetailPageTests : ConsoleTestContext
{
    private const string Title = "Revoked key sc_live_ab12 presented 3 times after revocation (last from 198.51.100.23)";

    public AlertDetailPageTests() => SignInWith(Permissions.AlertsRead, Permissions.AlertsTriage);

    private IRenderedComponent<Bunit.Rendering.ContainerFragment> RenderAlert(string id) =>
        Render(builder =>
        {
            builder.OpenComponent<MudBlazor.MudPopoverProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<MudBlazor.MudSnackbarProvider>(1);
            builder.CloseComponent();
            builder.OpenComponent<AlertDetailPage>(2);
            builder.AddAttribute(3, nameof(AlertDetailPage.Id), id);
            builder.CloseComponent();
        });

    private static AlertDetail Detail(AlertView alert) => new(alert,
        [new AlertNoteView(1, "u-grace", "grace@example.com", "The old deployment in eu-west still holds it.", DateTimeOffset.UtcNow.AddMinutes(-3))],
        [new SecurityEventView(77, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow, SecurityEventTypes.KeyVerifyFailed, "console", null, "sc_live_ab12",
            "198.51.100.23", EventOutcomes.Failure, System.Text.Json.JsonSerializer.SerializeToElement(new { reason = "revoked" }))],
        [
            new AlertOccurrenceView(DateTimeOffset.UtcNow.AddMinutes(-1), "Revoked key sc_live_ab12 presented once after revocation (from 198.51.100.23)", 77),
            new AlertOccurrenceView(DateTimeOffset.UtcNow.AddMinutes(-8), "Revoked key sc_live_ab12 presented once after revocation (from 198.51.100.23)", 70),
            new AlertOccurrenceView(DateTimeOffset.UtcNow.AddMinutes(-15), "Revoked key sc_live_ab12 presented once after revocation (from 198.51.100.23)", 64),
        ]);

    [Fact]
    public void WhileTheAlertLoadsThePageSaysSo()
    {
        var pending = new TaskCompletionSource<AlertDetail>();
        Api.Alert = _ => pending.Task;

        var cut = RenderAlert("12");

        Assert.NotNull(cut.Find("[data-testid=alert-loading]"));
        Assert.Equal("Alert", cut.Find("h1").TextContent);
    }

    [Fact]
    public void AFoundAlertShowsItsTitleEvidenceOccurrencesNotesAndEvents()
    {
        var alert = Alert(12, Title, count: 3, summary: "Last attempt at 14:22 UTC: failed key verification of sc_live_ab12 from 198.51.100.23 (key revoked).");
        long? asked = null;
        Api.Alert = id => { asked = id; return Task.FromResult(Detail(alert)); };

        var cut = RenderAlert("12");

        cut.WaitForAssertion(() => Assert.Equal(Title, cut.Find("h1").TextContent));
        Assert.Equal(12, asked);
        Assert.StartsWith("Last attempt at 14:22 UTC", cut.Find("[data-testid=detail-summary]").TextContent);
        Assert.StartsWith("fired 3 times, first ", cut.Find("[data-testid=detail-fired]").TextContent);
        Assert.StartsWith("First seen ", cut.Find("[data-testid=detail-seen]").TextContent.Trim());
        Assert.Equal(3, cut.FindAll("[data-testid=occurrence]").Count);
        Assert.Contains("presented once after revocation", cut.FindAll("[data-testid=occurrence]")[0].TextContent);
        Assert.Contains("The old deployment in eu-west still holds it.", cut.Find("[data-testid=alert-note]").TextContent);
        Assert.Contains("Failed key verification (key revoked)", cut.Find("[data-testid=alert-events]").TextContent);
        Assert.NotNull(cut.Find("[data-testid=action-acknowledge]"));
        Assert.Empty(cut.FindAll("[data-testid=alert-loading]"));
    }

    [Fact]
    public async Task AChangeBySomeoneElseShowsAtOnce()
    {
        var alert = Alert(12, Title, count: 3);
        Api.Alert = _ => Task.FromResult(Detail(alert));
        var cut = RenderAlert("12");
        cut.WaitForAssertion(() => Assert.Equal("open", cut.Find("[data-testid=detail-status]").TextContent));

        await Services.GetRequiredService<LiveConnection>().DispatchAsync(HubMethods.AlertChanged,
            alert with { Status = AlertStatuses.Resolved, Version = 2 });

        cut.WaitForAssertion(() => Assert.Equal("resolved", cut.Find("[data-testid=detail-status]").TextContent));
        Assert.NotNull(cut.Find("[data-testid=action-reopen]"));
    }

    [Fact]
    public void AnUnknownAlertIsAFriendlyNotFoundWithAWayBack()
    {
        Api.Alert = _ => throw new ApiException(HttpStatusCode.NotFound, "No such alert", "There is no alert 404.", null);

        var cut = RenderAlert("404");

        cut.WaitForAssertion(() => Assert.Contains("No such alert", cut.Find("[data-testid=empty-state]").TextContent));
        Assert.Contains("There is no alert 404 in this console", cut.Markup);
        Assert.NotNull(cut.Find("[data-testid=empty-state] a[href='alerts']"));
        Assert.Empty(cut.FindAll("[data-testid=alert-loading]"));
    }

    [Fact]
    public void AMalformedIdIsNotFoundWithoutAskingTheServer()
    {
        var asked = false;
        Api.Alert = _ => { asked = true; return Task.FromResult(Detail(Alert(1))); };

        var cut = RenderAlert("abc");

        Assert.Contains("No such alert", cut.Find("[data-testid=empty-state]").TextContent);
        Assert.Contains("\"abc\" is not an alert number", cut.Markup);
        Assert.False(asked);
    }

    [Fact]
    public void AnotherFailureOffersToTryAgain()
    {
        var calls = 0;
        Api.Alert = _ => ++calls == 1
            ? throw new ApiException(HttpStatusCode.InternalServerError, null, null, null)
            : Task.FromResult(Detail(Alert(12, Title)));
        var cut = RenderAlert("12");
        cut.WaitForAssertion(() => Assert.Contains("The console had a problem", cut.Find("[data-testid=alert-error]").TextContent));

        cut.Find("[data-testid=alert-error] button").Click();

        cut.WaitForAssertion(() => Assert.Equal(Title, cut.Find("h1").TextContent));
    }
}
