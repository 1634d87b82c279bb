using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Server.Common;

/// <summary>
/// Turns every failure of an API call into RFC 7807 problem details: a malformed body names the
/// problem; a database that cannot be used now (down, frozen, locked, its file gone) is a 503 with Retry-After,
/// so that clients try again instead of reporting a bug; anything unexpected is a 500 that says nothing about the
/// internals (the trace id links it to the logs). What a service refuses (<see cref="DomainException"/>: not found, conflict,
/// forbidden, invalid) is answered here too, with the problem it names, and is not an error of the console's.
/// </summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (exception is DomainException refused)
        {
            await ProblemHandlingExtensions.ToResult(refused).ExecuteAsync(context);
            return true;
        }
        // A form posted without a valid anti-forgery token is the caller's fault whatever read the form first (the
        // generated handlers read it before checking the token, and throw InvalidOperationException): a 400, not a 500.
        var antiforgery = context.Features.Get<Microsoft.AspNetCore.Antiforgery.IAntiforgeryValidationFeature>();
        var (status, title, detail) = exception switch
        {
            _ when antiforgery is { IsValid: false } => (StatusCodes.Status400BadRequest, "The form could not be accepted",
                "The form's anti-forgery token is missing or invalid. Reload the page and try again."),
            BadHttpRequestException bad => (bad.StatusCode, "The request could not be read", Describe(bad)),
            OperationCanceledException when context.RequestAborted.IsCancellationRequested => (499, "Request cancelled", null),
            _ when DatabaseFaults.IsUnavailable(exception) => (StatusCodes.Status503ServiceUnavailable, "The database is unavailable",
                $"The console could not read or store what this request needs. Try again in {DatabaseFaults.RetryAfterSeconds} seconds."),
            _ => (StatusCodes.Status500InternalServerError, "Something went wrong on our side",
                "The error has been recorded. Quote the trace id when you report it."),
        };
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            // An outage, not a bug: one line per request, the cause's type and message (never a connection string).
            logger.LogWarning("Database unavailable on {Method} {Path}: {Cause}", context.Request.Method, context.Request.Path, Cause(exception));
            context.Response.Headers.RetryAfter = DatabaseFaults.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else if (status >= 500)
        {
            logger.LogError(exception, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
        }
        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    private static string Cause(Exception exception)
    {
        var root = exception;
        while (root.InnerException is not null && root is not (DatabaseUnavailableException or Npgsql.NpgsqlException or Microsoft.Data.Sqlite.SqliteException))
        {
            root = root.InnerException;
        }
        return $"{root.GetType().Name}: {root.Message.Split('\n')[0].Trim()}";
    }

    private static string Describe(BadHttpRequestException bad)
    {
        // System.Text.Json's message names the JSON path at fault ("Path: $.email"); keep it, drop internals.
        var json = bad.InnerException as System.Text.Json.JsonException;
        return json is not null
            ? $"The body is not valid JSON for this request at {json.Path ?? "$"}."
            : bad.Message;
    }
}

public static class ProblemHandlingExtensions
{
    public static IServiceCollection AddConsoleProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            ctx.ProblemDetails.Instance ??= ctx.HttpContext.Request.Path;
            var trace = ctx.HttpContext.Features.Get<IHttpActivityFeature>()?.Activity.TraceId.ToString()
                ?? ctx.HttpContext.TraceIdentifier;
            ctx.ProblemDetails.Extensions["traceId"] = trace;
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        // Minimal APIs answer an unreadable body with an empty 400 unless they throw; throwing lets
        // ProblemExceptionHandler say what was wrong with it.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }

    /// <summary>The 400 answer for a request that failed validation: every field at fault, with what is wrong with it.</summary>
    public static ValidationProblem Invalid(Validator v) => TypedResults.ValidationProblem(v.Errors, title: InvalidException.FieldsTitle);

    /// <summary>
    /// The one mapping of what services refuse to HTTP: fields at fault are a validation problem, the rest a problem with
    /// the refusal's status, title, detail and extensions (a bare not-found is the same "Not Found" problem an unknown
    /// route gets).
    /// </summary>
    public static IResult ToResult(DomainException refused) => refused switch
    {
        InvalidException invalid => TypedResults.ValidationProblem(invalid.Errors, title: invalid.Title),
        _ => TypedResults.Problem(detail: refused.Detail, statusCode: refused.Status, title: refused.Title, extensions: refused.Extensions),
    };

    /// <summary>The 400 answer for query parameters that failed validation, each named with what is wrong with it.</summary>
    public static ValidationProblem InvalidParameters(Validator v) =>
        TypedResults.ValidationProblem(v.Errors, title: "Some parameters need attention");

    /// <summary>Validates every <see cref="IValidatable"/> argument; answers 400 with the fields at fault.</summary>
    public static TBuilder WithValidation<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            foreach (var argument in context.Arguments)
            {
                if (argument is IValidatable validatable)
                {
                    var v = Validator.Run(validatable);
                    if (!v.IsValid)
                    {
                        return Invalid(v);
                    }
                }
            }
            return await next(context);
        });
}
