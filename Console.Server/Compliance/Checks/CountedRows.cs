using System.Collections;
using System.Linq.Expressions;
using SecurityConsole.Shared.Compliance;

namespace SecurityConsole.Server.Compliance.Checks;

/// <summary>
/// How many rows a check reads into memory: every failing row up to <see cref="Failing"/>, then up to <see cref="Others"/>
/// of the rest. An evaluation keeps only what the page shows (<see cref="ComplianceEvaluator.MaxFailingRows"/>,
/// <see cref="ComplianceEvaluator.MaxOtherRows"/>); a check run on its own (the tests) returns every row.
/// </summary>
public readonly record struct RowLimits(int Failing, int Others)
{
    public static readonly RowLimits Every = new(int.MaxValue, int.MaxValue);
}

/// <summary>
/// The rows a check kept, with the count of every row it found by status, kept or not: a check that counts and filters
/// in the database returns this, so that an evaluation knows the status and the counts without holding every row
/// (100,000 live keys, each read into memory by seven checks, were most of a full evaluation's memory; issue 12).
/// </summary>
public sealed class CountedRows(IReadOnlyList<CheckRow> kept, IReadOnlyDictionary<string, int> counts) : IReadOnlyList<CheckRow>
{
    /// <summary>Every row the check found, kept or not, by status.</summary>
    public IReadOnlyDictionary<string, int> Counts { get; } = counts;

    public CheckRow this[int index] => kept[index];

    public int Count => kept.Count;

    public IEnumerator<CheckRow> GetEnumerator() => kept.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>
/// Collects a check's rows class by class: each class is counted (in the database, for the checks that filter there) and
/// only as many of its rows are read as the <see cref="RowLimits"/> leave room for, failing rows first in their own budget.
/// </summary>
public sealed class RowCollector(RowLimits limits)
{
    private readonly List<CheckRow> _failing = [];
    private readonly List<CheckRow> _others = [];
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    public int Total => _counts.Values.Sum();

    /// <summary>
    /// A class of rows of one status: <paramref name="read"/> reads the first n of them, <paramref name="count"/> counts them
    /// all. The rows are read first, and counted only when they fill the room left: a small class (the failing keys of a
    /// locked owner) then costs one query, not two.
    /// </summary>
    public async Task AddAsync(string status, Func<Task<int>> count, Func<int, Task<IEnumerable<CheckRow>>> read)
    {
        var (list, budget) = status == ComplianceStatuses.Fail ? (_failing, limits.Failing) : (_others, limits.Others);
        var room = budget - list.Count;
        int n;
        if (room > 0)
        {
            var rows = (await read(room)).Take(room).ToList();
            list.AddRange(rows);
            n = rows.Count < room ? rows.Count : Math.Max(rows.Count, await count());
        }
        else
        {
            n = await count();
        }
        if (n > 0)
        {
            _counts[status] = _counts.GetValueOrDefault(status) + n;
        }
    }

    /// <summary>One row read in memory.</summary>
    public void Add(CheckRow row)
    {
        _counts[row.Status] = _counts.GetValueOrDefault(row.Status) + 1;
        var (list, budget) = row.Status == ComplianceStatuses.Fail ? (_failing, limits.Failing) : (_others, limits.Others);
        if (list.Count < budget)
        {
            list.Add(row);
        }
    }

    public CountedRows Rows() => new([.. _failing, .. _others], _counts);
}

/// <summary>Combines filters that EF Core translates to SQL (both providers).</summary>
public static class Filters
{
    public static Expression<Func<T, bool>> And<T>(this Expression<Func<T, bool>> a, Expression<Func<T, bool>> b) => Combine(a, b, Expression.AndAlso);

    public static Expression<Func<T, bool>> Or<T>(this Expression<Func<T, bool>> a, Expression<Func<T, bool>> b) => Combine(a, b, Expression.OrElse);

    public static Expression<Func<T, bool>> Not<T>(this Expression<Func<T, bool>> a) => Expression.Lambda<Func<T, bool>>(Expression.Not(a.Body), a.Parameters);

    /// <summary>Any of these filters; none is false.</summary>
    public static Expression<Func<T, bool>> Any<T>(IEnumerable<Expression<Func<T, bool>>> filters) =>
        filters.Aggregate((Expression<Func<T, bool>>)(_ => false), (all, f) => all.Or(f));

    private static Expression<Func<T, bool>> Combine<T>(Expression<Func<T, bool>> a, Expression<Func<T, bool>> b, Func<Expression, Expression, BinaryExpression> op)
    {
        var p = a.Parameters[0];
        return Expression.Lambda<Func<T, bool>>(op(a.Body, new Rebind(b.Parameters[0], p).Visit(b.Body)), p);
    }

    private sealed class Rebind(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}
