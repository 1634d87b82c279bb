namespace SecurityConsole.Fuzz;

/// <summary>
/// One parser of outside input under fuzzing. <see cref="Run"/> feeds it one input and returns normally when the parser
/// answered as documented (a value, or a rejection naming the problem); anything it throws is a defect the fuzzer reports.
/// Adding a harness is one file: a class implementing this interface, found by <see cref="FuzzHarnesses"/>, with seed
/// inputs in <c>fuzz/corpus/{Name}/</c> (and optionally a dictionary in <c>fuzz/dictionaries/{Name}.dict</c>).
/// </summary>
public interface IFuzzHarness
{
    /// <summary>Lower-case, dash-separated: the corpus folder and the command-line name.</summary>
    string Name { get; }

    void Run(ReadOnlySpan<byte> input);
}

/// <summary>A property every answer of the parser must keep was broken: a defect, like an unexpected exception.</summary>
public sealed class FuzzPropertyException(string message) : Exception(message);

public static class FuzzHarnesses
{
    /// <summary>Every harness in this assembly, by name.</summary>
    public static IReadOnlyDictionary<string, IFuzzHarness> All { get; } = typeof(IFuzzHarness).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IFuzzHarness).IsAssignableFrom(t))
        .Select(t => (IFuzzHarness)Activator.CreateInstance(t)!)
        .ToDictionary(h => h.Name, StringComparer.Ordinal);

    /// <summary>Fails the input when a property does not hold.</summary>
    public static void Check(bool condition, string property)
    {
        if (!condition)
        {
            throw new FuzzPropertyException(property);
        }
    }

    /// <summary>No lone surrogate: the text encodes to UTF-8, which both databases store.</summary>
    public static bool IsValidUnicode(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }
        return true;
    }
}
