using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using SecurityConsole.Client.Realtime;
using SecurityConsole.Client.Services;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Realtime;

namespace SecurityConsole.Client.Keys;

/// <summary>Every key in the organisation, filtered, sorted and paged by the server; filters come from the address too.</summary>
public partial class AllKeysPage : IDisposable
{
    private KeyTable? table;

    // One delegate for the page's life: a new one at each render would read as a changed parameter.
    private Func<TableState, CancellationToken, Task<TableData<ApiKeySummary>>>? loadPage;
    private int? total;
    private IReadOnlyList<RequestableScope>? catalogue;
    private string? userId;
    private string? error;
    private DateTimeOffset now = DateTimeOffset.UtcNow;
    private IDisposable? notices;

    private string? status;
    private string? environment;
    private string? owner;
    private bool overdue;
    private (string?, string?, string?, bool)? applied;

    [Inject] private IKeysApi Api { get; set; } = default!;

    [Inject] private IDialogService Dialogs { get; set; } = default!;

    [Inject] private LiveConnection Live { get; set; } = default!;

    [Inject] private AuthenticationStateProvider AuthState { get; set; } = default!;

    /// <summary>Only keys in this status; from the address, so that links such as the dashboard's can filter.</summary>
    [SupplyParameterFromQuery(Name = "status")] public string? StatusQuery { get; set; }

    [SupplyParameterFromQuery(Name = "environment")] public string? EnvironmentQuery { get; set; }

    /// <summary>Part of the owner's email address or of the service name.</summary>
    [SupplyParameterFromQuery(Name = "owner")] public string? OwnerQuery { get; set; }

    /// <summary>Only keys older than their environment's maximum age.</summary>
    [SupplyParameterFromQuery(Name = "overdue")] public bool OverdueQuery { get; set; }

    private bool Filtered => status is not null || environment is not null || !string.IsNullOrWhiteSpace(owner) || overdue;

    protected override async Task OnParametersSetAsync()
    {
        // Only a new address resets the filters; a re-render of the layout must not undo what the person chose.
        var query = (StatusQuery, EnvironmentQuery, OwnerQuery, OverdueQuery);
        if (applied != query)
        {
            var first = applied is null;
            applied = query;
            (status, environment, owner, overdue) = query;
            if (!first)
            {
                await FiltersChangedAsync();
            }
        }
    }

    protected override async Task OnInitializedAsync()
    {
        loadPage = LoadPageAsync;
        userId = (await AuthState.GetAuthenticationStateAsync()).User.UserId();
        notices = Live.On<KeyNotice>(nameof(IConsoleClient.KeyNotice), _ => InvokeAsync(() => ReloadAsync(firstPage: false)));
        catalogue = await KeyCatalogue.LoadAsync(Api);
    }

    /// <summary>The table asks for a page: the filters, its sort and its page go to the server.</summary>
    private async Task<TableData<ApiKeySummary>> LoadPageAsync(TableState state, CancellationToken ct)
    {
        now = DateTimeOffset.UtcNow;
        var (sort, descending) = (state.SortLabel, state.SortDirection) switch
        {
            (_, SortDirection.None) or (null, _) => (KeySorts.Created, true),
            // Youngest first is latest created first.
            (KeyTable.AgeSort, var d) => (KeySorts.Created, d == SortDirection.Ascending),
            (var label, var d) => (label, d == SortDirection.Descending),
        };
        var query = new KeyListQuery(status, environment, Search: string.IsNullOrWhiteSpace(owner) ? null : owner.Trim(), Overdue: overdue,
            Sort: sort, Descending: descending, Page: state.Page + 1, PageSize: state.PageSize);
        try
        {
            var page = await Api.GetKeysAsync(query, ct);
            Show(null, page.Total);
            return new TableData<ApiKeySummary> { Items = page.Items, TotalItems = page.Total };
        }
        catch (ApiException ex)
        {
            Show(KeysText.Describe(ex), null);
            return new TableData<ApiKeySummary> { Items = [], TotalItems = 0 };
        }
    }

    /// <summary>The count and the error sit outside the table: the page renders again when they change (only then, or the two would feed each other).</summary>
    private void Show(string? newError, int? newTotal)
    {
        if ((error, total) != (newError, newTotal))
        {
            (error, total) = (newError, newTotal);
            StateHasChanged();
        }
    }

    private Task ReloadAsync(bool firstPage) => table?.ReloadAsync(firstPage) ?? Task.CompletedTask;

    private Task FiltersChangedAsync() => ReloadAsync(firstPage: true);

    private async Task ClearAsync()
    {
        status = environment = owner = null;
        overdue = false;
        await FiltersChangedAsync();
    }

    private async Task PickUpAsync(ApiKeySummary key)
    {
        await Dialogs.PickUpAsync(key.Service ?? key.Name, keyId: key.Id);
        await ReloadAsync(firstPage: false);
    }

    public void Dispose() => notices?.Dispose();
}
