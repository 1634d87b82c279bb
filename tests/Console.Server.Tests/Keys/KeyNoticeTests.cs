using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using SecurityConsole.Server.Tests.Realtime;
using SecurityConsole.Shared.Hosting;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Server.Tests.Keys.KeyTestKit;

namespace SecurityConsole.Server.Tests.Keys;

/// <summary>People hear live of what happens to their requests and keys; approvers of what waits for them.</summary>
public sealed class KeyNoticeTests(SqliteConsole console) : IClassFixture<SqliteConsole>
{
    private ConsoleFactory Factory => console.Factory;

    [Fact]
    public async Task ApproversHearOfANewRequestAndTheRequesterOfTheDecisionAndOfASuccessor()
    {
        var developer = await Factory.SignedInClientAsync(Roles.Developer);
        var approver = await Factory.SignedInClientAsync(Roles.Approver);
        var bystander = await Factory.SignedInClientAsync(Roles.Developer);
        await using var developerHub = await ConnectAsync(developer);
        await using var approverHub = await ConnectAsync(approver);
        await using var bystanderHub = await ConnectAsync(bystander);
        var developerNotices = Collect(developerHub);
        var approverNotices = Collect(approverHub);
        var bystanderNotices = Collect(bystanderHub);

        var request = await developer.RequestAsync(NewRequest(KeyEnvironments.Production));
        var pending = await approverNotices.NextAsync(n => n.RequestId == request.Id);
        Assert.Equal(KeyNoticeKinds.RequestPending, pending.Kind);

        await (await approver.DecideAsync(request.Id, approve: true, "Go ahead")).AssertStatusAsync(HttpStatusCode.OK);
        var approved = await developerNotices.NextAsync(n => n.RequestId == request.Id);
        Assert.Equal(KeyNoticeKinds.RequestApproved, approved.Kind);
        Assert.NotNull(approved.KeyId);
        Assert.Contains(request.Service, approved.Title);

        var issued = await developer.PickUpOkAsync(request.Id);
        // Rotated by someone else (an admin): the owner must hear that a successor waits.
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        var rotate = await admin.PostAsJsonAsync($"/api/v1/keys/{issued.Id}/rotate", new RotateKeyRequest(1), Ct);
        var rotated = (await rotate.Content.ReadFromJsonAsync<KeyRotated>(Ct))!;
        var successor = await developerNotices.NextAsync(n => n.KeyId == rotated.SuccessorId);
        Assert.Equal(KeyNoticeKinds.SuccessorReady, successor.Kind);

        var rejectedRequest = await developer.RequestAsync(NewRequest(KeyEnvironments.Production));
        await (await approver.DecideAsync(rejectedRequest.Id, approve: false, "Use the shared staging key")).AssertStatusAsync(HttpStatusCode.OK);
        var rejected = await developerNotices.NextAsync(n => n.RequestId == rejectedRequest.Id);
        Assert.Equal(KeyNoticeKinds.RequestRejected, rejected.Kind);
        Assert.Contains("Use the shared staging key", rejected.Message);

        // A notice never carries the secret, and nobody else hears of someone's key.
        Assert.DoesNotContain(developerNotices.All, n => n.Message.Contains(issued.Secret) || n.Title.Contains(issued.Secret));
        Assert.Empty(bystanderNotices.All);
    }

    [Fact]
    public async Task AnOwnerHearsThatSomeoneElseRevokedTheirKey()
    {
        var (owner, key) = await Factory.IssuedKeyAsync();
        await using var ownerHub = await ConnectAsync(owner);
        var notices = Collect(ownerHub);
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        await (await admin.PostAsJsonAsync($"/api/v1/keys/{key.Id}/revoke", new RevokeKeyRequest("Service retired"), Ct)).AssertStatusAsync(HttpStatusCode.OK);
        var revoked = await notices.NextAsync(n => n.KeyId == key.Id);
        Assert.Equal(KeyNoticeKinds.KeyRevoked, revoked.Kind);
        Assert.Contains("Service retired", revoked.Message);
    }

    private async Task<HubConnection> ConnectAsync(BrowserClient browser)
    {
        var connection = AlertsHubTests.Connect(Factory, browser.CookieHeader);
        var welcome = AlertsHubTests.Expect<DateTimeOffset>(connection, HubMethods.Welcome);
        await connection.StartAsync(Ct);
        await Eventually.ArrivesAsync("the hub's welcome", welcome);
        return connection;
    }

    private static Notices Collect(HubConnection connection)
    {
        var notices = new Notices();
        connection.On<KeyNotice>(HubMethods.KeyNotice, notices.Add);
        return notices;
    }

    private sealed class Notices
    {
        private readonly List<KeyNotice> _all = [];

        public IReadOnlyList<KeyNotice> All { get { lock (_all) { return [.. _all]; } } }

        public void Add(KeyNotice notice)
        {
            lock (_all)
            {
                _all.Add(notice);
            }
        }

        public async Task<KeyNotice> NextAsync(Func<KeyNotice, bool> match)
        {
            await Eventually.HoldsAsync("a matching key notice", () => (All.Any(match), $"got: {string.Join(", ", All.Select(n => n.Kind))}"));
            return All.First(match);
        }
    }
}
