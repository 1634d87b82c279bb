using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SecurityConsole.Server.Users;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Tests.Security;

/// <summary>
/// The sign-in form must not tell whether an account exists: not in what it answers, not in when it locks,
/// and not in the work it does (a password hash is checked either way, so the answer takes as long).
/// Time itself is never asserted (the machine is shared); the hasher's calls are counted instead.
/// </summary>
/// <remarks>
/// One console per class (<see cref="HashCountingConsole"/>): each test signs in with accounts, unknown addresses and
/// clients of its own, and counts hashes only for passwords it made up itself.
/// </remarks>
public abstract partial class SignInEnumerationTests(HashCountingConsole console)
{
    private CountingPasswordHasher.Calls Hashes => console.Hashes;

    protected ConsoleFactory Factory => console.Factory;

    [Fact]
    public async Task AnUnknownAddressGetsTheSameAnswersAsAnAccountAtEveryAttemptUpToAndAfterLockout()
    {
        var known = $"known-{Guid.NewGuid():N}@example.test";
        var unknown = $"unknown-{Guid.NewGuid():N}@example.test";
        await Factory.CreateUserAsync(known, Roles.Developer);
        var attacker = Factory.CreateBrowserClient();

        for (var attempt = 1; attempt <= 4; attempt++)
        {
            var forKnown = await attacker.SignInAsync(known, $"wrong password {attempt}");
            var forUnknown = await attacker.SignInAsync(unknown, $"wrong password {attempt}");
            Assert.Equal(HttpStatusCode.OK, forKnown.StatusCode);
            Assert.Equal(forKnown.StatusCode, forUnknown.StatusCode);
            var knownPage = Comparable(await forKnown.Content.ReadAsStringAsync(Ct), known);
            var unknownPage = Comparable(await forUnknown.Content.ReadAsStringAsync(Ct), unknown);
            Assert.Contains("do not match an account", knownPage);
            Assert.Equal(knownPage, unknownPage);
        }

        // The fifth failure locks the account, and an address without an account reads exactly the same.
        var fifthKnown = await attacker.SignInAsync(known, "wrong password 5");
        var fifthUnknown = await attacker.SignInAsync(unknown, "wrong password 5");
        Assert.Equal(HttpStatusCode.Redirect, fifthKnown.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, fifthUnknown.StatusCode);
        Assert.Contains("Account/Lockout", fifthKnown.Headers.Location!.ToString());
        Assert.Equal(fifthKnown.Headers.Location, fifthUnknown.Headers.Location);

        // While locked, even the right password (or any password) ends on the same page.
        var lockedKnown = await Factory.CreateBrowserClient().SignInAsync(known, ConsoleClients.Password);
        var lockedUnknown = await Factory.CreateBrowserClient().SignInAsync(unknown, ConsoleClients.Password);
        Assert.Equal(HttpStatusCode.Redirect, lockedUnknown.StatusCode);
        Assert.Equal(lockedKnown.Headers.Location, lockedUnknown.Headers.Location);
    }

    [Fact]
    public async Task APasswordHashIsCheckedForAnUnknownAddressAndALockedAccountAsForAWrongPassword()
    {
        var known = $"known-{Guid.NewGuid():N}@example.test";
        await Factory.CreateUserAsync(known, Roles.Developer);
        var client = Factory.CreateBrowserClient();

        var wrong = $"wrong {Guid.NewGuid():N}";
        await client.SignInAsync(known, wrong);
        Assert.Equal(1, Hashes.Checked(wrong));

        var forUnknown = $"wrong {Guid.NewGuid():N}";
        await client.SignInAsync($"nobody-{Guid.NewGuid():N}@example.test", forUnknown);
        Assert.True(Hashes.Checked(forUnknown) == 1,
            $"An unknown address was answered after {Hashes.Checked(forUnknown)} password hash checks instead of 1: it answers faster than an account.");

        for (var i = 2; i <= 5; i++)
        {
            await client.SignInAsync(known, $"wrong {Guid.NewGuid():N}");
        }
        var whileLocked = $"wrong {Guid.NewGuid():N}";
        var locked = await client.SignInAsync(known, whileLocked);
        Assert.Contains("Account/Lockout", locked.Headers.Location!.ToString());
        Assert.True(Hashes.Checked(whileLocked) == 1,
            $"A locked account was answered after {Hashes.Checked(whileLocked)} password hash checks instead of 1.");
    }

    /// <summary>The page without what legitimately differs: the address typed and what is encrypted afresh per response.</summary>
    private static string Comparable(string html, string email) =>
        Nonce().Replace(ComponentState().Replace(ProtectedPayload().Replace(html.Replace(email, "EMAIL", StringComparison.Ordinal), "PROTECTED"), "STATE"), "NONCE");

    /// <summary>The script nonce of the Content-Security-Policy (on the import map since the pages carry it): fresh per response.</summary>
    [GeneratedRegex("(?<=nonce=\")[^\"]*(?=\")")]
    private static partial Regex Nonce();

    /// <summary>Data Protection output (the antiforgery token): random per response.</summary>
    [GeneratedRegex("CfDJ8[A-Za-z0-9_-]+")]
    private static partial Regex ProtectedPayload();

    /// <summary>The state handed to the WebAssembly components, which carries the antiforgery token again (encoded).</summary>
    [GeneratedRegex("(?<=<!--Blazor-WebAssembly-Component-State:)[^-]*(?=-->)")]
    private static partial Regex ComponentState();
}

/// <summary>The console's own password hasher, counting the hashes it checks per password given.</summary>
public sealed class CountingPasswordHasher(IPasswordHasher<ConsoleUser> inner, CountingPasswordHasher.Calls calls) : IPasswordHasher<ConsoleUser>
{
    public sealed class Calls
    {
        private readonly ConcurrentDictionary<string, int> _verified = new(StringComparer.Ordinal);

        public int Checked(string password) => _verified.GetValueOrDefault(password);

        internal void Add(string password) => _verified.AddOrUpdate(password, 1, (_, n) => n + 1);
    }

    public string HashPassword(ConsoleUser user, string password) => inner.HashPassword(user, password);

    public PasswordVerificationResult VerifyHashedPassword(ConsoleUser user, string hashedPassword, string providedPassword)
    {
        calls.Add(providedPassword);
        return inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
    }
}

/// <summary>A shared console whose password hasher counts the hashes it checks, per password given.</summary>
public abstract class HashCountingConsole(PostgresServer? postgres) : ConfiguredConsole(postgres)
{
    public CountingPasswordHasher.Calls Hashes { get; } = new();

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    protected override Action<IServiceCollection> ServiceOverrides => services => services.AddScoped<IPasswordHasher<ConsoleUser>>(sp =>
        new CountingPasswordHasher(new PasswordHasher<ConsoleUser>(sp.GetRequiredService<IOptions<PasswordHasherOptions>>()), Hashes));
}

public sealed class SqliteHashCountingConsole() : HashCountingConsole(null);

public sealed class PostgresHashCountingConsole(PostgresServer postgres) : HashCountingConsole(postgres);

public sealed class SqliteSignInEnumerationTests(SqliteHashCountingConsole console) : SignInEnumerationTests(console), IClassFixture<SqliteHashCountingConsole>;

public sealed class PostgresSignInEnumerationTests(PostgresHashCountingConsole console) : SignInEnumerationTests(console), IClassFixture<PostgresHashCountingConsole>;
