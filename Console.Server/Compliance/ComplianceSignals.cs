using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Compliance.Checks;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Detection;
using SecurityConsole.Server.Keys;
using SecurityConsole.Server.Users;

namespace SecurityConsole.Server.Compliance;

/// <summary>The in-process notification: which inputs changed in a committed transaction. No polling loop.</summary>
public sealed class ComplianceSignals
{
    private readonly Channel<IReadOnlySet<string>> _changed = Channel.CreateUnbounded<IReadOnlySet<string>>();

    public ChannelReader<IReadOnlySet<string>> Reader => _changed.Reader;

    public void Changed(IReadOnlySet<string> inputs)
    {
        if (inputs.Count > 0)
        {
            _changed.Writer.TryWrite(inputs);
        }
    }
}

/// <summary>
/// Sees, at SaveChanges, which of the inputs checks read a save touches (by entity type, and by the audit entries that
/// every change writes), and signals them once the change is committed: at once for a save outside a transaction,
/// at the commit of the caller's transaction otherwise; a rollback signals nothing.
/// </summary>
public sealed class ComplianceChangeInterceptor(ComplianceSignals signals) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    private readonly ConditionalWeakTable<DbContext, HashSet<string>> _pending = [];

    /// <summary>Committed but held back by a <see cref="ChangeNoticeHold"/> until it ends.</summary>
    private readonly ConditionalWeakTable<DbContext, HashSet<string>> _held = [];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken ct = default)
    {
        Collect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        FlushIfCommitted(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken ct = default)
    {
        FlushIfCommitted(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public void TransactionCommitted(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData) => Flush(eventData.Context);

    public Task TransactionCommittedAsync(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData, CancellationToken ct = default)
    {
        Flush(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData) => Discard(eventData.Context);

    public Task TransactionRolledBackAsync(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData, CancellationToken ct = default)
    {
        Discard(eventData.Context);
        return Task.CompletedTask;
    }

    private void Collect(DbContext? context)
    {
        if (context is null)
        {
            return;
        }
        var inputs = _pending.GetOrCreateValue(context);
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted && InputOf(entry.Entity) is { } input)
            {
                lock (inputs)
                {
                    inputs.Add(input);
                }
            }
        }
    }

    /// <summary>What a changed entity is an input of. Compliance's own results are not: they would re-run themselves.</summary>
    internal static string? InputOf(object entity) => entity switch
    {
        ConsoleUser or IdentityUserRole<string> => CheckInputs.Users,
        ApiKey or KeyRequest => CheckInputs.Keys,
        ConsoleSetting s => s.Name switch
        {
            KeyPolicyStore.SettingName => CheckInputs.Keys,
            ComplianceSettings.SettingName => CheckInputs.Compliance,
            _ => null,
        },
        AuditRetentionSetting or AuditLegalHold or AuditSubjectKey => CheckInputs.Retention,
        AuditCheckpoint => CheckInputs.Audit,
        AuditEntry e => e.Category == AuditCategories.Audit ? CheckInputs.Audit : null,
        Alert or DetectionRule => CheckInputs.Alerts,
        Attestation or ControlException or AccessReview => CheckInputs.Compliance,
        _ => null,
    };

    private void FlushIfCommitted(DbContext? context)
    {
        if (context is not null && context.Database.CurrentTransaction is null)
        {
            Flush(context);
        }
    }

    private void Flush(DbContext? context)
    {
        if (context is null || !_pending.TryGetValue(context, out var inputs))
        {
            return;
        }
        _pending.Remove(context);
        HashSet<string> committed;
        lock (inputs)
        {
            committed = [.. inputs];
        }
        // A bulk job holding its notices (ChangeNoticeHold, ADR 0165): what its batches committed is told once, at its end.
        var held = _held.GetOrCreateValue(context);
        lock (held)
        {
            if (ChangeNoticeHold.Defer(context, held, () => Release(context)))
            {
                held.UnionWith(committed);
                return;
            }
        }
        signals.Changed(committed);
    }

    private void Release(DbContext context)
    {
        if (_held.TryGetValue(context, out var held))
        {
            _held.Remove(context);
            lock (held)
            {
                signals.Changed(held.ToHashSet());
            }
        }
    }

    private void Discard(DbContext? context)
    {
        if (context is not null)
        {
            _pending.Remove(context);
        }
    }
}
