using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Reflection;

namespace SecurityConsole.Server.Common;

/// <summary>
/// The one way the console binds settings: a configuration section to an options class whose properties carry
/// data annotations, registered as <c>AddOptions&lt;T&gt;().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart()</c>
/// for the services that use it. The section is also bound and validated at once, while the host is composed
/// (the provider or the worker count decide what is registered), so that a wrong value stops the start before
/// anything runs: a <see cref="StartupException"/> with one sentence naming the setting, never the binder's stack trace.
/// </summary>
public static class Settings
{
    /// <summary>Registers <typeparamref name="T"/> bound to <paramref name="section"/> and returns its validated value.</summary>
    public static T AddSettings<T>(this WebApplicationBuilder builder, string section) where T : class, new()
    {
        builder.Services.AddOptions<T>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();
        return Bind<T>(builder.Configuration.GetSection(section));
    }

    /// <summary>Binds and validates a section; throws <see cref="StartupException"/> with one sentence on the first wrong value.</summary>
    public static T Bind<T>(IConfigurationSection section) where T : class, new()
    {
        // The binder's own error is an exception about types ("Failed to convert ... to type 'System.Int32'"): check first.
        foreach (var property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            // A list (Hosts:0, Hosts:1) has no value of its own; some providers give its parent an empty one.
            if (property.SetMethod is { IsPublic: true } && !property.PropertyType.IsArray && section[property.Name] is { } raw && !Converts(raw, property.PropertyType))
            {
                throw new StartupException(Sentence(section, property.Name, Expected(property.PropertyType), raw));
            }
        }
        var value = section.Get<T>() ?? new T();
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(value, new ValidationContext(value), results, validateAllProperties: true))
        {
            var member = results[0].MemberNames.FirstOrDefault() ?? "";
            throw new StartupException(Sentence(section, member, results[0].ErrorMessage ?? "valid", section[member]));
        }
        return value;
    }

    public static string Sentence(IConfigurationSection section, string key, string expected, string? raw) =>
        Sentence($"{section.Path}:{key}", expected, raw);

    public static string Sentence(string setting, string expected, string? raw) =>
        $"Setting '{setting}' must be {expected}, but it is '{raw}'.";

    private static bool Converts(string raw, Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target == typeof(string))
        {
            return true;
        }
        if (target.IsEnum)
        {
            // By name only: "1" would otherwise pick whatever the enum's second member is.
            return !long.TryParse(raw, out _) && Enum.TryParse(target, raw, ignoreCase: true, out var parsed) && Enum.IsDefined(target, parsed!);
        }
        try
        {
            // What the configuration binder itself uses.
            return TypeDescriptor.GetConverter(target).ConvertFromInvariantString(raw) is not null;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or NotSupportedException or OverflowException)
        {
            return false;
        }
    }

    private static string Expected(Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        return target switch
        {
            _ when target == typeof(bool) => "true or false",
            _ when target == typeof(int) || target == typeof(long) => "a whole number",
            _ when target == typeof(double) => "a number",
            { IsEnum: true } => OneOf(Enum.GetNames(target)),
            _ => $"a {target.Name}",
        };
    }

    public static string OneOf(IReadOnlyList<string> names) =>
        names.Count == 1 ? $"'{names[0]}'" : $"{string.Join(", ", names.Take(names.Count - 1).Select(n => $"'{n}'"))} or '{names[^1]}'";
}

/// <summary>An absolute http:// or https:// URL (a relative path would be taken as a file URL on Linux).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class HttpUrlAttribute : ValidationAttribute
{
    public HttpUrlAttribute() : base("an absolute URL such as https://console.example.com")
    {
    }

    public override bool IsValid(object? value) =>
        value is not string text || text.Length == 0 ||
        (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps));

    public override string FormatErrorMessage(string name) => ErrorMessageString;
}
