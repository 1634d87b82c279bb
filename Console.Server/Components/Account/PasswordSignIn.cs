using Microsoft.AspNetCore.Identity;
using SecurityConsole.Server.Users;

namespace SecurityConsole.Server.Components.Account;

/// <summary>
/// Password sign-in that does not tell whether an account exists. Identity answers an unknown address at once and
/// a locked account without checking the password, both measurably faster than a wrong password (27 ms against
/// 210 ms in the issue 10 probe), and only real accounts ever locked. Here every attempt checks one password hash
/// with the same hasher, and an address without an account locks like an account (see <see cref="UnknownAddressLockout"/>).
/// </summary>
public sealed class PasswordSignIn(SignInManager<ConsoleUser> signIn, UnknownAddressLockout unknown)
{
    public sealed record Attempt(SignInResult Result, ConsoleUser? User);

    public async Task<Attempt> SignInAsync(string email, string password, bool isPersistent)
    {
        var users = signIn.UserManager;
        var user = await users.FindByNameAsync(email);
        if (user is null)
        {
            CheckDecoy(users, password);
            return new Attempt(unknown.Fail(users.NormalizeName(email)) ? SignInResult.LockedOut : SignInResult.Failed, null);
        }
        if (users.SupportsUserLockout && await users.IsLockedOutAsync(user))
        {
            // Identity answers a locked account before it looks at the password: spend the same work here.
            CheckDecoy(users, password);
        }
        return new Attempt(await signIn.PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure: true), user);
    }

    /// <summary>A hash check with the console's own hasher (same algorithm and iterations), whose answer is ignored.</summary>
    private void CheckDecoy(UserManager<ConsoleUser> users, string password) =>
        users.PasswordHasher.VerifyHashedPassword(UnknownAddressLockout.Nobody, unknown.DecoyHash(users.PasswordHasher), password);
}
