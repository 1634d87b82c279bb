using System.Linq.Expressions;
using Microsoft.AspNetCore.Mvc;
using SecurityConsole.Shared.Keys;

namespace SecurityConsole.Server.Keys;

/// <summary>A key with its owner's address, as the list reads it (a class, not a record, so that EF can filter and sort on it).</summary>
internal sealed class KeyRow
{
    public required ApiKey Key { get; init; }
    public string? Email { get; init; }
}

/// <summary>
/// The list's filters and orders as query conditions, so that the database filters, counts and pages. Status and "overdue"
/// depend on the time: each is the same rule as <see cref="ApiKey.StatusAt"/> and <see cref="KeyRotationPolicy.IsOverdue"/>,
/// written as a condition on the columns with <c>now</c> as a parameter.
/// </summary>
internal static class KeyList
{
    public static IQueryable<ApiKey> Filter(IQueryable<ApiKey> keys, KeyListQuery q, KeyPolicy policy, DateTimeOffset now)
    {
        if (q.Owner is { } owner)
        {
            keys = keys.Where(k => k.OwnerUserId == owner);
        }
        if (q.Environment is { } environment)
        {
            keys = keys.Where(k => k.Environment == environment);
        }
        if (q.Status is { } status)
        {
            keys = keys.Where(StatusIs(status, now));
        }
        if (q.Overdue)
        {
            keys = keys.Where(k => k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > now)).Where(OlderThanMaxAge(policy, now));
        }
        return keys;
    }

    public static IQueryable<KeyRow> Search(IQueryable<KeyRow> rows, string? search)
    {
        if (search is null)
        {
            return rows;
        }
        var term = search.ToLowerInvariant();
        return rows.Where(r => (r.Email != null && r.Email.ToLower().Contains(term)) || (r.Key.Service != null && r.Key.Service.ToLower().Contains(term)));
    }

    /// <summary>The requested order, keys without the sorted time last either way, then the id so that equal values never straddle pages unstably.</summary>
    public static IQueryable<KeyRow> Order(IQueryable<KeyRow> rows, KeyListQuery q)
    {
        IOrderedQueryable<KeyRow> ordered = q.Sort switch
        {
            KeySorts.LastUsed => Then(rows.OrderBy(r => r.Key.LastUsedAt == null), r => r.Key.LastUsedAt, q.Descending),
            KeySorts.Expires => Then(rows.OrderBy(r => r.Key.ExpiresAt == null), r => r.Key.ExpiresAt, q.Descending),
            KeySorts.Name => q.Descending ? rows.OrderByDescending(r => r.Key.Service ?? r.Key.Name) : rows.OrderBy(r => r.Key.Service ?? r.Key.Name),
            _ => q.Descending ? rows.OrderByDescending(r => r.Key.CreatedAt) : rows.OrderBy(r => r.Key.CreatedAt),
        };
        return q.Descending ? ordered.ThenByDescending(r => r.Key.Id) : ordered.ThenBy(r => r.Key.Id);
    }

    private static IOrderedQueryable<KeyRow> Then<T>(IOrderedQueryable<KeyRow> rows, Expression<Func<KeyRow, T>> key, bool descending) =>
        descending ? rows.ThenByDescending(key) : rows.ThenBy(key);

    /// <summary>The keys in one status at <paramref name="now"/>, as the database filters them (the list's status filter; the dashboard's counts).</summary>
    internal static Expression<Func<ApiKey, bool>> StatusIs(string status, DateTimeOffset now)
    {
        var soon = now + ApiKey.ExpiringWithin;
        return status switch
        {
            KeyStatuses.Revoked => k => k.RevokedAt != null,
            KeyStatuses.Expired => k => k.RevokedAt == null && k.ExpiresAt != null && k.ExpiresAt <= now,
            KeyStatuses.Disabled => k => k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > now) && k.DisabledAt != null,
            KeyStatuses.PendingRotation => k => k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > now) && k.DisabledAt == null
                && k.SuccessorId != null,
            KeyStatuses.Expiring => k => k.RevokedAt == null && k.ExpiresAt != null && k.ExpiresAt > now && k.ExpiresAt <= soon
                && k.DisabledAt == null && k.SuccessorId == null,
            KeyStatuses.Active => k => k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > soon) && k.DisabledAt == null
                && k.SuccessorId == null,
            _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Validated before it gets here."),
        };
    }

    /// <summary>Created before its own environment's maximum age: one OR branch per environment that has a maximum.</summary>
    private static Expression<Func<ApiKey, bool>> OlderThanMaxAge(KeyPolicy policy, DateTimeOffset now)
    {
        var k = Expression.Parameter(typeof(ApiKey), "k");
        Expression any = Expression.Constant(false);
        foreach (var environment in KeyEnvironments.All)
        {
            if (KeyRotationPolicy.MaxAge(policy, environment) is { } max)
            {
                var bornBefore = now - max;
                Expression<Func<ApiKey, bool>> one = x => x.Environment == environment && x.CreatedAt < bornBefore;
                any = Expression.OrElse(any, new Rebind(one.Parameters[0], k).Visit(one.Body));
            }
        }
        return Expression.Lambda<Func<ApiKey, bool>>(any, k);
    }

    private sealed class Rebind(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }
}

/// <summary>
/// The list's query string, bound as plain text so that OpenAPI documents every parameter and
/// <see cref="KeyListQuery.Parse"/> can name the one at fault (binding typed values would fail with a generic 400).
/// </summary>
/// <remarks>A class with init properties, not a positional record: the request delegate generator cannot bind
/// a record whose constructor takes nullable strings (dotnet/aspnetcore#58953).</remarks>
public sealed class KeyListParameters
{
    /// <summary>active, expiring, pending_rotation, disabled, revoked or expired (as of now).</summary>
    [FromQuery(Name = "status")] public string? Status { get; init; }

    /// <summary>production, staging or development.</summary>
    [FromQuery(Name = "environment")] public string? Environment { get; init; }

    /// <summary>The owner's user id, exactly.</summary>
    [FromQuery(Name = "owner")] public string? Owner { get; init; }

    /// <summary>Part of the owner's email address or of the service name, any case.</summary>
    [FromQuery(Name = "search")] public string? Search { get; init; }

    /// <summary>true: only live keys older than their environment's maximum age.</summary>
    [FromQuery(Name = "overdue")] public string? Overdue { get; init; }

    /// <summary>created (default), lastUsed, name or expires.</summary>
    [FromQuery(Name = "sort")] public string? Sort { get; init; }

    /// <summary>asc or desc (default: desc for times, asc for name).</summary>
    [FromQuery(Name = "order")] public string? Order { get; init; }

    /// <summary>Page number, from 1 (default 1).</summary>
    [FromQuery(Name = "page")] public string? Page { get; init; }

    /// <summary>Keys per page, 1 to 100 (default 25).</summary>
    [FromQuery(Name = "pageSize")] public string? PageSize { get; init; }

    public string? Get(string name) => name switch
    {
        "status" => Status,
        "environment" => Environment,
        "owner" => Owner,
        "search" => Search,
        "overdue" => Overdue,
        "sort" => Sort,
        "order" => Order,
        "page" => Page,
        "pageSize" => PageSize,
        _ => null,
    };
}
