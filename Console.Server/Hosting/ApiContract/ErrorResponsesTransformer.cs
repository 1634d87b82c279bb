using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace SecurityConsole.Server.Hosting.ApiContract;

/// <summary>
/// The problem details an operation can answer because of its shape: 400 for anything that takes input, 404 for an
/// object named in the path, 409 for a change to such an object. The endpoints return these through the shared
/// problem helpers (Common/Problems); listing them here keeps every endpoint from having to say so.
/// </summary>
public sealed class ErrorResponsesTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        Problems.AddComponents(document);
        foreach (var (_, item) in document.Paths)
        {
            foreach (var (method, operation) in item.Operations ?? [])
            {
                var parameters = operation.Parameters ?? [];
                var inPath = parameters.Any(p => p.In == ParameterLocation.Path);
                if (parameters.Count > 0 || operation.RequestBody is not null)
                {
                    Problems.Add(document, operation, Problems.BadRequest);
                }
                if (inPath)
                {
                    Problems.Add(document, operation, Problems.NotFound);
                }
                if (inPath && method != HttpMethod.Get)
                {
                    Problems.Add(document, operation, Problems.Conflict);
                }
                operation.Responses ??= new OpenApiResponses();
                if (!operation.Responses.Keys.Any(status => status.StartsWith('2')))
                {
                    // A download (a file result): the framework cannot tell its type, the Content-Type header does.
                    operation.Responses["200"] = new OpenApiResponse
                    {
                        Description = "The file, as a download; `Content-Type` and `Content-Disposition` name its type and name.",
                        Content = new Dictionary<string, OpenApiMediaType>
                        {
                            ["application/octet-stream"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
                        },
                    };
                }
            }
        }
        return Task.CompletedTask;
    }
}
