using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Shared.Compliance;

/// <summary>A person's statement that a manual control holds, valid for <see cref="ValidDays"/>.</summary>
public sealed record AttestRequest(string Statement, int ValidDays) : IValidatable
{
    public const int MaxValidDays = 731;

    public void Validate(Validator v)
    {
        v.Required("statement", Statement, 2000, TextKind.MultiLine);
        v.Range("validDays", ValidDays, 1, MaxValidDays);
    }
}

public sealed record AttestationView(
    Guid Id, string Control, string Statement, string AttestedBy, DateTimeOffset AttestedAt, DateTimeOffset ValidUntil, long? Evidence,
    IReadOnlyList<EvidenceFileView>? Files = null);

/// <summary>An accepted deviation for a control: all of it (no resources) or the named resources, until it expires.</summary>
public sealed record ExceptionRequest(string Control, IReadOnlyList<string>? Resources, string Reason, DateTimeOffset ExpiresAt) : IValidatable
{
    public const int MaxResources = 200;

    public void Validate(Validator v)
    {
        v.Required("control", Control, 64);
        v.Required("reason", Reason, 1000, TextKind.MultiLine);
        if (Resources is { Count: > MaxResources })
        {
            v.Add("resources", $"At most {MaxResources} resources.");
        }
        for (var i = 0; i < (Resources?.Count ?? 0); i++)
        {
            v.Required($"resources[{i}]", Resources![i], 200);
            if (Resources[i]?.Contains(' ') == true || Resources[i] == "*")
            {
                v.Add($"resources[{i}]", "A resource id has no spaces; leave the list empty for the whole control.");
            }
        }
    }
}

public sealed record ExceptionView(
    Guid Id, string Control, IReadOnlyList<string> Resources, string Reason, string RequestedBy, DateTimeOffset RequestedAt,
    string? ApprovedBy, DateTimeOffset? ApprovedAt, DateTimeOffset ExpiresAt, string Status, IReadOnlyList<EvidenceFileView>? Files = null,
    string? RejectedBy = null, DateTimeOffset? RejectedAt = null, string? RejectionReason = null);

/// <summary>Turning down a requested exception, with the reason the requester reads.</summary>
public sealed record RejectExceptionRequest(string Reason) : IValidatable
{
    public void Validate(Validator v) => v.Required("reason", Reason, 1000, TextKind.MultiLine);
}

/// <summary>A control's attestations and exceptions, newest first, with their files.</summary>
public sealed record ControlRecords(string Control, IReadOnlyList<AttestationView> Attestations, IReadOnlyList<ExceptionView> Exceptions);
