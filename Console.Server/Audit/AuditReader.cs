using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Data;
using SecurityConsole.Shared.Audit;

namespace SecurityConsole.Server.Audit;

/// <summary>Search, detail and export reads: filters, keyset paging, and personal data decrypted then masked or revealed.</summary>
public sealed class AuditReader(ConsoleDbContext db, AuditKeys keys, PersonalData personal, AuditNames names)
{
    /// <summary>A page of entries; people are named in clear when <paramref name="namesInClear"/> (the caller holds pii:read).</summary>
    public async Task<AuditPage> SearchAsync(AuditSearchQuery query, bool reveal, bool namesInClear, CancellationToken ct)
    {
        var q = await FilterAsync(query, ct);
        List<AuditEntry> rows;
        if (query.After is { } after)
        {
            rows = await q.Where(e => e.Sequence > after).OrderBy(e => e.Sequence).Take(query.Limit + 1).ToListAsync(ct);
            var newer = rows.Count > query.Limit;
            rows = [.. rows.Take(query.Limit).Reverse()];
            return new AuditPage(await ViewsAsync(rows, reveal, namesInClear, ct), rows.Count > 0 ? rows[^1].Sequence : null, newer ? rows[0].Sequence : null);
        }
        if (query.Before is { } before)
        {
            q = q.Where(e => e.Sequence < before);
        }
        rows = await q.OrderByDescending(e => e.Sequence).Take(query.Limit + 1).ToListAsync(ct);
        var older = rows.Count > query.Limit;
        rows = [.. rows.Take(query.Limit)];
        return new AuditPage(await ViewsAsync(rows, reveal, namesInClear, ct),
            older && rows.Count > 0 ? rows[^1].Sequence : null,
            query.Before is not null && rows.Count > 0 ? rows[0].Sequence : null);
    }

    public async Task<AuditEntryView?> GetAsync(long sequence, bool reveal, bool namesInClear, CancellationToken ct)
    {
        var row = await db.AuditEntries.AsNoTracking().FirstOrDefaultAsync(e => e.Sequence == sequence, ct);
        return row is null ? null : (await ViewsAsync([row], reveal, namesInClear, ct))[0];
    }

    /// <summary>Every matching entry, newest first, read in pages so that no long-running query holds the table.</summary>
    public async IAsyncEnumerable<AuditEntryView> ExportAsync(AuditSearchQuery query, bool reveal, [EnumeratorCancellation] CancellationToken ct)
    {
        var q = await FilterAsync(query, ct);
        long? before = query.Before;
        var keyCache = new Dictionary<Guid, byte[]?>();
        while (true)
        {
            var page = before is { } b ? q.Where(e => e.Sequence < b) : q;
            var rows = await page.OrderByDescending(e => e.Sequence).Take(1000).ToListAsync(ct);
            if (rows.Count == 0)
            {
                yield break;
            }
            foreach (var view in await ViewsAsync(rows, reveal, reveal, ct, keyCache))
            {
                yield return view;
            }
            before = rows[^1].Sequence;
        }
    }

    /// <summary>
    /// Every matching entry, newest first, as an export's rows (a report's audit extract, ADR 0185): the fields a row shows,
    /// personal data decrypted then masked or revealed, and nothing else (no names, hashes or event data). Read in pages of
    /// <see cref="ExportPageSize"/> with only those columns, one AES-GCM instance per subject key rather than per entry; a
    /// million entries stream at well over 100,000 rows a second (bench/RESULTS.md, "Reports CSV end to end").
    /// </summary>
    public async IAsyncEnumerable<AuditExportRow> ExportRowsAsync(AuditSearchQuery query, bool reveal, [EnumeratorCancellation] CancellationToken ct)
    {
        var q = await FilterAsync(query, ct);
        long? before = query.Before;
        var ciphers = new Dictionary<Guid, AesGcm?>();
        try
        {
            while (true)
            {
                var page = before is { } b ? q.Where(e => e.Sequence < b) : q;
                var rows = await page.OrderByDescending(e => e.Sequence).Take(ExportPageSize)
                    .Select(e => new ExportedEntry(e.Sequence, e.Time, e.Category, e.Action, e.ActorType, e.ActorId, e.TargetType, e.TargetId, e.Outcome,
                        e.SourceIp, e.Subject, e.SubjectKeyId, e.Personal))
                    .ToListAsync(ct);
                if (rows.Count == 0)
                {
                    yield break;
                }
                var missing = rows.Where(r => r.SubjectKeyId is { } id && !ciphers.ContainsKey(id)).Select(r => r.SubjectKeyId!.Value).Distinct().ToList();
                if (missing.Count > 0)
                {
                    var found = await db.AuditSubjectKeys.AsNoTracking().Where(k => missing.Contains(k.Id)).Select(k => new { k.Id, k.ProtectedKey }).ToListAsync(ct);
                    foreach (var id in missing)
                    {
                        var key = found.FirstOrDefault(k => k.Id == id)?.ProtectedKey;
                        ciphers[id] = key is null ? null : new AesGcm(personal.UnprotectKey(key), 16);
                    }
                }
                foreach (var row in rows)
                {
                    yield return Exported(row, reveal, ciphers);
                }
                before = rows[^1].Sequence;
            }
        }
        finally
        {
            foreach (var cipher in ciphers.Values)
            {
                cipher?.Dispose();
            }
        }
    }

    /// <summary>How many entries an export reads per query.</summary>
    public const int ExportPageSize = 5_000;

    private sealed record ExportedEntry(
        long Sequence, DateTimeOffset Time, string Category, string Action, string ActorType, string ActorId, string? TargetType, string? TargetId,
        string Outcome, string? SourceIp, string? Subject, Guid? SubjectKeyId, string? Personal);

    private static AuditExportRow Exported(ExportedEntry e, bool reveal, Dictionary<Guid, AesGcm?> ciphers)
    {
        var cipher = e.SubjectKeyId is { } keyId ? ciphers.GetValueOrDefault(keyId) : null;
        // Personal data without a subject key was never encrypted for anyone: there is nothing to show, as in View.
        var (fields, _, sourceIp) = Shown(e.SubjectKeyId is null ? null : e.Personal, e.SourceIp, reveal,
            cipher is null ? null : () => PersonalData.Decrypt(cipher, e.SubjectKeyId!.Value, e.Subject ?? "", e.Personal!));
        return new AuditExportRow(e.Sequence, e.Time, e.Category, e.Action, e.ActorType, e.ActorId, e.TargetType, e.TargetId, e.Outcome, sourceIp, fields);
    }

    private async Task<IQueryable<AuditEntry>> FilterAsync(AuditSearchQuery f, CancellationToken ct)
    {
        var q = db.AuditEntries.AsNoTracking();
        // Time never goes back along the chain (AuditChainInterceptor), so a time range is a sequence range. One probe of
        // the Time index per end finds it; paging then walks the primary key inside it instead of filtering its way there
        // from the head (bench/RESULTS.md, "Search: one page over 1,000,000 entries"). Strict bounds from the entries just
        // outside the range stay exact when several entries share a time; the Time predicates stay too (cheap, and exact).
        if (f.From is { } from)
        {
            var older = await db.AuditEntries.Where(e => e.Time < from).OrderByDescending(e => e.Time).Select(e => (long?)e.Sequence).FirstOrDefaultAsync(ct);
            if (older is { } lo)
            {
                q = q.Where(e => e.Sequence > lo);
            }
            q = q.Where(e => e.Time >= from);
        }
        if (f.To is { } to)
        {
            var newer = await db.AuditEntries.Where(e => e.Time > to).OrderBy(e => e.Time).Select(e => (long?)e.Sequence).FirstOrDefaultAsync(ct);
            if (newer is { } hi)
            {
                q = q.Where(e => e.Sequence < hi);
            }
            q = q.Where(e => e.Time <= to);
        }
        if (f.Actor is { } actor)
        {
            q = q.Where(e => e.ActorId == actor);
        }
        if (f.Action is { } action)
        {
            q = action.EndsWith('*') ? q.Where(e => e.Action.StartsWith(action.TrimEnd('*'))) : q.Where(e => e.Action == action);
        }
        if (f.Target is { } target)
        {
            q = q.Where(e => e.TargetId == target);
        }
        if (f.Outcome is { } outcome)
        {
            q = q.Where(e => e.Outcome == outcome);
        }
        if (f.Category is { } category)
        {
            q = q.Where(e => e.Category == category);
        }
        if (f.Subject is { } subject)
        {
            var key = await keys.PseudonymKeyAsync(ct);
            var pseudonym = AuditKeys.Pseudonym(key, subject.Contains('@') ? AuditTrail.EmailSubject(subject) : AuditTrail.UserSubject(subject));
            q = q.Where(e => e.Subject == pseudonym);
        }
        if (f.Text is { } text)
        {
            // Personal data is encrypted and not searchable by text; use 'subject' for a person.
            q = q.Where(e => e.Action.Contains(text) || e.ActorId.Contains(text) || (e.TargetId != null && e.TargetId.Contains(text))
                || (e.Data != null && e.Data.Contains(text)));
        }
        return q;
    }

    private async Task<List<AuditEntryView>> ViewsAsync(
        List<AuditEntry> rows, bool reveal, bool namesInClear, CancellationToken ct, Dictionary<Guid, byte[]?>? cache = null)
    {
        cache ??= [];
        var missing = rows.Where(r => r.SubjectKeyId is { } id && !cache.ContainsKey(id)).Select(r => r.SubjectKeyId!.Value).Distinct().ToList();
        if (missing.Count > 0)
        {
            var found = await db.AuditSubjectKeys.AsNoTracking().Where(k => missing.Contains(k.Id)).Select(k => new { k.Id, k.ProtectedKey }).ToListAsync(ct);
            foreach (var id in missing)
            {
                var key = found.FirstOrDefault(k => k.Id == id)?.ProtectedKey;
                cache[id] = key is null ? null : personal.UnprotectKey(key);
            }
        }
        return await names.NameAsync([.. rows.Select(r => View(r, reveal, cache))], namesInClear, ct);
    }

    private static AuditEntryView View(AuditEntry e, bool reveal, Dictionary<Guid, byte[]?> keys)
    {
        var key = e.SubjectKeyId is { } keyId ? keys.GetValueOrDefault(keyId) : null;
        var (fields, state, sourceIp) = Shown(e.SubjectKeyId is null ? null : e.Personal, e.SourceIp, reveal,
            key is null ? null : () => PersonalData.Decrypt(key, e.SubjectKeyId!.Value, e.Subject ?? "", e.Personal!));
        return new AuditEntryView(
            e.Sequence, e.Time, e.Category, e.Action, e.ActorType, e.ActorId, e.TargetType, e.TargetId, e.Outcome, sourceIp, e.CorrelationId,
            e.Data is null ? null : JsonDocument.Parse(e.Data).RootElement.Clone(),
            fields, state, e.Subject, Convert.ToHexStringLower(e.Hash), Convert.ToHexStringLower(e.PrevHash));
    }

    /// <summary>
    /// An entry's personal fields as this reader sees them, and its source address: decrypted (<paramref name="decrypt"/>,
    /// null when the subject's key is gone), then masked unless <paramref name="reveal"/>; the address moves out of the
    /// fields. Unreadable (erased key or tampered ciphertext, which verification reports) reads as erased.
    /// </summary>
    private static (IReadOnlyDictionary<string, string>? Fields, PersonalDataState State, string? SourceIp) Shown(
        string? personal, string? sourceIp, bool reveal, Func<string>? decrypt)
    {
        if (personal is null)
        {
            return (null, PersonalDataState.None, sourceIp);
        }
        Dictionary<string, string>? clear = null;
        if (decrypt is not null)
        {
            try
            {
                clear = PersonalData.Fields(decrypt());
            }
            catch (CryptographicException)
            {
                // Tampered ciphertext reads as erased here; verification reports the tampering.
            }
        }
        if (clear is null)
        {
            return (new Dictionary<string, string> { ["personal"] = PersonalData.Erased }, PersonalDataState.Erased, PersonalData.Erased);
        }
        var shown = reveal ? clear : PersonalData.MaskAll(clear);
        if (shown.Remove(PersonalData.SourceIpField, out var ip))
        {
            sourceIp = ip;
        }
        return (shown, reveal ? PersonalDataState.Revealed : PersonalDataState.Masked, sourceIp);
    }
}

/// <summary>One entry as an export shows it (<see cref="AuditReader.ExportRowsAsync"/>): personal fields already masked or revealed.</summary>
public sealed record AuditExportRow(
    long Sequence, DateTimeOffset Time, string Category, string Action, string ActorType, string ActorId, string? TargetType, string? TargetId,
    string Outcome, string? SourceIp, IReadOnlyDictionary<string, string>? Personal);
