using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace SecurityConsole.Sdk;

/// <summary>Makes a <see cref="ConsoleApiClient"/> over an HttpClient that already knows the console and its credentials.</summary>
public static class ConsoleApi
{
    /// <summary>
    /// A client for <paramref name="http"/>'s base address. Credentials travel on the HttpClient: an API key as its
    /// default <c>Authorization: Bearer</c> header (<see cref="WithApiKey"/>), or a session cookie its handler keeps.
    /// </summary>
    public static ConsoleApiClient Create(HttpClient http)
    {
        var adapter = new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: http)
        {
            BaseUrl = http.BaseAddress?.ToString().TrimEnd('/')
                ?? throw new ArgumentException("The HttpClient needs the console's address as its BaseAddress.", nameof(http)),
        };
        return new ConsoleApiClient(adapter);
    }

    /// <summary>A client for the console at <paramref name="baseAddress"/> that authenticates with an API key.</summary>
    public static ConsoleApiClient WithApiKey(Uri baseAddress, string apiKey)
    {
        var http = new HttpClient { BaseAddress = baseAddress };
        http.DefaultRequestHeaders.Authorization = new("Bearer", apiKey);
        return Create(http);
    }
}
