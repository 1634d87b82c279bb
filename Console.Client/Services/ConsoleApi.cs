using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SecurityConsole.Client.Services;

/// <summary>
/// The transport every feature's API client shares: the UI uses the same REST API as automation. Each failure on
/// the way becomes an <see cref="ApiException"/> carrying the sentence the page shows, so that pages catch one type
/// and never word a network error themselves. A cancellation the caller asked for stays a cancellation.
/// </summary>
public sealed class ConsoleApi(HttpClient http)
{
    /// <summary>As the server writes JSON: web defaults, enums as their names.</summary>
    private static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web) { Converters = { new JsonStringEnumConverter() } };

    public Task<T> GetAsync<T>(string url, CancellationToken ct) => SendAsync<T>(HttpMethod.Get, url, null, ct);

    /// <summary>Sends <paramref name="body"/> as JSON; a 204, or <typeparamref name="T"/> of object, returns default.</summary>
    public Task<T> SendAsync<T>(HttpMethod method, string url, object? body, CancellationToken ct) =>
        SendContentAsync<T>(method, url, AsJson(body), ct);

    /// <summary>Sends <paramref name="content"/> as it is (a file's bytes with its type), and reads the answer as the JSON send does.</summary>
    public Task<T> SendContentAsync<T>(HttpMethod method, string url, HttpContent? content, CancellationToken ct) =>
        SendAsync(method, url, content, async (response, token) =>
        {
            if (response.StatusCode == HttpStatusCode.NoContent || typeof(T) == typeof(object))
            {
                return default!;
            }
            return await response.Content.ReadFromJsonAsync<T>(Json, token) ?? throw ApiException.Unreadable(response.StatusCode);
        }, ct);

    /// <summary>Sends <paramref name="body"/> as JSON and returns the answer as text (a rendered preview).</summary>
    public Task<string> SendForTextAsync(HttpMethod method, string url, object? body, CancellationToken ct) =>
        SendAsync(method, url, AsJson(body), (response, token) => response.Content.ReadAsStringAsync(token), ct);

    private static JsonContent? AsJson(object? body) => body is null ? null : JsonContent.Create(body, body.GetType(), options: Json);

    private async Task<T> SendAsync<T>(HttpMethod method, string url, HttpContent? content, Func<HttpResponseMessage, CancellationToken, Task<T>> read, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, url) { Content = content };
        HttpResponseMessage? response = null;
        try
        {
            response = await http.SendAsync(request, ct);
            await EnsureSuccessAsync(response, ct);
            return await read(response, ct);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            // HttpClient reports its own time limit as a cancellation nobody asked for.
            throw ApiException.TimedOut(ex);
        }
        catch (HttpRequestException ex)
        {
            throw ApiException.Unreachable(ex);
        }
        catch (IOException ex)
        {
            // The connection dropped while the body was read.
            throw ApiException.Unreachable(ex);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException)
        {
            throw ApiException.Unreadable(response?.StatusCode ?? HttpStatusCode.OK, ex);
        }
        finally
        {
            response?.Dispose();
        }
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        ProblemBody? problem = null;
        try
        {
            problem = await response.Content.ReadFromJsonAsync<ProblemBody>(JsonSerializerOptions.Web, ct);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException)
        {
            // Not problem details (a proxy's page, an empty body): the status alone says what happened.
        }
        throw new ApiException(response.StatusCode, problem?.Title, problem?.Detail, problem?.Errors);
    }

    /// <summary>Query-string parameters; empty values are not sent.</summary>
    public static string Query(params (string Name, string? Value)[] parameters)
    {
        var given = parameters.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return given.Count == 0 ? "" : "?" + string.Join('&', given);
    }

    private sealed record ProblemBody(string? Title, string? Detail, Dictionary<string, string[]>? Errors);
}
