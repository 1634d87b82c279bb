using SharpFuzz;

namespace SecurityConsole.Fuzz;

/// <summary>
/// <c>Console.Fuzz list</c>: the harnesses, one name a line.
/// <c>Console.Fuzz fuzz NAME</c>: under afl-fuzz (instrumented by fuzz/run.sh); outside it, one input from stdin.
/// <c>Console.Fuzz replay NAME PATH... [--timeout SECONDS] [--verbose]</c>: each file (or each file in a folder) once, in
/// process; exit 1 on a crash or hang.
/// </summary>
/// <remarks>A named class, not top-level statements: the server tests reference this project, and Console.Server has a Program.</remarks>
public static class FuzzProgram
{
    public static int Main(string[] args)
    {
        var command = args.FirstOrDefault();
        switch (command)
        {
            case "list":
                foreach (var name in FuzzHarnesses.All.Keys.Order(StringComparer.Ordinal))
                {
                    Console.WriteLine(name);
                }
                return 0;
            case "fuzz" when args.Length == 2 && Harness(args[1]) is { } harness:
                Fuzzer.Run(stream =>
                {
                    using var buffer = new MemoryStream();
                    stream.CopyTo(buffer);
                    harness.Run(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
                });
                return 0;
            case "replay" when args.Length >= 3 && Harness(args[1]) is { } harness:
                var timeout = TimeSpan.FromSeconds(10);
                var paths = new List<string>();
                var verbose = false;
                for (var i = 2; i < args.Length; i++)
                {
                    if (args[i] == "--timeout" && i + 1 < args.Length && int.TryParse(args[i + 1], out var seconds))
                    {
                        timeout = TimeSpan.FromSeconds(seconds);
                        i++;
                    }
                    else if (args[i] == "--verbose")
                    {
                        verbose = true;
                    }
                    else
                    {
                        paths.Add(args[i]);
                    }
                }
                return Replay.Run(harness, paths, timeout, verbose);
            default:
                Console.Error.WriteLine("usage: Console.Fuzz list | fuzz NAME | replay NAME PATH... [--timeout SECONDS] [--verbose]");
                return 2;
        }
    }

    private static IFuzzHarness? Harness(string name)
    {
        if (FuzzHarnesses.All.TryGetValue(name, out var harness))
        {
            return harness;
        }
        Console.Error.WriteLine($"No harness '{name}'; there are: {string.Join(", ", FuzzHarnesses.All.Keys.Order(StringComparer.Ordinal))}.");
        return null;
    }
}
