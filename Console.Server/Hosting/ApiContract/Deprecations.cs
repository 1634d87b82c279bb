using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Hosting.ApiContract;

/// <summary>
/// Renamed routes, as docs/api.md "Versioning and deprecation" promises them: every answer of an old route (errors
/// included) carries <c>Deprecation</c> (RFC 9745), <c>Sunset</c> (RFC 8594) and <c>Link: &lt;successor&gt;;
/// rel="successor-version"</c>, and the document marks the operation deprecated. Both read the authorization table's
/// <see cref="ApiDeprecation"/>, so the headers and the document cannot disagree.
/// </summary>
public static partial class Deprecations
{
    /// <summary>After routing (the endpoint is known) and before authentication, so a 401, 403 or 429 says it too.</summary>
    public static IApplicationBuilder UseDeprecationHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<ApiOperation>()?.Deprecation is { } deprecation)
        {
            // Written when the response starts: the exception handler clears the headers set earlier (and the route
            // values, so the link is made now) before it writes a problem.
            var link = $"<{context.Request.PathBase}{Successor(context, deprecation)}>; rel=\"successor-version\"";
            context.Response.OnStarting(() =>
            {
                Write(context.Response.Headers, deprecation, link);
                return Task.CompletedTask;
            });
        }
        return next(context);
    });

    private static void Write(IHeaderDictionary headers, ApiDeprecation deprecation, string link)
    {
        headers["Deprecation"] = "@" + deprecation.Announced.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        headers["Sunset"] = deprecation.Sunset.UtcDateTime.ToString("R", CultureInfo.InvariantCulture);
        headers.Append("Link", link);
    }

    /// <summary>The successor's path with this request's route values in place of its parameters.</summary>
    private static string Successor(HttpContext context, ApiDeprecation deprecation) =>
        Parameter().Replace(deprecation.Successor, m =>
            context.Request.RouteValues.TryGetValue(m.Groups[1].Value, out var value) && value is not null
                ? Uri.EscapeDataString(Convert.ToString(value, CultureInfo.InvariantCulture)!)
                : m.Value);

    [GeneratedRegex(@"\{(\w+)\}")]
    private static partial Regex Parameter();

    /// <summary>Marks each old route deprecated in the document and names its successor and sunset.</summary>
    public sealed class Transformer : IOpenApiDocumentTransformer
    {
        public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
        {
            foreach (var (path, item) in document.Paths)
            {
                foreach (var (method, operation) in item.Operations ?? [])
                {
                    if (ApiAuthorization.Find(method.Method, path)?.Deprecation is not { } deprecation)
                    {
                        continue;
                    }
                    operation.Deprecated = true;
                    var notice = $"**Deprecated** since {deprecation.Announced:yyyy-MM-dd}: renamed to `{method.Method} {deprecation.Successor}`, "
                        + $"which answers the same. This path answers until {deprecation.Sunset:yyyy-MM-dd}, every answer with "
                        + "`Deprecation`, `Sunset` and `Link: <…>; rel=\"successor-version\"` headers.";
                    operation.Description = string.IsNullOrEmpty(operation.Description) ? notice : $"{notice}\n\n{operation.Description}";
                }
            }
            return Task.CompletedTask;
        }
    }
}
