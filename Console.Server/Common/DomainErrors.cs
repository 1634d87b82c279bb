using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Server.Common;

/// <summary>
/// What a service refuses, in the domain's words: the thing is not there, it is in a state that does not allow the act,
/// the caller may not do it, or the input is wrong. Services throw these instead of building HTTP answers, so that the
/// command line, jobs and the demo can call them too; <see cref="ProblemExceptionHandler"/> turns each into its problem
/// details in one place (<see cref="ProblemHandlingExtensions.ToResult"/>). Title and detail are what the caller reads.
/// </summary>
public abstract class DomainException(int status, string? title, string? detail) : Exception(detail ?? title ?? $"Refused with {status}.")
{
    public int Status { get; } = status;

    public string? Title { get; } = title;

    public string? Detail { get; } = detail;

    /// <summary>More members of the problem, e.g. the field a conflict is about.</summary>
    public IDictionary<string, object?>? Extensions { get; init; }
}

/// <summary>No such thing, or none the caller may see (404). Without a title, the plain "Not Found" answer.</summary>
public sealed class NotFoundException(string? title = null, string? detail = null) : DomainException(StatusCodes.Status404NotFound, title, detail);

/// <summary>The thing is in a state that does not allow the act, or someone else changed it first (409).</summary>
public sealed class ConflictException(string title, string detail) : DomainException(StatusCodes.Status409Conflict, title, detail);

/// <summary>The caller may reach the act but not do it to this thing, or not in this way (403).</summary>
public sealed class ForbiddenException(string title, string detail) : DomainException(StatusCodes.Status403Forbidden, title, detail);

/// <summary>It was there and is not any more, for good: a secret already picked up (410).</summary>
public sealed class GoneException(string title, string detail) : DomainException(StatusCodes.Status410Gone, title, detail);

/// <summary>The request cannot be carried out as asked, for a reason that is no single field's (400).</summary>
public sealed class RefusedException(string title, string detail) : DomainException(StatusCodes.Status400BadRequest, title, detail);

/// <summary>Fields at fault, each with what is wrong with it (400, a validation problem).</summary>
public sealed class InvalidException(IDictionary<string, string[]> errors, string title = InvalidException.FieldsTitle)
    : DomainException(StatusCodes.Status400BadRequest, title, null)
{
    public const string FieldsTitle = "Some fields need attention";

    public InvalidException(Validator v) : this(v.Errors)
    {
    }

    public IDictionary<string, string[]> Errors { get; } = errors;

    /// <summary>One field at fault.</summary>
    public static InvalidException Field(string field, string message) => new(new Validator().Add(field, message));

    public override string Message => string.Join(" ", Errors.SelectMany(e => e.Value));
}
