using SecurityConsole.Shared.Hosting;

namespace SecurityConsole.Client.Services;

/// <summary>Adds the header the server requires on cookie-authenticated writes (see the server's CSRF rule).</summary>
public sealed class ConsoleRequestHandler : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        request.Headers.TryAddWithoutValidation(ApiConventions.CsrfHeader, ApiConventions.CsrfHeaderValue);
        return base.SendAsync(request, ct);
    }
}
