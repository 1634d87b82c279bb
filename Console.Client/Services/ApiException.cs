using System.Net;

namespace SecurityConsole.Client.Services;

/// <summary>
/// The one way a call to the console's API fails: whatever went wrong on the way (no connection, no answer in
/// time, a refusal, an answer that could not be read), <see cref="Exception.Message"/> is the sentence the page
/// shows and <see cref="Errors"/> the field messages a form shows next to its fields.
/// </summary>
public sealed class ApiException : Exception
{
    public const string UnreachableText = "The console could not be reached. Check your connection and try again.";
    public const string TimeoutText = "The console did not answer in time. Check your connection and try again.";
    public const string UnreadableText = "The console's answer could not be read. Reload the page and try again.";

    /// <summary>The console answered with a failure, with or without RFC 7807 problem details.</summary>
    public ApiException(HttpStatusCode status, string? title, string? detail, IReadOnlyDictionary<string, string[]>? errors)
        : base(Describe(status, title, detail, errors))
    {
        Status = status;
        Errors = errors ?? new Dictionary<string, string[]>();
    }

    private ApiException(HttpStatusCode? status, string message, Exception? inner) : base(message, inner)
    {
        Status = status;
        Errors = new Dictionary<string, string[]>();
    }

    /// <summary>The status the console answered with; null when no answer arrived.</summary>
    public HttpStatusCode? Status { get; }

    /// <summary>Messages per request field (JSON names), from the problem details; empty when the failure is not about fields.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }

    /// <summary>No answer: the network, a proxy or the server is down.</summary>
    public static ApiException Unreachable(Exception? inner = null) => new(null, UnreachableText, inner);

    /// <summary>No answer within the client's time limit.</summary>
    public static ApiException TimedOut(Exception? inner = null) => new(null, TimeoutText, inner);

    /// <summary>An answer whose body is not what the API sends (a proxy's page, a cut-off body).</summary>
    public static ApiException Unreadable(HttpStatusCode status, Exception? inner = null) => new(status, UnreadableText, inner);

    private static string Describe(HttpStatusCode status, string? title, string? detail, IReadOnlyDictionary<string, string[]>? errors)
    {
        if (errors is { Count: > 0 })
        {
            return string.Join(" ", errors.SelectMany(e => e.Value));
        }
        return status switch
        {
            HttpStatusCode.Unauthorized => "Your session has ended. Sign in again.",
            HttpStatusCode.Forbidden => detail ?? "Your roles do not allow this.",
            HttpStatusCode.NotFound => detail ?? "It no longer exists.",
            HttpStatusCode.TooManyRequests => "Too many requests; wait a moment and try again.",
            >= HttpStatusCode.InternalServerError => "The console had a problem. Try again; if it persists, tell your admin.",
            _ => detail ?? title ?? $"The request failed ({(int)status}).",
        };
    }
}
