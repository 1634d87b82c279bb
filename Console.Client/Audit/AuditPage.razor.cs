using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using SecurityConsole.Client.Services;
using SecurityConsole.Client.Shared;
using SecurityConsole.Shared.Audit;
using SecurityConsole.Shared.Validation;
using TrailPage = SecurityConsole.Shared.Audit.AuditPage;

namespace SecurityConsole.Client.Audit;

/// <summary>The audit trail: filtered on the server, paged by sequence, each entry opened in a dialog.</summary>
public partial class AuditPage
{
    private readonly Filter filter = new();
    private readonly FieldErrors errors = new();
    private AuditSearchQuery applied = new();
    private TrailPage? results;
    private string? error;
    private bool loading;
    private bool canReveal;
    private long? opened;

    [Inject] private IAuditApi Api { get; set; } = default!;

    [Inject] private IDialogService Dialogs { get; set; } = default!;

    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [Inject] private AuthenticationStateProvider AuthState { get; set; } = default!;

    [Inject] private IAuthorizationService Authorization { get; set; } = default!;

    /// <summary>Opens this entry's detail, so that other places (a broken-chain result) can link to an entry.</summary>
    [SupplyParameterFromQuery(Name = "entry")] public long? Entry { get; set; }

    /// <summary>The page size; the server allows up to 500.</summary>
    [Parameter] public int PageSize { get; set; } = AuditSearchQuery.DefaultLimit;

    private bool IsUnfiltered => (applied with { Before = null, After = null, Limit = AuditSearchQuery.DefaultLimit }) == new AuditSearchQuery();

    protected override async Task OnInitializedAsync()
    {
        var user = (await AuthState.GetAuthenticationStateAsync()).User;
        canReveal = (await Authorization.AuthorizeAsync(user, PolicyNames.PiiRead)).Succeeded;
        applied = new AuditSearchQuery(Limit: PageSize);
        await LoadAsync(applied);
    }

    protected override async Task OnParametersSetAsync()
    {
        if (Entry is { } sequence && sequence != opened)
        {
            opened = sequence;
            await OpenSequenceAsync(sequence);
        }
    }

    private Task SearchAsync()
    {
        var check = new Validator();
        if (filter.Range?.Start is { } s && filter.Range.End is { } e && e < s)
        {
            check.Add("to", "The end of the time range is before its start.");
        }
        errors.Set(check.Errors);
        return check.IsValid ? LoadAsync(filter.ToQuery(PageSize)) : Task.CompletedTask;
    }

    private Task ClearAsync()
    {
        filter.Reset();
        errors.Clear();
        return LoadAsync(new AuditSearchQuery(Limit: PageSize));
    }

    private Task ReloadAsync() => LoadAsync(applied);

    private Task NewestAsync() => LoadAsync(applied with { Before = null, After = null });

    private Task OlderAsync() => LoadAsync(applied with { Before = results!.NextBefore, After = null });

    private Task NewerAsync() => LoadAsync(applied with { Before = null, After = results!.NextAfter });

    private async Task LoadAsync(AuditSearchQuery query)
    {
        error = null;
        loading = true;
        try
        {
            var result = await Api.SearchAuditAsync(query);
            if (result.Items.Count == 0 && query.After is not null)
            {
                // Nothing newer any more: show the newest page rather than an empty one.
                query = query with { After = null };
                result = await Api.SearchAuditAsync(query);
            }
            results = result;
            applied = query;
        }
        catch (ApiException ex) when (ex.Status == HttpStatusCode.BadRequest && ex.Errors.Count > 0)
        {
            errors.Set(ex.Errors);
        }
        catch (ApiException ex)
        {
            results = null;
            error = ex.Message;
        }
        finally
        {
            loading = false;
        }
    }

    private Task OpenAsync(AuditEntryView entry) => ShowAsync(entry);

    private async Task OpenSequenceAsync(long sequence)
    {
        try
        {
            await ShowAsync(await Api.GetAuditEntryAsync(sequence));
        }
        catch (ApiException ex) when (ex.Status == HttpStatusCode.NotFound)
        {
            Snackbar.Add($"Entry #{sequence} is not in the trail: it was removed, or retention has deleted it.", Severity.Warning);
        }
        catch (ApiException ex)
        {
            Snackbar.Add(ex.Message, Severity.Error);
        }
    }

    private Task ShowAsync(AuditEntryView entry) =>
        Dialogs.ShowAsync<AuditEntryDialog>($"Entry #{entry.Sequence}",
            new DialogParameters<AuditEntryDialog> { { d => d.Entry, entry }, { d => d.CanReveal, canReveal } },
            new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true, CloseButton = true, CloseOnEscapeKey = true });

    private static string PersonalSummary(AuditEntryView e)
    {
        var parts = (e.Personal ?? new Dictionary<string, string>()).Select(p => $"{p.Key}: {p.Value}").ToList();
        if (e.SourceIp is { } ip)
        {
            parts.Add($"ip: {ip}");
        }
        return string.Join(" · ", parts);
    }

    /// <summary>What the filter bar holds; applied only on Search, so that paging and export use what was searched.</summary>
    private sealed class Filter
    {
        public DateRange? Range { get; set; }
        public string? Text { get; set; }
        public string? Action { get; set; }
        public string? Actor { get; set; }
        public string? Target { get; set; }
        public string? Outcome { get; set; }
        public string? Category { get; set; }

        public bool Any => Range?.Start is not null || Range?.End is not null || !string.IsNullOrWhiteSpace(Text) || !string.IsNullOrWhiteSpace(Action)
            || !string.IsNullOrWhiteSpace(Actor) || !string.IsNullOrWhiteSpace(Target) || Outcome is not null || Category is not null;

        public void Reset()
        {
            Range = null;
            Text = Action = Actor = Target = Outcome = Category = null;
        }

        public AuditSearchQuery ToQuery(int limit) => new(
            From: Range?.Start is { } start ? new DateTimeOffset(start.Date, TimeSpan.Zero) : null,
            To: Range?.End is { } end ? new DateTimeOffset(end.Date.AddDays(1).AddTicks(-1), TimeSpan.Zero) : null,
            Actor: Trim(Actor), Action: Trim(Action), Target: Trim(Target), Outcome: Outcome, Category: Category, Text: Trim(Text), Limit: limit);

        private static string? Trim(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
    }
}
