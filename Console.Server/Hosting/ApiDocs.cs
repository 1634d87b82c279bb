using Scalar.AspNetCore;

namespace SecurityConsole.Server.Hosting;

public static class ApiDocs
{
    public static IServiceCollection AddConsoleApiDocs(this IServiceCollection services) =>
        services.AddOpenApi("v1", o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "Security Console API";
            doc.Info.Description = "The REST API the console's own UI uses. People authenticate with the sign-in cookie; " +
                "services with `Authorization: Bearer <api key>`. Errors are RFC 7807 problem details.";
            return Task.CompletedTask;
        }));

    /// <summary>The OpenAPI document and its reference page describe the API; neither reveals data, so both are public.</summary>
    public static void MapConsoleApiDocs(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapScalarApiReference("/api-docs", o => o
                .WithTitle("Security Console API")
                .WithOpenApiRoutePattern("/openapi/{documentName}.json"))
            .AllowAnonymous();
    }
}
