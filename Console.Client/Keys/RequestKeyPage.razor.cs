using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using SecurityConsole.Client.Services;
using SecurityConsole.Client.Shared;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Client.Keys;

/// <summary>The key request form: only the scopes the person may pass on, the policy's verdict before sending, the secret after.</summary>
public partial class RequestKeyPage
{
    private readonly FieldErrors errors = new();
    private RequestForm form = new();
    private IReadOnlyList<RequestableScope>? catalogue;
    private int notYours;
    private KeyPolicy? policy;
    private KeyRequestSummary? created;
    private string? loadError;
    private bool busy;

    [Inject] private IKeysApi Api { get; set; } = default!;

    [Inject] private IDialogService Dialogs { get; set; } = default!;

    [Inject] private NavigationManager Navigation { get; set; } = default!;

    [Inject] private AuthenticationStateProvider AuthState { get; set; } = default!;

    protected override Task OnInitializedAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        loadError = null;
        var policyLoad = Api.GetKeyPolicyAsync();
        // The server refuses scopes beyond the requester (ADR 0008); the form offers only the rest, by the same rule.
        var grantable = Grants.Grantable((await AuthState.GetAuthenticationStateAsync()).User.HeldPermissions(), viaKey: false);
        try
        {
            var all = await Api.GetRequestableScopesAsync();
            catalogue = [.. all.Where(s => grantable.Contains(s.Name))];
            notYours = all.Count - catalogue.Count;
        }
        catch (ApiException ex)
        {
            loadError = $"The scopes you can request could not be loaded. {KeysText.Describe(ex)}";
            return;
        }
        try
        {
            policy = await policyLoad;
        }
        catch (ApiException)
        {
            // The form works without it; only the forecast is missing.
            policy = null;
        }
    }

    /// <summary>Why some of the catalogue is missing, so that nobody thinks the list is broken.</summary>
    private string NotYoursText =>
        $"{(notYours == 1 ? "One scope" : $"{notYours} scopes")} of the catalogue {(notYours == 1 ? "is" : "are")} not listed: a key carries only what its requester " +
        "may pass on, which is your own permissions and the service scopes. For more, ask someone who holds the scopes to request the key.";

    private string LifetimeHelp => policy?.For(form.Environment ?? "").RotateAfterDays is { } days && form.Environment is { } environment
        ? $"1 to {KeyRequestCreate.MaxLifetimeDays}. {KeysText.Environment(environment)} keys are rotated after {KeysText.Plural(days, "day")} anyway."
        : $"1 to {KeyRequestCreate.MaxLifetimeDays}. Shorter is safer; you can rotate before it ends.";

    private void OnEnvironmentChanged(string value)
    {
        form.Environment = value;
        errors.Clear("environment");
    }

    private void ToggleScope(string scope, bool on)
    {
        if (on)
        {
            form.Scopes.Add(scope);
        }
        else
        {
            form.Scopes.Remove(scope);
        }
        errors.Clear("scopes");
    }

    private IReadOnlyList<string> Ordered(IEnumerable<string> scopes) =>
        [.. scopes.OrderBy(s => catalogue!.ToList().FindIndex(c => c.Name == s))];

    private async Task SubmitAsync()
    {
        var request = form.ToRequest(Ordered(form.Scopes));
        var check = Validator.Run(request);
        // "Must be one of …" reads oddly when nothing was chosen.
        errors.Set(check.Errors.Select(e => e.Key == "environment" && form.Environment is null
            ? new KeyValuePair<string, string[]>(e.Key, ["Choose where the key will be used."])
            : e));
        if (!check.IsValid)
        {
            return;
        }
        busy = true;
        try
        {
            created = await Api.RequestKeyAsync(request);
        }
        catch (ApiException ex)
        {
            errors.Set(ex);
        }
        finally
        {
            busy = false;
        }
    }

    private async Task PickUpAsync()
    {
        if (await Dialogs.PickUpAsync(created!.Service, requestId: created.Id))
        {
            Navigation.NavigateTo("keys");
        }
    }

    private void StartOver()
    {
        created = null;
        form = new RequestForm();
        errors.Clear();
    }

    private sealed class RequestForm
    {
        public string? Service { get; set; }
        public string? Environment { get; set; }
        public HashSet<string> Scopes { get; } = [];
        public int LifetimeDays { get; set; } = 90;
        public int? RateLimitPerMinute { get; set; }
        public string? IpAllowList { get; set; }
        public string? Reason { get; set; }

        public KeyRequestCreate ToRequest(IReadOnlyList<string> scopes) => new(
            Service?.Trim() ?? "", Environment ?? "", scopes, LifetimeDays, RateLimitPerMinute,
            [.. (IpAllowList ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
            Reason?.Trim() ?? "");
    }
}
