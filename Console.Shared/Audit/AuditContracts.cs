using System.Text.Json;

namespace SecurityConsole.Shared.Audit;

/// <summary>
/// One audit entry as the API shows it. Personal data sits apart from <see cref="Data"/>: masked
/// unless the caller asked to reveal it (needs pii:read; the reveal is itself audited), or
/// "[erased]" once the data subject's key has been destroyed. <see cref="ActorName"/> and <see cref="TargetName"/> say who
/// and what as a reader knows them (a person's e-mail, a key's prefix, name and service); a person's is masked, with a
/// stable pseudonymous tag, for a caller without pii:read.
/// </summary>
public sealed record AuditEntryView(
    long Sequence,
    DateTimeOffset Time,
    string Category,
    string Action,
    string ActorType,
    string ActorId,
    string? TargetType,
    string? TargetId,
    string Outcome,
    string? SourceIp,
    string? CorrelationId,
    JsonElement? Data,
    IReadOnlyDictionary<string, string>? Personal,
    PersonalDataState PersonalState,
    string? Subject,
    string Hash,
    string PrevHash,
    string? ActorName = null,
    string? TargetName = null);

public enum PersonalDataState
{
    None,
    Masked,
    Revealed,
    Erased,
}

/// <summary>A page of entries, newest first. Pass <see cref="NextBefore"/> as <c>before</c> for older entries.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEntryView> Items, long? NextBefore, long? NextAfter);

/// <summary>Which part of the chain to verify; both ends optional, so a UI can verify in chunks.</summary>
public sealed record VerifyRequest(long? FromSequence = null, long? ToSequence = null) : Validation.IValidatable
{
    public void Validate(Validation.Validator v)
    {
        if (FromSequence is < 1)
        {
            v.Add("fromSequence", "Must be 1 or more.");
        }
        if (ToSequence is < 1)
        {
            v.Add("toSequence", "Must be 1 or more.");
        }
        if (FromSequence is { } f && ToSequence is { } t && t < f)
        {
            v.Add("toSequence", "Must not be smaller than fromSequence.");
        }
    }
}

public enum ChainProblem
{
    /// <summary>The entry's content no longer matches its hash, or it was rewritten.</summary>
    Altered,

    /// <summary>The entry is missing (a sequence gap, or the head is behind the recorded head).</summary>
    Removed,

    /// <summary>The entry was not appended by the console (extra, duplicated, or spliced in).</summary>
    Inserted,

    /// <summary>The entry sits in the wrong place of the chain.</summary>
    Reordered,
}

/// <summary>
/// The answer of a verification of [<see cref="FromSequence"/>, <see cref="ToSequence"/>]:
/// intact, or the first broken entry and why. <see cref="FirstSequence"/> and <see cref="HeadSequence"/>
/// describe the whole trail so that a UI can show progress while it verifies chunk by chunk.
/// </summary>
public sealed record VerifyResult(
    bool Intact,
    long FromSequence,
    long ToSequence,
    long Checked,
    long? BrokenSequence,
    ChainProblem? Problem,
    string? Detail,
    long FirstSequence,
    long HeadSequence,
    long? AnchorCheckpoint);

/// <summary>
/// A signed checkpoint. <see cref="SignedPayload"/> is the exact UTF-8 text that was signed
/// (ECDSA P-256, SHA-256, DER signature in <see cref="Signature"/>, base64), so that anyone
/// holding the public key can verify it with standard tools.
/// </summary>
public sealed record CheckpointView(long Sequence, string Hash, DateTimeOffset Time, string KeyId, string Signature, string SignedPayload);

public sealed record ChainStatus(
    long FirstSequence,
    long HeadSequence,
    string HeadHash,
    long PurgedThrough,
    CheckpointView? LatestCheckpoint,
    LegalHoldView? LegalHold);

public sealed record LegalHoldView(Guid Id, string Reason, string PlacedBy, DateTimeOffset PlacedAt);

public sealed record LegalHoldRequest(string Reason) : Validation.IValidatable
{
    public void Validate(Validation.Validator v) => v.Required("reason", Reason, 500);
}

/// <summary>Erases a data subject's personal data from the whole trail: a user (by id) or an email address.</summary>
public sealed record ErasureRequest(string? UserId, string? Email, string Reason) : Validation.IValidatable
{
    public void Validate(Validation.Validator v)
    {
        if (string.IsNullOrWhiteSpace(UserId) && string.IsNullOrWhiteSpace(Email))
        {
            v.Add("userId", "Give the user id or the email address of the data subject.");
        }
        if (!string.IsNullOrWhiteSpace(Email))
        {
            v.Email("email", Email);
        }
        v.Optional("userId", UserId, 450);
        v.Required("reason", Reason, 500);
    }
}

public sealed record ErasureResult(int SubjectKeysDestroyed, long EntriesAffected);
