using Microsoft.AspNetCore.Identity;

namespace SecurityConsole.Server.Users;

public sealed class ConsoleUser : IdentityUser
{
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastSignInAt { get; set; }
}
