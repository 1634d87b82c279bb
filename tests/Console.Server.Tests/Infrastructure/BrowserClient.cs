using System.Net;

namespace SecurityConsole.Server.Tests.Infrastructure;

/// <summary>An HttpClient that behaves like a browser tab: its cookies can be read back (SignalR, a second node).</summary>
public sealed class BrowserClient(HttpMessageHandler handler, CookieContainer cookies) : HttpClient(handler)
{
    public CookieContainer Cookies { get; } = cookies;

    /// <summary>The Cookie header this browser sends to the console.</summary>
    public string CookieHeader => Cookies.GetCookieHeader(BaseAddress!);
}

/// <summary>Stores Set-Cookie answers and sends the cookies back, like a browser.</summary>
public sealed class CookieJarHandler(CookieContainer cookies) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!;
        var header = cookies.GetCookieHeader(uri);
        if (header.Length > 0)
        {
            request.Headers.Remove("Cookie");
            request.Headers.Add("Cookie", header);
        }
        var response = await base.SendAsync(request, cancellationToken);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (var setCookie in setCookies)
            {
                cookies.SetCookies(uri, setCookie);
            }
        }
        return response;
    }
}
