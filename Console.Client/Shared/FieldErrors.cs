using SecurityConsole.Client.Services;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Client.Shared;

/// <summary>
/// Field errors from the shared <see cref="Validator"/> or from the API's RFC 7807 problem, keyed by the
/// request's JSON field names, so that a form can show each message next to its field.
/// </summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, string[]> _errors = new(StringComparer.OrdinalIgnoreCase);

    public bool Any => _errors.Count > 0;

    public bool Has(string field) => _errors.ContainsKey(field);

    public string? For(string field) => _errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    /// <summary>Messages for fields the form does not show, so that none is lost.</summary>
    public string? Except(params string[] shown) =>
        _errors.Where(e => !shown.Contains(e.Key, StringComparer.OrdinalIgnoreCase)).SelectMany(e => e.Value) is var rest && rest.Any()
            ? string.Join(" ", rest)
            : null;

    public void Set(IEnumerable<KeyValuePair<string, string[]>> errors)
    {
        _errors.Clear();
        foreach (var (field, messages) in errors)
        {
            _errors[field] = messages;
        }
    }

    /// <summary>A failed call: its field messages where the server named fields, else its sentence for the form's summary.</summary>
    public void Set(ApiException failure) => Set(failure.Errors.Count > 0 ? failure.Errors : [new("", [failure.Message])]);

    public void Clear(string field) => _errors.Remove(field);

    public void Clear() => _errors.Clear();
}
