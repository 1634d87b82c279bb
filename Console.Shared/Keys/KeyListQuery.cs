using System.Globalization;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Shared.Keys;

/// <summary>The orders GET /api/v1/keys can sort by; ties are broken by key id so that pages never overlap.</summary>
public static class KeySorts
{
    public const string Created = "created";
    public const string LastUsed = "lastUsed";

    /// <summary>The service name, or the key's name when it has no service (what the table shows).</summary>
    public const string Name = "name";
    public const string Expires = "expires";

    public static IReadOnlyList<string> All { get; } = [Created, LastUsed, Name, Expires];

    /// <summary>Names read A to Z by default; times newest first.</summary>
    public static bool DescendingByDefault(string sort) => sort != Name;
}

/// <summary>
/// Filters, sort and page for GET /api/v1/keys, as query-string parameters of the same names. Offset paging with a total:
/// keys number in thousands, and the table wants "page 3 of 40".
/// </summary>
/// <param name="Status">One of <see cref="KeyStatuses.All"/>, as of now.</param>
/// <param name="Environment">One of <see cref="KeyEnvironments.All"/>.</param>
/// <param name="Owner">The owner's user id, exactly.</param>
/// <param name="Search">Part of the owner's email address or of the service name, any case.</param>
/// <param name="Overdue">Only live keys older than their environment's maximum age.</param>
/// <param name="Sort">One of <see cref="KeySorts.All"/>.</param>
/// <param name="Descending">Order: <c>desc</c> or <c>asc</c> on the wire.</param>
/// <param name="Page">1-based.</param>
/// <param name="PageSize">1 to <see cref="MaxPageSize"/>.</param>
public sealed record KeyListQuery(
    string? Status = null,
    string? Environment = null,
    string? Owner = null,
    string? Search = null,
    bool Overdue = false,
    string Sort = KeySorts.Created,
    bool Descending = true,
    int Page = 1,
    int PageSize = KeyListQuery.DefaultPageSize)
{
    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 100;
    public const int MaxSearchLength = 200;

    /// <summary>Parses query-string values; every problem is reported under the parameter's name.</summary>
    public static KeyListQuery Parse(Func<string, string?> get, Validator v)
    {
        string? Text(string name) => get(name) is { Length: > 0 } s ? s : null;
        int Number(string name, int fallback, int min, int max)
        {
            if (Text(name) is not { } s)
            {
                return fallback;
            }
            if (int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
            {
                return n;
            }
            v.Add(name, $"Must be a whole number from {min} to {max}.");
            return fallback;
        }
        var status = Text("status");
        if (status is not null)
        {
            v.OneOf("status", status, KeyStatuses.All);
        }
        var environment = Text("environment");
        if (environment is not null)
        {
            v.OneOf("environment", environment, KeyEnvironments.All);
        }
        var owner = Text("owner");
        if (owner is { Length: > 450 })
        {
            v.Add("owner", "Must be at most 450 characters.");
        }
        else
        {
            // PostgreSQL refuses NUL in a query parameter (a 500, found by fuzz/corpus/query-readers); no filter needs one.
            v.Text("owner", owner);
        }
        var search = Text("search")?.Trim();
        if (search is { Length: > MaxSearchLength })
        {
            v.Add("search", $"Must be at most {MaxSearchLength} characters.");
        }
        else
        {
            v.Text("search", search);
        }
        var overdue = false;
        if (Text("overdue") is { } o && !bool.TryParse(o, out overdue))
        {
            v.Add("overdue", "Must be true or false.");
        }
        var sort = Text("sort") ?? KeySorts.Created;
        if (!KeySorts.All.Contains(sort, StringComparer.Ordinal))
        {
            v.Add("sort", $"Must be one of: {string.Join(", ", KeySorts.All)}.");
            sort = KeySorts.Created;
        }
        var descending = KeySorts.DescendingByDefault(sort);
        switch (Text("order"))
        {
            case null: break;
            case "asc": descending = false; break;
            case "desc": descending = true; break;
            default: v.Add("order", "Must be one of: asc, desc."); break;
        }
        return new KeyListQuery(status, environment, owner, string.IsNullOrEmpty(search) ? null : search, overdue, sort, descending,
            Number("page", 1, 1, 1_000_000), Number("pageSize", DefaultPageSize, 1, MaxPageSize));
    }

    /// <summary>The query string a client sends for this query; defaults are left out.</summary>
    public string ToQueryString()
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parts.Add($"{name}={Uri.EscapeDataString(value)}");
            }
        }
        Add("status", Status);
        Add("environment", Environment);
        Add("owner", Owner);
        Add("search", Search);
        Add("overdue", Overdue ? "true" : null);
        Add("sort", Sort == KeySorts.Created ? null : Sort);
        Add("order", Descending == KeySorts.DescendingByDefault(Sort) ? null : Descending ? "desc" : "asc");
        Add("page", Page == 1 ? null : Page.ToString(CultureInfo.InvariantCulture));
        Add("pageSize", PageSize == DefaultPageSize ? null : PageSize.ToString(CultureInfo.InvariantCulture));
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }
}

/// <summary>One page of keys and how many match in all (<see cref="Total"/>), for "page 3 of 40".</summary>
public sealed record KeyPage(IReadOnlyList<ApiKeySummary> Items, int Total, int Page, int PageSize);
