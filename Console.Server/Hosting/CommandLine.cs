namespace SecurityConsole.Server.Hosting;

/// <summary>
/// The console's own command line: <c>migrate</c>, <c>admin create-user</c>, <c>admin create-token</c>, <c>admin verify-pack FILE</c>,
/// and the <c>--demo</c> switch. Everything else is passed to the host as configuration.
/// </summary>
public sealed record CommandLine(string? Command, IReadOnlyDictionary<string, string?> Options, string[] HostArgs)
{
    /// <summary>The option under which a command's one positional argument is kept (the FILE of <c>admin verify-pack FILE</c>).</summary>
    public const string Argument = "<argument>";

    private static readonly string[] Flags = ["--password-stdin", "--demo"];

    public bool Has(string option) => Options.ContainsKey(option);

    public string? Get(string option) => Options.GetValueOrDefault(option);

    public static CommandLine Parse(string[] args)
    {
        string? command = null;
        var rest = args;
        if (args is ["migrate", ..])
        {
            command = "migrate";
            rest = args[1..];
        }
        else if (args is ["admin", var verb, ..])
        {
            command = $"admin {verb}";
            rest = args[2..];
        }
        var options = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var hostArgs = new List<string>();
        for (var i = 0; i < rest.Length; i++)
        {
            var arg = rest[i];
            if (Flags.Contains(arg, StringComparer.OrdinalIgnoreCase))
            {
                options[arg] = "true";
            }
            else if (command is not null && arg.StartsWith("--", StringComparison.Ordinal) && !arg.Contains('=') && !arg.Contains(':'))
            {
                options[arg] = i + 1 < rest.Length ? rest[++i] : null;
            }
            else if (command is not null && !arg.StartsWith('-') && !options.ContainsKey(Argument))
            {
                options[Argument] = arg;
            }
            else
            {
                hostArgs.Add(arg);
            }
        }
        if (options.ContainsKey("--demo"))
        {
            hostArgs.Add("--Console:Demo=true");
        }
        return new CommandLine(command, options, [.. hostArgs]);
    }
}
