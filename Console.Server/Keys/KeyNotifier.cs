using Microsoft.AspNetCore.SignalR;
using SecurityConsole.Server.Realtime;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Realtime;

namespace SecurityConsole.Server.Keys;

/// <summary>
/// Tells people, live, what happened to their key requests and keys (through the hub, so across nodes with the
/// Redis backplane). Called after the change is committed; a notice that cannot be sent is logged and lost, never
/// a failed change: the lists in the app show the same state on the next look.
/// </summary>
public sealed class KeyNotifier(IHubContext<ConsoleHub, IConsoleClient> hub, TimeProvider clock, ILogger<KeyNotifier> logger)
{
    public Task RequestPendingAsync(KeyRequest request, CancellationToken ct) =>
        SendAsync(hub.Clients.Group(ConsoleHub.KeyApprovers), new KeyNotice(KeyNoticeKinds.RequestPending, request.Id, null,
            "A key request waits for approval",
            $"{request.Service} ({request.Environment}) with {string.Join(", ", request.ScopeList)}.", clock.GetUtcNow()), ct);

    public Task RequestDecidedAsync(KeyRequest request, CancellationToken ct)
    {
        var approved = request.Status == KeyRequestStatuses.Approved;
        var notice = approved
            ? new KeyNotice(KeyNoticeKinds.RequestApproved, request.Id, request.KeyId,
                $"Your key for {request.Service} was approved",
                (request.AutoApproved ? "The policy approved it at once. " : "") + "Pick up its secret now: it is shown exactly once.", clock.GetUtcNow())
            : new KeyNotice(KeyNoticeKinds.RequestRejected, request.Id, null,
                $"Your key request for {request.Service} was rejected",
                string.IsNullOrWhiteSpace(request.DecisionComment) ? "The approver left no comment." : $"The approver wrote: {request.DecisionComment}",
                clock.GetUtcNow());
        return SendAsync(hub.Clients.User(request.RequesterUserId), notice, ct);
    }

    public Task SuccessorReadyAsync(string ownerUserId, ApiKey previous, ApiKey successor, bool byPolicy, CancellationToken ct) =>
        SendAsync(hub.Clients.User(ownerUserId), new KeyNotice(KeyNoticeKinds.SuccessorReady, null, successor.Id,
            $"A new key for {previous.Service ?? previous.Name} waits for you",
            (byPolicy ? $"{previous.DisplayKey} is past the rotation policy's maximum age. " : $"{previous.DisplayKey} was rotated. ") +
            "Pick up the successor's secret and switch your service to it.", clock.GetUtcNow()), ct);

    public Task RevokedAsync(ApiKey key, CancellationToken ct) =>
        SendAsync(hub.Clients.User(key.OwnerUserId), new KeyNotice(KeyNoticeKinds.KeyRevoked, null, key.Id,
            $"Your key {key.DisplayKey} was revoked", key.RevokedReason ?? "", clock.GetUtcNow()), ct);

    private async Task SendAsync(IConsoleClient clients, KeyNotice notice, CancellationToken ct)
    {
        try
        {
            // The typed proxy takes no token: a send only hands the message to this node's connections or the backplane.
            ct.ThrowIfCancellationRequested();
            await clients.KeyNotice(notice);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Could not send the live key notice {Kind}", notice.Kind);
        }
    }
}
