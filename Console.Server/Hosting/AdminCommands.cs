using Microsoft.AspNetCore.Identity;
using SecurityConsole.Server.Compliance;
using SecurityConsole.Server.Keys;
using SecurityConsole.Server.Security;
using SecurityConsole.Server.Users;
using SecurityConsole.Shared.Security;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Server.Hosting;

/// <summary>Operator commands run against the configured database, then exit. Output goes to the terminal.</summary>
public static class AdminCommands
{
    public static async Task<int> RunAsync(WebApplication app, CommandLine cmd, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        await ConsoleHost.PrepareAsync(app.Services);
        await using var scope = app.Services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        sp.GetRequiredService<Caller>().ActAs(Actor.System("cli"));
        switch (cmd.Command)
        {
            case "migrate":
                stdout.WriteLine("The database is up to date.");
                return 0;
            case "admin create-user":
                return await CreateUserAsync(sp, cmd, stdin, stdout, stderr);
            case "admin create-token":
                return await CreateTokenAsync(sp, cmd, stdout, stderr);
            case "admin verify-pack":
                return await VerifyPackAsync(sp, cmd, stdout, stderr);
            case SetupLink.Command:
                return await SetupLink.RunCommandAsync(sp, app.Configuration, stdout, stderr);
            default:
                stderr.WriteLine($"Unknown command '{cmd.Command}'. Commands: migrate, admin create-user, admin create-token, admin setup-link, admin verify-pack FILE.");
                return 64;
        }
    }

    /// <summary>Checks an evidence pack against this console's checkpoint key: 0 intact, 1 altered, 2 unreadable.</summary>
    private static async Task<int> VerifyPackAsync(IServiceProvider sp, CommandLine cmd, TextWriter stdout, TextWriter stderr)
    {
        var path = cmd.Get(CommandLine.Argument);
        if (string.IsNullOrWhiteSpace(path) || !File.Exists(path))
        {
            stderr.WriteLine(path is null ? "Name the pack: admin verify-pack FILE." : $"There is no file '{path}'.");
            return 2;
        }
        var result = await sp.GetRequiredService<EvidencePackVerifier>().VerifyAsync(await File.ReadAllBytesAsync(path), CancellationToken.None);
        (result.Intact ? stdout : stderr).WriteLine(result.Verdict);
        foreach (var problem in result.Problems.Skip(1))
        {
            stderr.WriteLine(problem);
        }
        if (result.Intact)
        {
            stdout.WriteLine($"Framework {result.Framework}, {result.From:yyyy-MM-dd} to {result.To:yyyy-MM-dd}, {result.Files} files.");
        }
        return result.Intact ? 0 : 1;
    }

    private static async Task<int> CreateUserAsync(IServiceProvider sp, CommandLine cmd, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        var email = cmd.Get("--email");
        var roles = (cmd.Get("--role") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var v = new Validator().Email("--email", email);
        if (roles.Length == 0)
        {
            v.Add("--role", "Give at least one role.");
        }
        foreach (var role in roles.Where(r => !Roles.IsKnown(r)))
        {
            v.Add("--role", $"'{role}' is not a role; roles are {string.Join(", ", Roles.All)}.");
        }
        if (!cmd.Has("--password-stdin"))
        {
            v.Add("--password-stdin", "Pass --password-stdin and write the password on standard input (it is never taken as an argument).");
        }
        if (!v.IsValid)
        {
            return Fail(stderr, v);
        }
        var password = (await stdin.ReadLineAsync())?.TrimEnd('\r', '\n');
        if (string.IsNullOrEmpty(password))
        {
            stderr.WriteLine("No password was read from standard input.");
            return 1;
        }
        var result = await sp.GetRequiredService<UserAdmin>().CreateUserAsync(email!, password, roles, CancellationToken.None);
        if (!result.Succeeded)
        {
            stderr.WriteLine($"User not created: {string.Join(" ", result.Errors.Select(e => e.Description))}");
            return 1;
        }
        stdout.WriteLine($"Created {email} with role(s) {string.Join(", ", roles)}.");
        return 0;
    }

    private static async Task<int> CreateTokenAsync(IServiceProvider sp, CommandLine cmd, TextWriter stdout, TextWriter stderr)
    {
        var email = cmd.Get("--email");
        var scopes = (cmd.Get("--scopes") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var environment = cmd.Get("--environment") ?? "production";
        var v = new Validator().Email("--email", email);
        if (scopes.Length == 0)
        {
            v.Add("--scopes", "Give at least one scope, comma-separated, e.g. keys:verify,events:write.");
        }
        foreach (var scope in scopes.Where(s => !Permissions.IsKnown(s)))
        {
            v.Add("--scopes", $"'{scope}' is not a permission; permissions are {string.Join(", ", Permissions.All)}.");
        }
        v.OneOf("--environment", environment, KeyFormat.EnvironmentCodes.Keys);
        TimeSpan? lifetime = null;
        if (cmd.Get("--expires-days") is { } days)
        {
            if (int.TryParse(days, out var d) && d is > 0 and <= 3650)
            {
                lifetime = TimeSpan.FromDays(d);
            }
            else
            {
                v.Add("--expires-days", "Must be a whole number of days between 1 and 3650.");
            }
        }
        if (!v.IsValid)
        {
            return Fail(stderr, v);
        }
        var users = sp.GetRequiredService<UserManager<ConsoleUser>>();
        var owner = await users.FindByEmailAsync(email!);
        if (owner is null)
        {
            stderr.WriteLine($"No user has the email address {email}; create the user first.");
            return 1;
        }
        var issued = await sp.GetRequiredService<ApiKeyIssuer>().IssueAsync(
            owner.Id, cmd.Get("--name") ?? "automation", environment, scopes, lifetime, cmd.Get("--service"), CancellationToken.None);
        stdout.WriteLine(issued.Secret);
        stderr.WriteLine($"Key {issued.DisplayKey} created for {email} with scopes {string.Join(", ", scopes)}. The secret above is shown once; store it now.");
        return 0;
    }

    private static int Fail(TextWriter stderr, Validator v)
    {
        foreach (var (field, messages) in v.Errors)
        {
            stderr.WriteLine($"{field}: {string.Join(" ", messages)}");
        }
        return 64;
    }
}
