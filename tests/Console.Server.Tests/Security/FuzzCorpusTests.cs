using SecurityConsole.Fuzz;

namespace SecurityConsole.Server.Tests.Security;

/// <summary>
/// Every input in fuzz/corpus — seeds and the regression inputs of crashes the fuzzers found — replayed through its
/// harness in process, so that a fixed crash stays fixed on every `dotnet test`, with no fuzzer installed.
/// </summary>
public sealed class FuzzCorpusTests
{
    public static TheoryData<string, string> Inputs()
    {
        var data = new TheoryData<string, string>();
        foreach (var harness in FuzzHarnesses.All.Keys.Order(StringComparer.Ordinal))
        {
            var folder = Path.Combine(CorpusRoot, harness);
            foreach (var file in Directory.Exists(folder) ? Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal) : Enumerable.Empty<string>())
            {
                data.Add(harness, Path.GetFileName(file));
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void EveryCorpusInputIsAnsweredWithoutAnUnexpectedException(string harness, string input)
    {
        var bytes = File.ReadAllBytes(Path.Combine(CorpusRoot, harness, input));

        var error = Record.Exception(() => FuzzHarnesses.All[harness].Run(bytes));

        Assert.True(error is null, $"{harness}/{input}: {error}");
    }

    [Fact]
    public void EveryHarnessHasSeedInputs()
    {
        var bare = FuzzHarnesses.All.Keys.Where(h => !Directory.Exists(Path.Combine(CorpusRoot, h))
            || !Directory.EnumerateFiles(Path.Combine(CorpusRoot, h), "seed-*").Any()).ToList();

        Assert.True(bare.Count == 0, $"Harnesses without seed-* inputs in fuzz/corpus: {string.Join(", ", bare)}");
        Assert.Contains("events", FuzzHarnesses.All.Keys);
        Assert.Contains("key-format", FuzzHarnesses.All.Keys);
        Assert.Contains("audit-query", FuzzHarnesses.All.Keys);
        Assert.Contains("query-readers", FuzzHarnesses.All.Keys);
    }

    private static string CorpusRoot { get; } = FindCorpus();

    private static string FindCorpus()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var corpus = Path.Combine(dir.FullName, "fuzz", "corpus");
            if (Directory.Exists(corpus) && File.Exists(Path.Combine(dir.FullName, "SecurityConsole.sln")))
            {
                return corpus;
            }
        }
        throw new DirectoryNotFoundException($"No fuzz/corpus above {AppContext.BaseDirectory}.");
    }
}
