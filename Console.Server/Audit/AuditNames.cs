using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Audit;

namespace SecurityConsole.Server.Audit;

/// <summary>
/// Names the actor and target of entries as a reader knows them: a person by e-mail, a key by its display prefix, name and
/// service, the console as itself. A person is personal data: a viewer without pii:read sees the e-mail masked and a tag
/// taken from the person's keyed pseudonym (the one the 'subject' filter uses), the same in every entry, so that an
/// auditor can follow one person without learning who it is (docs/decisions/0021-audit-names.md). A person whose audit data
/// was erased is never named, not even to pii:read: the entries say only that it was an erased person.
/// </summary>
public sealed class AuditNames(ConsoleDbContext db, AuditKeys keys)
{
    public const string UserType = "user";
    public const string KeyType = "api_key";

    /// <summary>The entries with <see cref="AuditEntryView.ActorName"/> and <see cref="AuditEntryView.TargetName"/> filled in.</summary>
    public async Task<List<AuditEntryView>> NameAsync(IReadOnlyList<AuditEntryView> views, bool clear, CancellationToken ct)
    {
        var userIds = views.Where(v => v.ActorType == ActorTypes.User).Select(v => v.ActorId)
            .Concat(views.Where(v => v.TargetType == UserType && v.TargetId is not null).Select(v => v.TargetId!))
            .Distinct().ToList();
        var keyIds = views.Where(v => v.ActorType == ActorTypes.Key).Select(v => v.ActorId)
            .Concat(views.Where(v => v.TargetType == KeyType && v.TargetId is not null).Select(v => v.TargetId!))
            .Select(id => Guid.TryParse(id, out var g) ? g : (Guid?)null).OfType<Guid>().Distinct().ToList();

        var keyRows = keyIds.Count == 0 ? [] : await db.ApiKeys.AsNoTracking().Where(k => keyIds.Contains(k.Id))
            .Select(k => new { k.Id, k.Prefix, k.LastFour, k.Name, k.Service }).ToDictionaryAsync(k => k.Id, ct);
        var person = await PersonNamerAsync(userIds, clear, ct);

        string Key(string id)
        {
            if (!Guid.TryParse(id, out var g) || !keyRows.TryGetValue(g, out var k))
            {
                return $"a removed key ({id})";
            }
            var service = string.IsNullOrEmpty(k.Service) ? "" : $", service {k.Service}";
            return $"{k.Prefix}…{k.LastFour} “{k.Name}”{service}";
        }

        string? Name(string? type, string? id) => (type, id) switch
        {
            (_, null) => null,
            (ActorTypes.User or UserType, _) => person(id),
            (ActorTypes.Key or KeyType, _) => Key(id),
            (ActorTypes.System, _) => id == "console" ? "the console" : $"the console ({id})",
            (ActorTypes.Anonymous, _) => "someone not signed in",
            _ => null,
        };

        return [.. views.Select(v => v with { ActorName = Name(v.ActorType, v.ActorId), TargetName = Name(v.TargetType, v.TargetId) })];
    }

    /// <summary>
    /// People (console user ids) named as the trail names them for this reader: the e-mail with pii:read
    /// (<paramref name="clear"/>), else the masked e-mail and the pseudonym's tag; an erased person never by name. Other
    /// features show who did what with it (an access review's starter, reviewers and finisher).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> PeopleAsync(IEnumerable<string> userIds, bool clear, CancellationToken ct)
    {
        var ids = userIds.Distinct(StringComparer.Ordinal).ToList();
        var person = await PersonNamerAsync(ids, clear, ct);
        return ids.ToDictionary(id => id, person, StringComparer.Ordinal);
    }

    private async Task<Func<string, string>> PersonNamerAsync(IReadOnlyList<string> userIds, bool clear, CancellationToken ct)
    {
        var emails = userIds.Count == 0 ? [] : await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id))
            .Select(u => new { u.Id, u.Email }).ToDictionaryAsync(u => u.Id, u => u.Email, ct);
        var pseudonymKey = userIds.Count == 0 ? null : await keys.PseudonymKeyAsync(ct);
        var pseudonyms = userIds.ToDictionary(id => id, id => AuditKeys.Pseudonym(pseudonymKey!, AuditTrail.UserSubject(id)));
        var subjects = pseudonyms.Values.ToList();
        // A person whose audit data was erased (GDPR Art. 17) is not named again by the account that may still exist.
        var erased = subjects.Count == 0 ? [] : (await db.AuditSubjectKeys.AsNoTracking()
            .Where(k => subjects.Contains(k.Pseudonym) && k.ErasedAt != null).Select(k => k.Pseudonym).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);

        return id =>
        {
            var email = emails.GetValueOrDefault(id);
            var tag = "#" + pseudonyms[id][..8];
            if (erased.Contains(pseudonyms[id]))
            {
                return $"a person whose audit data was erased {tag}";
            }
            if (clear)
            {
                return email ?? $"a removed person ({id})";
            }
            return email is null ? $"a removed person {tag}" : $"{PersonalData.Mask("email", email)} {tag}";
        };
    }
}
