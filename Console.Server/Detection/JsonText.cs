using System.Text.Json;

namespace SecurityConsole.Server.Detection;

/// <summary>Whether the names and strings of a JSON value can be read as text, before anything reads them.</summary>
internal static class JsonText
{
    /// <summary>
    /// JSON lets through what .NET cannot read as text: invalid UTF-8 bytes and lone surrogate escapes throw when read
    /// (found by fuzzing, fuzz/corpus/events/crash-*). Every name and string is checked before any is read. Attributes are
    /// stored as sent and read later by the rules into alert wording, so their control characters are refused here too
    /// (PostgreSQL refuses NUL); the other fields' are refused, with their own message, when they are read.
    /// </summary>
    public static bool Decodes(JsonProperty property, out string name, bool attributes = false)
    {
        try
        {
            name = property.Name;
            return !attributes || !name.Any(char.IsControl);
        }
        catch (InvalidOperationException)
        {
            name = "";
            return false;
        }
    }

    public static bool Decodes(JsonElement value, bool attributes)
    {
        try
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    var text = value.GetString()!;
                    return !attributes || !text.Any(c => char.IsControl(c) && c is not ('\t' or '\n' or '\r'));
                case JsonValueKind.Object:
                    foreach (var property in value.EnumerateObject())
                    {
                        if (!Decodes(property, out _, attributes) || !Decodes(property.Value, attributes))
                        {
                            return false;
                        }
                    }
                    return true;
                case JsonValueKind.Array:
                    foreach (var element in value.EnumerateArray())
                    {
                        if (!Decodes(element, attributes))
                        {
                            return false;
                        }
                    }
                    return true;
                default:
                    return true;
            }
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
