using System.ComponentModel.DataAnnotations;

namespace SecurityConsole.Server.Reports.Delivery;

/// <summary><c>Reports:Mail:*</c>: the SMTP server scheduled reports are mailed through. No host, no mail (the attempt fails, saying so).</summary>
public sealed class ReportMailOptions
{
    [StringLength(253, ErrorMessage = "at most {1} characters")]
    public string? Host { get; set; }

    [Range(1, 65535, ErrorMessage = "a port from {1} to {2}")]
    public int Port { get; set; } = 587;

    /// <summary><c>auto</c> (STARTTLS when offered), <c>starttls</c> (required), <c>tls</c> (TLS on connect), or <c>none</c>.</summary>
    [RegularExpression("^(auto|starttls|tls|none)$", ErrorMessage = "one of auto, starttls, tls, none")]
    public string Security { get; set; } = "auto";

    [StringLength(256, ErrorMessage = "at most {1} characters")]
    public string? UserName { get; set; }

    /// <summary>Never logged or shown; set it from the environment or a secret store.</summary>
    [StringLength(256, ErrorMessage = "at most {1} characters")]
    public string? Password { get; set; }

    [EmailAddress(ErrorMessage = "an email address")]
    public string From { get; set; } = "security-console@localhost";
}
