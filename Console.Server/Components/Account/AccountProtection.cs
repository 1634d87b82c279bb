using Microsoft.AspNetCore.Identity;

namespace SecurityConsole.Server.Components.Account;

/// <summary>What the console adds to Identity's sign-in: see each class for the attack it closes (issue 10).</summary>
public static class AccountProtection
{
    public static IdentityBuilder AddAccountProtection(this IdentityBuilder identity)
    {
        identity.Services.AddSingleton<UnknownAddressLockout>();
        identity.Services.AddScoped<PasswordSignIn>();
        identity.AddPasswordValidator<CommonPasswordValidator>();
        // Replaces the provider AddDefaultTokenProviders registered under the same name.
        identity.AddTokenProvider<OneTimeAuthenticatorTokenProvider>(TokenOptions.DefaultAuthenticatorProvider);
        return identity;
    }
}
