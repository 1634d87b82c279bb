using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using SecurityConsole.Shared.Hosting;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Hosting.ApiContract;

/// <summary>
/// Who may call each operation, written from the authorization table (<see cref="ApiAuthorization"/>) that the
/// endpoints are authorized by, so the document cannot say something else: the schemes it accepts (an API key as a
/// Bearer token, a person's session cookie), the permissions it needs (<c>x-permissions</c>), and the refusals that
/// follow (401, 403, and 429 for a key over its rate limit).
/// </summary>
public sealed class SecurityTransformer : IOpenApiDocumentTransformer
{
    public const string ApiKeyScheme = "apiKey";
    public const string SessionScheme = "session";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "Security Console API key (sc_…)",
            Description = "An API key, sent as `Authorization: Bearer <key>`. What it may do is its scopes (`x-permissions`).",
        };
        document.Components.SecuritySchemes[SessionScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Cookie,
            Name = "console.auth",
            Description = $"A person's sign-in session (the console's own pages). Calls that change state also send `{ApiConventions.CsrfHeader}: {ApiConventions.CsrfHeaderValue}`.",
        };
        Problems.AddComponents(document);

        foreach (var (path, item) in document.Paths)
        {
            foreach (var (method, operation) in item.Operations ?? [])
            {
                var entry = ApiAuthorization.Find(method.Method, path)
                    ?? throw new InvalidOperationException($"{method} {path} is in the OpenAPI document but not in the authorization table.");
                Describe(document, operation, entry);
            }
        }
        return Task.CompletedTask;
    }

    private static void Describe(OpenApiDocument document, OpenApiOperation operation, ApiOperation entry)
    {
        var access = entry.Access;
        var apiKey = new OpenApiSecuritySchemeReference(ApiKeyScheme, document);
        var session = new OpenApiSecuritySchemeReference(SessionScheme, document);
        operation.Security = access.Public
            // An empty requirement: no credentials needed (a credential sent is still checked).
            ? [new OpenApiSecurityRequirement()]
            : access.Callers == CallerKinds.Person
                ? [new OpenApiSecurityRequirement { [session] = [] }]
                : [new OpenApiSecurityRequirement { [apiKey] = [] }, new OpenApiSecurityRequirement { [session] = [] }];
        operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
        // Every inner list must be met, each by any one of its permissions; [] means any signed-in caller.
        operation.Extensions["x-permissions"] = new JsonNodeExtension(
            new JsonArray([.. access.Requires.Select(anyOf => (JsonNode)new JsonArray([.. anyOf.Select(p => (JsonNode)JsonValue.Create(p))]))]));
        var who = $"**Who may call:** {access.Describe()}.";
        operation.Description = string.IsNullOrEmpty(operation.Description) ? who : $"{operation.Description}\n\n{who}";

        if (access.Public)
        {
            return;
        }
        operation.Responses ??= new OpenApiResponses();
        Problems.Add(document, operation, Problems.Unauthorized);
        // A permission missing, a key calling a people-only operation, or a session write without the CSRF header.
        if (access.Requires.Count > 0 || access.Callers == CallerKinds.Person || entry.Method != "GET")
        {
            Problems.Add(document, operation, Problems.Forbidden);
        }
        if ((access.Callers & CallerKinds.Key) != 0)
        {
            Problems.Add(document, operation, Problems.TooManyRequests);
        }
    }
}
