namespace SecurityConsole.Shared.Hosting;

public static class ApiConventions
{
    public const string Prefix = "/api/v1";

    /// <summary>
    /// Header the browser client sends on every state-changing call made with the sign-in cookie.
    /// A cross-site form cannot set it, so cookie-authenticated writes without it are refused.
    /// </summary>
    public const string CsrfHeader = "X-Console-Request";
    public const string CsrfHeaderValue = "1";
}
