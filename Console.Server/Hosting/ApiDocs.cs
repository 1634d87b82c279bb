using Scalar.AspNetCore;
using SecurityConsole.Server.Hosting.ApiContract;

namespace SecurityConsole.Server.Hosting;

public static class ApiDocs
{
    /// <summary>
    /// The document clients generate from (docs/api.md, ADR 0050): transformers fill in what the endpoints do not say
    /// each (who may call, which errors, the tags' meaning) from the same sources the server enforces.
    /// </summary>
    public static IServiceCollection AddConsoleApiDocs(this IServiceCollection services) =>
        services.AddOpenApi("v1", o => o
            .AddDocumentTransformer<DocumentInfoTransformer>()
            .AddDocumentTransformer<SecurityTransformer>()
            .AddDocumentTransformer<ErrorResponsesTransformer>()
            .AddDocumentTransformer<Deprecations.Transformer>()
            .AddSchemaTransformer<SchemaRulesTransformer>());

    /// <summary>The way back to the console, above the reference (the page is the tool's, outside the console's layout).</summary>
    internal const string BackLink =
        "<nav style=\"padding: 8px 16px; font: 14px system-ui, sans-serif; border-bottom: 1px solid rgba(127,127,127,.3)\">" +
        "<a href=\"/\" data-testid=\"back-to-console\" style=\"color: inherit\">← Back to the Security Console</a></nav>";

    /// <summary>The OpenAPI document and its reference page describe the API; neither reveals data, so both are public.</summary>
    public static void MapConsoleApiDocs(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapScalarApiReference("/api-docs", o => o
                .WithTitle("Security Console API")
                .WithOpenApiRoutePattern("/openapi/{documentName}.json")
                // Everything the page loads comes from the console (its script is served from the package): no web
                // fonts from a CDN (the CSP refused them, 16 errors per load), no telemetry, no calls through a proxy.
                .DisableDefaultFonts()
                .DisableTelemetry()
                // The tool's own cloud features ("Ask AI", MCP, the developer toolbar with "Deploy") are not the console's.
                .DisableAgent()
                .DisableMcp()
                .HideDeveloperTools()
                .HideClientButton()
                .AddHeaderContent(BackLink))
            .AllowAnonymous();
    }
}
