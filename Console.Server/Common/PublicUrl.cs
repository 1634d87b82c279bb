namespace SecurityConsole.Server.Common;

public static class PublicUrl
{
    /// <summary>The base URL for links the console hands out: Console:PublicUrl, else the request's own origin.</summary>
    public static string For(HttpContext http)
    {
        var configured = http.RequestServices.GetRequiredService<ConsoleSettings>().PublicUrl;
        return configured ?? $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";
    }
}
