namespace SecurityConsole.Server.Security;

public static class ConsoleClaims
{
    /// <summary>Present on principals authenticated by an API key: the key's id.</summary>
    public const string ApiKeyId = "api_key_id";
    public const string ApiKeyScheme = "ApiKey";

    /// <summary>The policy scheme that picks API key or cookie for each request.</summary>
    public const string ConsoleScheme = "Console";
}
