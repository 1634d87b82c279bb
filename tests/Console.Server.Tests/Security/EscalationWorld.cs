using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Keys;
using SecurityConsole.Shared.Security;
using SecurityConsole.Shared.Users;

namespace SecurityConsole.Server.Tests.Security;

/// <summary>What a random step does; its numbers pick the actor, the credential, the target and the scopes or roles at run time.</summary>
public enum Move { Request, Approve, Reject, PickUpRequest, PickUpKey, Rotate, SelfRotate, Revoke, Disable, Enable, EditPolicy, SetRoles, Invite }

public sealed record Step(Move Move, int Actor, int Credential, int Target, uint Choice, int Environment)
{
    public override string ToString() => $"{Move}(actor {Actor}, credential {Credential}, target {Target}, choice {Choice}, env {Environment})";
}

/// <summary>
/// Someone who acts in the escalation property test: a person of a non-admin role or a single-scope key. Its reach at
/// the start is every permission it may exercise then — a person's roles (with the service scopes when it may request
/// keys) and the keys it owns; a key's scopes. Every secret or invitation it obtains is checked against that reach.
/// </summary>
public sealed class EscalationActor(string name, string ownerUserId, IReadOnlySet<string> startReach, HttpClient credential)
{
    public string Name { get; } = name;

    /// <summary>The person, or the key's owner: whom the console sees behind the calls.</summary>
    public string OwnerUserId { get; } = ownerUserId;

    public IReadOnlySet<string> StartReach { get; } = startReach;

    /// <summary>The session or key it started with, then every key it collected (each within its reach, or the test failed).</summary>
    public List<HttpClient> Credentials { get; } = [credential];
}

/// <summary>One run's people, keys and what they learnt of each other; each run makes its own, in a shared console.</summary>
public sealed class EscalationWorld
{
    /// <summary>Machine-only permissions a person who may request keys may obtain (ADR 0008); nothing else is added to a person's reach.</summary>
    private static readonly string[] ServiceScopes = [Permissions.KeysVerify, Permissions.EventsWrite];

    private static readonly string[] PersonRoles = [Roles.Developer, Roles.Approver, Roles.Approver, Roles.SecurityAnalyst, Roles.Auditor];

    private EscalationWorld(ConsoleFactory factory) => Factory = factory;

    public ConsoleFactory Factory { get; }

    public List<EscalationActor> People { get; } = [];

    public List<EscalationActor> Keys { get; } = [];

    public List<Guid> RequestIds { get; } = [];

    public List<Guid> KeyIds { get; } = [];

    public List<string> Log { get; } = [];

    /// <summary>Grants that went through (collections, approvals, rotations): the property is not vacuous when these happen.</summary>
    public int Granted { get; set; }

    public static async Task<EscalationWorld> CreateAsync(ConsoleFactory factory)
    {
        var world = new EscalationWorld(factory);
        var emails = PersonRoles.Select(role => $"esc-{role.ToLowerInvariant()}-{Guid.NewGuid():N}@example.test").ToList();
        var ids = new List<string>();
        for (var i = 0; i < PersonRoles.Length; i++)
        {
            ids.Add(await factory.CreateUserAsync(emails[i], PersonRoles[i]));
        }
        var owned = ids.ToDictionary(id => id, _ => new HashSet<string>(StringComparer.Ordinal));
        for (var i = 0; i < Permissions.All.Count; i++)
        {
            // Keys spread over the people, so that every person owns narrow and wide siblings.
            var scope = Permissions.All[i];
            var owner = ids[i % ids.Count];
            var (client, key) = await factory.KeyOfAsync(owner, scope);
            owned[owner].Add(scope);
            world.Keys.Add(new EscalationActor($"key[{scope}]", owner, new HashSet<string>([scope], StringComparer.Ordinal), client));
            world.KeyIds.Add(key.Id);
        }
        for (var i = 0; i < PersonRoles.Length; i++)
        {
            var permissions = Roles.PermissionsOf(PersonRoles[i]);
            var reach = new HashSet<string>(permissions, StringComparer.Ordinal);
            if (permissions.Contains(Permissions.KeysRequest))
            {
                reach.UnionWith(ServiceScopes);
            }
            reach.UnionWith(owned[ids[i]]);
            var session = await factory.SignedInAsAsync(emails[i]);
            world.People.Add(new EscalationActor($"{PersonRoles[i]}#{i}", ids[i], reach, session));
        }
        return world;
    }

    public EscalationActor ActorFor(int index) =>
        index % 2 == 0 ? People[index / 2 % People.Count] : Keys[index / 2 % Keys.Count];

    /// <summary>The scopes a request asks for: one to three permissions, any of them, named by the step's choice.</summary>
    public static string[] ScopesFor(uint choice) =>
        [.. Enumerable.Range(0, (int)(choice >> 28) % 3 + 1).Select(i => Permissions.All[(int)(choice >> (i * 5) & 31) % Permissions.All.Count]).Distinct()];

    public static string[] RolesFor(uint choice) =>
        [.. Enumerable.Range(0, (int)(choice >> 28) % 2 + 1).Select(i => Roles.All[(int)(choice >> (i * 4) & 15) % Roles.All.Count]).Distinct()];

    /// <summary>A collected secret: its scopes (read from the database, the ground truth) must be within the collector's start reach.</summary>
    public async Task ObtainedAsync(EscalationActor actor, string secret, string how)
    {
        var hash = KeyFormat.Hash(secret);
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
        var key = await db.ApiKeys.AsNoTracking().SingleAsync(k => k.Hash == hash, Ct);
        AssertWithin(actor, key.ScopeList, $"{how}: a key with {string.Join(" ", key.ScopeList)}");
        actor.Credentials.Add(Factory.BearerClient(secret));
        Granted++;
    }

    public void AssertWithin(EscalationActor actor, IEnumerable<string> permissions, string what)
    {
        var gained = permissions.Where(p => !actor.StartReach.Contains(p)).ToList();
        Assert.True(gained.Count == 0,
            $"{actor.Name} gained {string.Join(", ", gained)} ({what}); its reach at the start was {string.Join(" ", actor.StartReach.Order())}.\n"
            + string.Join("\n", Log));
    }

    /// <summary>After a run: nobody's roles, and no key any person owns, go beyond that person's reach at the start.</summary>
    public async Task AssertNobodyRoseAsync()
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
        foreach (var person in People)
        {
            var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == person.OwnerUserId select r.Name!)
                .ToListAsync(Ct);
            AssertWithin(person, Roles.PermissionsOf(roles), $"roles now {string.Join(" ", roles)}");
            foreach (var key in await db.ApiKeys.AsNoTracking().Where(k => k.OwnerUserId == person.OwnerUserId).ToListAsync(Ct))
            {
                AssertWithin(person, key.ScopeList, $"owns {key.DisplayKey} with {key.Scopes}");
            }
        }
    }

    /// <summary>Keys still waiting for pick-up, with their owners: the last sweep tries to collect each with every credential behind that owner.</summary>
    public async Task<List<(Guid Id, string Owner)>> WaitingKeysAsync()
    {
        var owners = People.Select(p => p.OwnerUserId).ToList();
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
        var rows = await db.ApiKeys.AsNoTracking().Where(k => owners.Contains(k.OwnerUserId) && k.PendingSecret != null)
            .Select(k => new { k.Id, k.OwnerUserId }).ToListAsync(Ct);
        return [.. rows.Select(r => (r.Id, r.OwnerUserId))];
    }

    public static bool Ok(HttpResponseMessage response) => response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created;

    public static InviteUserRequest Invitation(uint choice) => new($"esc-invited-{Guid.NewGuid():N}@example.test", RolesFor(choice));
}
