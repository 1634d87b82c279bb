namespace SecurityConsole.Shared.Security;

/// <summary>Which kinds of authenticated caller an operation accepts.</summary>
[Flags]
public enum CallerKinds
{
    /// <summary>A person signed in with the browser session (cookie).</summary>
    Person = 1,

    /// <summary>A machine calling with <c>Authorization: Bearer &lt;api key&gt;</c>.</summary>
    Key = 2,

    Any = Person | Key,
}

/// <summary>
/// Who may call one operation: anyone (<see cref="Public"/>), or an authenticated caller of an accepted kind who
/// holds, for every entry of <see cref="Requires"/>, at least one of its permissions.
/// </summary>
public sealed record ApiAccess(bool Public, IReadOnlyList<IReadOnlyList<string>> Requires, CallerKinds Callers)
{
    public static ApiAccess Anyone { get; } = new(true, [], CallerKinds.Any);

    /// <summary>Any signed-in person or key, no particular permission.</summary>
    public static ApiAccess SignedIn { get; } = new(false, [], CallerKinds.Any);

    public static ApiAccess Needs(string permission) => new(false, [[permission]], CallerKinds.Any);

    /// <summary>Met by any one of these permissions.</summary>
    public static ApiAccess NeedsAnyOf(params string[] permissions) => new(false, [permissions], CallerKinds.Any);

    /// <summary>This permission as well.</summary>
    public ApiAccess And(string permission) => this with { Requires = [.. Requires, [permission]] };

    /// <summary>Only people signed in with the browser session: refused to every API key, whatever its scopes.</summary>
    public ApiAccess PeopleOnly() => this with { Callers = CallerKinds.Person };

    /// <summary>Whether an authenticated caller of this kind with these permissions passes.</summary>
    public bool Allows(CallerKinds kind, IReadOnlySet<string> permissions) =>
        Public || ((Callers & kind) != 0 && Requires.All(anyOf => anyOf.Any(permissions.Contains)));

    /// <summary>"`alerts:read` and `alerts:triage`", "`keys:read`, `keys:write` or `keys:request`", "signed in", "anyone".</summary>
    public string Describe()
    {
        if (Public)
        {
            return "anyone";
        }
        var needs = Requires.Count == 0
            ? "signed in"
            : string.Join(" and ", Requires.Select(anyOf => JoinOr(anyOf.Select(p => $"`{p}`").ToList())));
        return Callers == CallerKinds.Person ? $"{needs}, people only" : needs;
    }

    private static string JoinOr(IReadOnlyList<string> items) =>
        items.Count == 1 ? items[0] : $"{string.Join(", ", items.Take(items.Count - 1))} or {items[^1]}";
}

/// <summary>One operation of the REST API: method and route template as the OpenAPI document names them.</summary>
public sealed record ApiOperation(string Method, string Route, ApiAccess Access)
{
    /// <summary>Set on an old route kept answering after a rename (docs/api.md, "Versioning and deprecation").</summary>
    public ApiDeprecation? Deprecation { get; init; }

    public override string ToString() => $"{Method} {Route}";
}

/// <summary>
/// A route kept answering under its old path: from <see cref="Announced"/> every answer carries <c>Deprecation</c>
/// (RFC 9745), <c>Sunset</c> (RFC 8594, when it stops answering) and a <c>Link</c> to <see cref="Successor"/>.
/// </summary>
public sealed record ApiDeprecation(string Successor, DateTimeOffset Announced, DateTimeOffset Sunset);
