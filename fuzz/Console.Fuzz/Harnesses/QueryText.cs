using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace SecurityConsole.Fuzz.Harnesses;

/// <summary>Fuzz input as a query string, decoded the way ASP.NET Core decodes one, and the properties of accepted text.</summary>
internal static class QueryText
{
    public static Func<string, string?> Parse(ReadOnlySpan<byte> input)
    {
        var values = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(input));
        // A parameter bound as string? takes the values joined by commas when it is repeated.
        return name => values.TryGetValue(name, out var v) ? (v.Count == 0 ? null : v.ToString()) : (string?)null;
    }

    /// <summary>Text a filter accepted goes into a database query: both providers need valid Unicode, PostgreSQL refuses NUL.</summary>
    public static void Queryable(string? text, int max, string field)
    {
        if (text is null)
        {
            return;
        }
        FuzzHarnesses.Check(text.Length <= max, $"{field} within its limit");
        FuzzHarnesses.Check(!text.Any(char.IsControl), $"{field} has no control characters");
        FuzzHarnesses.Check(FuzzHarnesses.IsValidUnicode(text), $"{field} is valid Unicode");
    }

}
