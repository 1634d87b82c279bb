using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Shared.Reports;

public static class TemplateLimits
{
    /// <summary>The largest template source accepted, in characters.</summary>
    public const int MaxSourceLength = 64 * 1024;
}

public static class TemplateVersionStates
{
    public const string Draft = "draft";
    public const string Published = "published";
}

public sealed record CreateTemplateRequest(string Name, string Type, string Source, string? Note) : IValidatable
{
    public void Validate(Validator v)
    {
        v.Required("name", Name, 120);
        v.OneOf("type", Type, ReportTypes.All.Select(t => t.Id));
        SaveDraftRequest.CheckSource(v, Source);
        v.Optional("note", Note, 500, TextKind.MultiLine);
    }
}

/// <summary>Replaces the draft's source (a new draft version when the latest is published).</summary>
public sealed record SaveDraftRequest(string Source, string? Note) : IValidatable
{
    public void Validate(Validator v)
    {
        CheckSource(v, Source);
        v.Optional("note", Note, 500, TextKind.MultiLine);
    }

    internal static void CheckSource(Validator v, string? source)
    {
        if (string.IsNullOrWhiteSpace(source))
        {
            v.Add("source", "This field is required.");
        }
        else if (source.Length > TemplateLimits.MaxSourceLength)
        {
            v.Add("source", $"Must be at most {TemplateLimits.MaxSourceLength} characters.");
        }
    }
}

/// <summary>Publish a version: the draft, or an older version again (a roll-back). The reason is audited.</summary>
public sealed record PublishTemplateRequest(int Version, string Reason) : IValidatable
{
    public void Validate(Validator v)
    {
        if (Version < 1)
        {
            v.Add("version", "Must be 1 or more.");
        }
        v.Required("reason", Reason, 500, TextKind.MultiLine);
    }
}

public sealed record ValidateTemplateRequest(string Type, string Source) : IValidatable
{
    public void Validate(Validator v)
    {
        v.OneOf("type", Type, ReportTypes.All.Select(t => t.Id));
        SaveDraftRequest.CheckSource(v, Source);
    }
}

/// <summary>Renders a source against live data without saving it (the editor's preview); HTML only.</summary>
public sealed record PreviewTemplateRequest(string Type, string Source, IReadOnlyDictionary<string, string>? Parameters) : IValidatable
{
    public void Validate(Validator v)
    {
        v.OneOf("type", Type, ReportTypes.All.Select(t => t.Id));
        SaveDraftRequest.CheckSource(v, Source);
    }
}

public sealed record TemplateProblem(string Message, int? Line, int? Column);

public sealed record TemplateValidation(bool Valid, IReadOnlyList<TemplateProblem> Problems);

public sealed record TemplateView(
    Guid Id, string Name, string Type, int? PublishedVersion, int LatestVersion, string CreatedBy, DateTimeOffset UpdatedAt,
    IReadOnlyList<TemplateVersionView> Versions);

public sealed record TemplateVersionView(int Version, string State, string Sha256, DateTimeOffset SavedAt, string SavedBy, string? Note,
    DateTimeOffset? PublishedAt, string? PublishedBy, string? Source);

public sealed record TemplateDiffLine(string Kind, int? OldLine, int? NewLine, string Text);

public sealed record TemplateDiff(int From, int To, int Added, int Removed, IReadOnlyList<TemplateDiffLine> Lines);
