using System.Text.RegularExpressions;

namespace SecurityConsole.Shared.Validation;

/// <summary>
/// A request that can say what is wrong with it. The server turns the errors into an RFC 7807
/// validation problem (field → messages); the client shows the same messages next to the field.
/// </summary>
public interface IValidatable
{
    void Validate(Validator v);
}

/// <summary>Collects field errors; field names are the JSON (camelCase) names the caller sent.</summary>
public sealed partial class Validator
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public IDictionary<string, string[]> Errors =>
        _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    public Validator Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }
        list.Add(message);
        return this;
    }

    public Validator Required(string field, string? value, int maxLength = 256)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "This field is required.");
        }
        else if (value.Length > maxLength)
        {
            Add(field, $"Must be at most {maxLength} characters.");
        }
        return this;
    }

    public Validator Email(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Add(field, "An email address is required.");
        }
        if (value.Length > 254 || !EmailPattern().IsMatch(value))
        {
            Add(field, "Enter an email address such as name@example.com.");
        }
        return this;
    }

    public Validator OneOf(string field, string? value, IEnumerable<string> allowed)
    {
        var options = allowed.ToList();
        if (value is null || !options.Contains(value, StringComparer.Ordinal))
        {
            Add(field, $"Must be one of: {string.Join(", ", options)}.");
        }
        return this;
    }

    public Validator Range(string field, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            Add(field, $"Must be between {min} and {max}.");
        }
        return this;
    }

    public static Validator Run(IValidatable request)
    {
        var v = new Validator();
        request.Validate(v);
        return v;
    }

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();
}
