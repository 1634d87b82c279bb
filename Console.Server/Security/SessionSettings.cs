using System.ComponentModel.DataAnnotations;

namespace SecurityConsole.Server.Security;

/// <summary>
/// How long a signed-in session may sit idle and how sign-in failures lock an account (section <c>Sessions</c>).
/// The defaults meet the console's own compliance checks (PCI DSS 8.2.8: 15 minutes idle; 8.3.4: at most 10 failures,
/// at least 30 minutes locked), so a new console does not fail its own controls; loosening them shows as failing.
/// </summary>
public sealed class SessionSettings
{
    /// <summary>Minutes a signed-in session may be idle before it must sign in again (sliding).</summary>
    [Range(1, 1440)]
    public int IdleMinutes { get; set; } = 15;

    /// <summary>Failed sign-ins in a row that lock an account (and an unknown address).</summary>
    [Range(1, 100)]
    public int MaxFailedAttempts { get; set; } = 5;

    /// <summary>Minutes a locked account stays locked.</summary>
    [Range(1, 10080)]
    public int LockoutMinutes { get; set; } = 30;
}
