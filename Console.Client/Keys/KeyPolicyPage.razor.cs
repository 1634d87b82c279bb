using System.Net;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using SecurityConsole.Client.Services;
using SecurityConsole.Client.Shared;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Client.Keys;

/// <summary>The admins' key policy: the scope catalogue with risks, and per environment the auto-approval ceiling and maximum age.</summary>
public partial class KeyPolicyPage
{
    private static readonly ScopeRisk?[] Ceilings = [null, ScopeRisk.Low, ScopeRisk.Medium, ScopeRisk.High];

    private readonly FieldErrors errors = new();
    private KeyPolicy? saved;
    private List<EnvironmentRow> environments = [];
    private List<ScopeRow> scopes = [];
    private string? adding;
    private string? error;
    private bool saving;

    [Inject] private IKeysApi Api { get; set; } = default!;

    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    private bool Changed => saved is not null && ToPolicy() is var current &&
        (!current.Scopes.SequenceEqual(saved.Scopes) || !current.Environments.SequenceEqual(saved.Environments));

    private List<string> Addable => [.. Permissions.All.Where(p => scopes.All(s => s.Name != p))];

    protected override Task OnInitializedAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        error = null;
        try
        {
            Show(await Api.GetKeyPolicyAsync());
        }
        catch (ApiException ex) when (ex.Status == HttpStatusCode.NotFound)
        {
            saved = null;
            error = "This console's server does not offer an editable key policy yet. Update the server, then try again.";
        }
        catch (ApiException ex)
        {
            saved = null;
            error = KeysText.Describe(ex);
        }
    }

    private void Show(KeyPolicy policy)
    {
        saved = policy;
        environments = [.. policy.Environments.Select(e => new EnvironmentRow(e.Environment) { AutoApproveUpTo = e.AutoApproveUpTo, RotateAfterDays = e.RotateAfterDays })];
        scopes = [.. policy.Scopes.Select(s => new ScopeRow(s.Name) { Description = s.Description, Risk = s.Risk })];
        errors.Clear();
    }

    private KeyPolicy ToPolicy() => new(
        [.. scopes.Select(s => new RequestableScope(s.Name, s.Description?.Trim() ?? "", s.Risk))],
        [.. environments.Select(e => new EnvironmentKeyPolicy(e.Environment, e.AutoApproveUpTo, e.RotateAfterDays))]);

    private void Reset() => Show(saved!);

    private void Add()
    {
        if (adding is { } permission && scopes.All(s => s.Name != permission))
        {
            scopes.Add(new ScopeRow(permission) { Description = Permissions.Describe(permission), Risk = ScopeRisk.Medium });
            errors.Clear();
        }
        adding = null;
    }

    private void Remove(ScopeRow row)
    {
        scopes.Remove(row);
        // Field errors are keyed by position; after a removal they would point at the wrong rows.
        errors.Clear();
    }

    private async Task SaveAsync()
    {
        var policy = ToPolicy();
        var check = Validator.Run(policy);
        errors.Set(check.Errors);
        if (!check.IsValid)
        {
            return;
        }
        saving = true;
        try
        {
            var result = await Api.SetKeyPolicyAsync(policy);
            // A server that answers 204 returns no body: what was sent is what is saved.
            Show(result ?? policy);
            Snackbar.Add("Key policy saved. New requests and the next rotation run follow it; the change is in the audit trail.", Severity.Success);
        }
        catch (ApiException ex)
        {
            errors.Set(ex);
        }
        finally
        {
            saving = false;
        }
    }

    private string Field(EnvironmentRow row, string name) => $"environments[{environments.IndexOf(row)}].{name}";

    private string Field(ScopeRow row, string name) => $"scopes[{scopes.IndexOf(row)}].{name}";

    /// <summary>Every field key the form shows next to an input; the rest go to the summary.</summary>
    private IEnumerable<string> Shown() =>
        environments.SelectMany(e => new[] { Field(e, "autoApproveUpTo"), Field(e, "rotateAfterDays") })
            .Concat(scopes.SelectMany(s => new[] { Field(s, "name"), Field(s, "description"), Field(s, "risk") }));

    private static string CeilingName(ScopeRisk? ceiling) => ceiling switch
    {
        null => "Never",
        { } risk => $"Up to {risk.ToString().ToLowerInvariant()} risk",
    };

    private static string Meaning(EnvironmentRow row)
    {
        var approval = row.AutoApproveUpTo switch
        {
            null => "Every request waits for an approver.",
            ScopeRisk.High => "Every request is approved at once.",
            { } risk => $"Requests with only {(risk == ScopeRisk.Low ? "low-risk" : "low- and medium-risk")} scopes are approved at once; others wait for an approver.",
        };
        var rotation = row.RotateAfterDays is { } days and > 0 ? $"Keys older than {KeysText.Plural(days, "day")} get a successor." : "Keys have no maximum age.";
        return $"{approval} {rotation}";
    }

    private sealed class EnvironmentRow(string environment)
    {
        public string Environment { get; } = environment;
        public ScopeRisk? AutoApproveUpTo { get; set; }
        public int? RotateAfterDays { get; set; }
    }

    private sealed class ScopeRow(string name)
    {
        public string Name { get; } = name;
        public string? Description { get; set; }
        public ScopeRisk Risk { get; set; }
    }
}
