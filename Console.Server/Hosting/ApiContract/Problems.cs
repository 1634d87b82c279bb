using Microsoft.OpenApi;

namespace SecurityConsole.Server.Hosting.ApiContract;

/// <summary>The error answers every operation may give, as RFC 7807 problem details, defined once under components.</summary>
public static class Problems
{
    public const string MediaType = "application/problem+json";
    public const string Schema = "ProblemDetails";

    public sealed record Answer(string Status, string Name, string Description, string? Header = null, string? HeaderDescription = null);

    public static readonly Answer BadRequest = new("400", "BadRequest",
        "The request is invalid: `errors` names each field (body) or parameter (query, path) and what is wrong with it.");
    public static readonly Answer Unauthorized = new("401", "Unauthorized",
        "No credentials, or they were refused (an unknown, revoked, expired or disabled key; an ended session).",
        "WWW-Authenticate", "`Bearer`, with `error=\"invalid_token\"` when a key was sent and refused.");
    public static readonly Answer Forbidden = new("403", "Forbidden",
        "The caller lacks a permission in `x-permissions`, is a key calling an operation for people only, or is a session changing state without the CSRF header.");
    public static readonly Answer NotFound = new("404", "NotFound",
        "Nothing with that id, or nothing the caller may see (the two are not told apart).");
    public static readonly Answer Conflict = new("409", "Conflict",
        "The object is not in a state that allows this (already revoked, already decided, a newer version exists).");
    public static readonly Answer TooManyRequests = new("429", "TooManyRequests",
        "The API key is over its rate limit; wait as long as `Retry-After` says.",
        "Retry-After", "Seconds to wait before the next request with this key.");

    public static void AddComponents(OpenApiDocument document)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas.TryAdd(Schema, new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "An RFC 7807 problem: what went wrong, in words a person can act on.",
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A URI naming the kind of problem." },
                ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A short summary of the problem." },
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "The HTTP status code." },
                ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What happened this time." },
                ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The request path." },
                ["errors"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Description = "For invalid input: each field or parameter name, with its messages.",
                    AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
                },
            },
        });
        document.Components.Responses ??= new Dictionary<string, IOpenApiResponse>();
        foreach (var answer in new[] { BadRequest, Unauthorized, Forbidden, NotFound, Conflict, TooManyRequests })
        {
            var response = new OpenApiResponse
            {
                Description = answer.Description,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    [MediaType] = new() { Schema = new OpenApiSchemaReference(Schema, document) },
                },
            };
            if (answer.Header is { } header)
            {
                response.Headers = new Dictionary<string, IOpenApiHeader>
                {
                    [header] = new OpenApiHeader { Description = answer.HeaderDescription, Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
                };
            }
            document.Components.Responses[answer.Name] = response;
        }
    }

    /// <summary>Lists this answer on the operation; one the endpoint declared itself (a typed validation problem) stays.</summary>
    public static void Add(OpenApiDocument document, OpenApiOperation operation, Answer answer)
    {
        operation.Responses ??= new OpenApiResponses();
        if (operation.Responses.TryGetValue(answer.Status, out var declared) && declared.Content is { Count: > 0 })
        {
            return;
        }
        operation.Responses[answer.Status] = new OpenApiResponseReference(answer.Name, document);
    }
}
