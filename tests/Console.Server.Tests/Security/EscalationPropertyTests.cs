using System.Net;
using CsCheck;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;
using SecurityConsole.Shared.Users;
using static SecurityConsole.Server.Tests.Keys.KeyTestKit;

namespace SecurityConsole.Server.Tests.Security;

/// <summary>
/// Issue 10's escalation property: random sequences of key requests, approvals, rotations, pick-ups, policy edits,
/// role changes and invitations by people of every non-admin role and by single-scope keys never give any of them a
/// permission it did not have at the start. Through the real API on SQLite, under the most generous key policy an admin
/// could set. Bounded: a few sequences of a few dozen steps. On failure CsCheck prints the seed and the shrunk
/// sequence; replay with the environment variable CsCheck_Seed, search longer with CsCheck_Iter.
/// </summary>
public sealed class EscalationPropertyTests(SqliteConsole console, ITestOutputHelper output) : IClassFixture<SqliteConsole>
{
    private const int Sequences = 6;
    private const string Policy = "/api/v1/keys/policy";

    private static readonly Gen<Move> Moves = Gen.Frequency(
        (4, Move.Request), (4, Move.Approve), (1, Move.Reject), (3, Move.PickUpRequest), (3, Move.PickUpKey), (3, Move.Rotate),
        (1, Move.SelfRotate), (1, Move.Revoke), (1, Move.Disable), (1, Move.Enable), (2, Move.EditPolicy), (2, Move.SetRoles), (2, Move.Invite));

    private static readonly Gen<Step> Steps =
        from move in Moves
        from actor in Gen.Int[0, 999]
        from credential in Gen.Int[0, 9]
        from target in Gen.Int[0, 999]
        from choice in Gen.UInt
        from environment in Gen.Int[0, KeyEnvironments.All.Count - 1]
        select new Step(move, actor, credential, target, choice, environment);

    [Fact]
    public async Task NoSequenceOfRequestsApprovalsRotationsPickUpsPolicyEditsAndRoleChangesByNonAdminsRaisesAnyone()
    {
        var factory = console.Factory;
        var admin = await factory.SignedInWithTwoFactorAsync(Roles.Admin);
        // Every permission requestable; production needs a person (so that approvals are exercised), the others approve by policy.
        var generous = new KeyPolicy(
            [.. Permissions.All.Select(p => new RequestableScope(p, Permissions.Describe(p), ScopeCatalog.Find(p)?.Risk ?? ScopeRisk.Medium))],
            [new(KeyEnvironments.Production, null, 90), new(KeyEnvironments.Staging, ScopeRisk.Medium, 180), new(KeyEnvironments.Development, ScopeRisk.High, null)]);
        await (await admin.PutAsJsonAsync(Policy, generous, Ct)).AssertStatusAsync(HttpStatusCode.OK);
        var policyAtStart = await admin.GetStringAsync(Policy, Ct);
        var (runs, steps, granted) = (0, 0, 0);

        await Steps.Array[25, 40].SampleAsync(async sequence =>
        {
            var world = await EscalationWorld.CreateAsync(factory);
            for (var i = 0; i < sequence.Length; i++)
            {
                await PlayAsync(world, sequence[i], i);
            }
            await SweepAsync(world);
            await world.AssertNobodyRoseAsync();
            Assert.True(policyAtStart == await admin.GetStringAsync(Policy, Ct), "The key policy changed.\n" + string.Join("\n", world.Log));
            (runs, steps, granted) = (runs + 1, steps + sequence.Length, granted + world.Granted);
        }, iter: Sequences, threads: 1, print: s => string.Join("\n", s), writeLine: output.WriteLine);

        output.WriteLine($"{runs} sequences, {steps} steps; {granted} grants went through, none beyond what its holder had at the start.");
        Assert.True(granted > 0, "No grant went through at all, so the sequences tested nothing.");
    }

    private static async Task PlayAsync(EscalationWorld world, Step step, int index)
    {
        var actor = world.ActorFor(step.Actor);
        var client = actor.Credentials[step.Credential % actor.Credentials.Count];
        var response = step.Move switch
        {
            Move.Request => await client.PostAsJsonAsync(Requests, new KeyRequestCreate(
                $"esc-{index}", KeyEnvironments.All[step.Environment], EscalationWorld.ScopesFor(step.Choice), 30, null, null, "Escalation property test"), Ct),
            Move.Approve or Move.Reject when world.RequestIds.Count > 0 => await client.PostAsJsonAsync(
                $"{Requests}/{Pick(world.RequestIds, step)}/{(step.Move == Move.Approve ? "approve" : "reject")}",
                new KeyRequestDecision("Escalation property test"), Ct),
            Move.PickUpRequest when world.RequestIds.Count > 0 => await client.PostAsync($"{Requests}/{Pick(world.RequestIds, step)}/pickup", null, Ct),
            Move.PickUpKey => await client.PostAsync($"/api/v1/keys/{Pick(world.KeyIds, step)}/pickup", null, Ct),
            Move.Rotate => await client.PostAsJsonAsync($"/api/v1/keys/{Pick(world.KeyIds, step)}/rotate", new RotateKeyRequest(1), Ct),
            Move.SelfRotate => await client.PostAsJsonAsync("/api/v1/keys/self/rotate", new RotateKeyRequest(1), Ct),
            Move.Revoke => await client.PostAsJsonAsync($"/api/v1/keys/{Pick(world.KeyIds, step)}/revoke", new RevokeKeyRequest("Escalation property test"), Ct),
            Move.Disable => await client.PostAsJsonAsync($"/api/v1/keys/{Pick(world.KeyIds, step)}/disable", new DisableKeyRequest("Escalation property test"), Ct),
            Move.Enable => await client.PostAsync($"/api/v1/keys/{Pick(world.KeyIds, step)}/enable", null, Ct),
            Move.EditPolicy => await client.PutAsJsonAsync(Policy, WideOpen(KeyPolicy.Default), Ct),
            Move.SetRoles => await client.PutAsJsonAsync(
                $"/api/v1/users/{world.People[step.Target % world.People.Count].OwnerUserId}/roles", new SetRolesRequest(EscalationWorld.RolesFor(step.Choice)), Ct),
            Move.Invite => await client.PostAsJsonAsync("/api/v1/users/invitations", EscalationWorld.Invitation(step.Choice), Ct),
            _ => null,
        };
        if (response is null)
        {
            return;
        }
        world.Log.Add($"{index}: {actor.Name} {step} → {(int)response.StatusCode}");
        Assert.True((int)response.StatusCode < 500, $"{actor.Name}: {step} answered {(int)response.StatusCode}.\n" + string.Join("\n", world.Log));
        if (EscalationWorld.Ok(response))
        {
            await RecordAsync(world, actor, step, response);
        }
    }

    /// <summary>What a successful step handed out: checked against the start reach of whoever received it.</summary>
    private static async Task RecordAsync(EscalationWorld world, EscalationActor actor, Step step, HttpResponseMessage response)
    {
        switch (step.Move)
        {
            case Move.Request or Move.Approve:
                var request = (await response.Content.ReadFromJsonAsync<KeyRequestSummary>(Ct))!;
                world.RequestIds.Add(request.Id);
                if (request.KeyId is { } issued && !world.KeyIds.Contains(issued))
                {
                    world.KeyIds.Add(issued);
                    world.Granted++;
                }
                break;
            case Move.PickUpRequest or Move.PickUpKey:
                await world.ObtainedAsync(actor, (await response.Content.ReadFromJsonAsync<ApiKeyIssued>(Ct))!.Secret, step.Move.ToString());
                break;
            case Move.Rotate or Move.SelfRotate:
                var rotated = (await response.Content.ReadFromJsonAsync<KeyRotated>(Ct))!;
                world.KeyIds.Add(rotated.SuccessorId);
                world.Granted++;
                if (rotated.Secret is { } secret)
                {
                    await world.ObtainedAsync(actor, secret, "self-rotation");
                }
                break;
            case Move.EditPolicy:
                Assert.Fail($"{actor.Name} changed the key policy.\n" + string.Join("\n", world.Log));
                break;
            case Move.SetRoles:
                var target = world.People[step.Target % world.People.Count];
                var roles = (await response.Content.ReadFromJsonAsync<UserSummary>(Ct))!.Roles;
                world.AssertWithin(target, Roles.PermissionsOf(roles), $"given the roles {string.Join(" ", roles)} by {actor.Name}");
                break;
            case Move.Invite:
                var invitation = (await response.Content.ReadFromJsonAsync<InvitationCreated>(Ct))!;
                world.AssertWithin(actor, Roles.PermissionsOf(invitation.Roles), $"holds an invitation link for {string.Join(" ", invitation.Roles)}");
                break;
        }
    }

    /// <summary>Every key still waiting is tried by every credential behind its owner, narrow keys first.</summary>
    private static async Task SweepAsync(EscalationWorld world)
    {
        foreach (var (id, owner) in await world.WaitingKeysAsync())
        {
            var behind = world.Keys.Concat(world.People).Where(a => a.OwnerUserId == owner).ToList();
            foreach (var (actor, client) in behind.SelectMany(a => a.Credentials.ToList().Select(c => (a, c))))
            {
                var response = await client.PostAsync($"/api/v1/keys/{id}/pickup", null, Ct);
                world.Log.Add($"sweep: {actor.Name} PickUpKey({id}) → {(int)response.StatusCode}");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    await world.ObtainedAsync(actor, (await response.Content.ReadFromJsonAsync<ApiKeyIssued>(Ct))!.Secret, "sweep");
                    break;
                }
            }
        }
    }

    private static Guid Pick(List<Guid> ids, Step step) => ids[step.Target % ids.Count];

    /// <summary>The most generous policy: every permission requestable at low risk, everything approved without a person.</summary>
    private static KeyPolicy WideOpen(KeyPolicy policy) => policy with
    {
        Scopes = [.. Permissions.All.Select(p => new RequestableScope(p, Permissions.Describe(p), ScopeRisk.Low))],
        Environments = [.. KeyEnvironments.All.Select(e => new EnvironmentKeyPolicy(e, ScopeRisk.High, null))],
    };
}
