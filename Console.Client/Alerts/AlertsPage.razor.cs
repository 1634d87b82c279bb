using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;
using SecurityConsole.Client.Realtime;
using SecurityConsole.Client.Services;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Realtime;

namespace SecurityConsole.Client.Alerts;

/// <summary>The live feed of alerts: filters on the server, live changes merged in, catch-up after a reconnect.</summary>
public partial class AlertsPage : IAsyncDisposable
{
    private readonly AlertFeed feed = new();
    private List<DetectionRuleView> rules = [];
    private IReadOnlyCollection<string> severities = [];
    private IReadOnlyCollection<string> statuses = [];
    private string? rule, entityKind, entity;
    private int hours;
    private bool loading = true;
    private string? error;
    private long? nextBefore;
    private string? cursor;
    private DateTimeOffset now = DateTimeOffset.UtcNow;
    private AlertSignals signals = default!;
    private IDisposable? subscription;
    private bool wasOffline;
    private Timer? clock;

    [Inject] private IAlertsApi Api { get; set; } = default!;

    [Inject] private IRulesApi Rules { get; set; } = default!;

    [Inject] private LiveConnection Live { get; set; } = default!;

    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [Inject] private IDialogService Dialogs { get; set; } = default!;

    [Inject] private IJSRuntime JS { get; set; } = default!;

    [Inject] private NavigationManager Navigation { get; set; } = default!;

    /// <summary>A link from an entity's profile: alerts/?entityKind=key&amp;entity=sc_live_ab12.</summary>
    [SupplyParameterFromQuery(Name = "entityKind")] public string? EntityKindQuery { get; set; }

    [SupplyParameterFromQuery(Name = "entity")] public string? EntityQuery { get; set; }

    private bool Filtered => severities.Any() || statuses.Any() || rule is not null || entityKind is not null || !string.IsNullOrWhiteSpace(entity) || hours > 0;

    protected override async Task OnInitializedAsync()
    {
        signals = new AlertSignals(JS);
        entityKind = EntityKinds.OfAlerts.Contains(EntityKindQuery) ? EntityKindQuery : null;
        entity = string.IsNullOrWhiteSpace(EntityQuery) ? null : EntityQuery;
        subscription = Live.On<AlertView>(nameof(IConsoleClient.AlertChanged), alert => InvokeAsync(() => OnLive(alert)));
        Live.StateChanged += OnLiveState;
        clock = new Timer(_ => InvokeAsync(() => { now = DateTimeOffset.UtcNow; StateHasChanged(); }), null, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));
        var loadRules = LoadRulesAsync();
        await LoadAsync();
        await loadRules;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender && RendererInfo.IsInteractive)
        {
            await signals.LoadAsync();
            StateHasChanged();
        }
    }

    private AlertQuery Query() => new(
        [.. severities], [.. statuses], rule, entityKind, string.IsNullOrWhiteSpace(entity) ? null : entity.Trim(),
        hours > 0 ? DateTimeOffset.UtcNow.AddHours(-hours) : null);

    private async Task LoadAsync()
    {
        error = null;
        loading = feed.Items.Count == 0;
        var query = Query();
        try
        {
            var page = await Api.GetAlertsAsync(query);
            feed.Reset(query, page.Items);
            nextBefore = page.NextBefore;
            cursor = page.ChangesCursor;
        }
        catch (ApiException ex)
        {
            error = ex.Message;
        }
        loading = false;
        now = DateTimeOffset.UtcNow;
    }

    private async Task LoadRulesAsync()
    {
        try
        {
            rules = await Rules.GetRulesAsync();
        }
        catch (ApiException)
        {
            // The rule filter stays empty; the list itself still works.
        }
    }

    private async Task MoreAsync()
    {
        try
        {
            var page = await Api.GetAlertsAsync(feed.Query with { Before = nextBefore });
            feed.Append(page.Items);
            nextBefore = page.NextBefore;
        }
        catch (ApiException ex)
        {
            Snackbar.Add(ex.Message, Severity.Error);
        }
    }

    private async Task OnLive(AlertView alert)
    {
        now = DateTimeOffset.UtcNow;
        var isNew = feed.Apply(alert);
        StateHasChanged();
        if (!isNew || alert.Status != AlertStatuses.Open)
        {
            return;
        }
        if (signals.Toasts)
        {
            Snackbar.Add($"{alert.Severity}: {alert.Title}", alert.Severity is AlertSeverities.Critical or AlertSeverities.High ? Severity.Error : Severity.Warning,
                o =>
                {
                    o.VisibleStateDuration = 6000;
                    o.Action = "Open";
                    o.OnClick = _ =>
                    {
                        Navigation.NavigateTo($"alerts/{alert.Id}");
                        return Task.CompletedTask;
                    };
                }, key: $"alert-{alert.Id}");
        }
        await signals.BeepAsync(alert.Severity);
    }

    /// <summary>After a reconnect, what changed meanwhile comes from the changes endpoint.</summary>
    private void OnLiveState()
    {
        if (Live.State is LiveState.Reconnecting or LiveState.Offline)
        {
            wasOffline = true;
        }
        else if (Live.State == LiveState.Connected && wasOffline)
        {
            wasOffline = false;
            _ = InvokeAsync(CatchUpAsync);
        }
    }

    internal async Task CatchUpAsync()
    {
        if (cursor is null)
        {
            return;
        }
        try
        {
            AlertChanges changes;
            do
            {
                changes = await Api.GetAlertChangesAsync(cursor);
                foreach (var alert in changes.Items)
                {
                    feed.Apply(alert);
                }
                cursor = changes.Cursor;
            }
            while (changes.HasMore);
            now = DateTimeOffset.UtcNow;
            StateHasChanged();
        }
        catch (ApiException)
        {
            // The cursor may be too old to catch up from: the first page again is always right.
            await LoadAsync();
        }
    }

    private async Task OpenAsync(AlertView alert)
    {
        var parameters = new DialogParameters<AlertDetailDialog> { { d => d.Alert, alert }, { d => d.OnChanged, EventCallback.Factory.Create<AlertView>(this, Changed) } };
        await Dialogs.ShowAsync<AlertDetailDialog>(alert.Title, parameters,
            new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true, CloseButton = true, CloseOnEscapeKey = true });
    }

    private void Changed(AlertView alert)
    {
        feed.Apply(alert, live: false);
        StateHasChanged();
    }

    internal Task SeveritiesChanged(IReadOnlyCollection<string> value) { severities = value; return LoadAsync(); }
    private Task StatusesChanged(IReadOnlyCollection<string> value) { statuses = value; return LoadAsync(); }
    private Task RuleChanged(string? value) { rule = value; return LoadAsync(); }
    private Task EntityKindChanged(string? value) { entityKind = value; return LoadAsync(); }
    private Task EntityChanged(string? value) { entity = value; return LoadAsync(); }
    private Task HoursChanged(int value) { hours = value; return LoadAsync(); }

    private Task ClearFiltersAsync()
    {
        severities = [];
        statuses = [];
        rule = entityKind = entity = null;
        hours = 0;
        return LoadAsync();
    }

    private Task SoundChanged(bool value) => signals.SetSoundAsync(value, sample: AlertSeverities.Medium);

    private Task ToastsChanged(bool value) => signals.SetToastsAsync(value);

    public async ValueTask DisposeAsync()
    {
        subscription?.Dispose();
        Live.StateChanged -= OnLiveState;
        if (clock is not null)
        {
            await clock.DisposeAsync();
        }
        if (signals is not null)
        {
            await signals.DisposeAsync();
        }
    }
}
