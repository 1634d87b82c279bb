using Microsoft.AspNetCore.SignalR;
using SecurityConsole.Shared.Realtime;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Realtime;

/// <summary>
/// The live channel to browsers. Everyone signed in connects (the shell shows the connection state);
/// only those who may read alerts join the group that alerts are sent to, and approvers the group told of waiting key requests.
/// Key notices for one person go to <c>Clients.User</c> (the user id claim).
/// A base layer of its own: features send through <c>IHubContext&lt;ConsoleHub, IConsoleClient&gt;</c> and the
/// groups named here; the hub imports no feature. Its route stays <c>/hubs/alerts</c> (<c>HubRoutes.Alerts</c>).
/// </summary>
public sealed class ConsoleHub(TimeProvider clock, HubDrain drain) : Hub<IConsoleClient>
{
    public const string AlertReaders = "alert-readers";

    /// <summary>
    /// Alert readers split by what they may see of personal data: an alert is pushed in clear to those with pii:read and
    /// masked to the others (ADR 0065). Numbers without personal data (stats) still go to <see cref="AlertReaders"/>.
    /// </summary>
    public const string AlertReadersClear = "alert-readers-clear";

    public const string AlertReadersMasked = "alert-readers-masked";

    /// <summary>People who may approve key requests: told live when one waits.</summary>
    public const string KeyApprovers = "key-approvers";

    /// <summary>People who may read compliance: told live when a control changes status.</summary>
    public const string ComplianceReaders = "compliance-readers";

    public override async Task OnConnectedAsync()
    {
        if (Context.User?.HasClaim(Permissions.ClaimType, Permissions.AlertsRead) == true)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, AlertReaders);
            await Groups.AddToGroupAsync(Context.ConnectionId,
                Context.User.HasClaim(Permissions.ClaimType, Permissions.PiiRead) ? AlertReadersClear : AlertReadersMasked);
        }
        if (Context.User?.HasClaim(Permissions.ClaimType, Permissions.KeysApprove) == true)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, KeyApprovers);
        }
        if (Context.User?.HasClaim(Permissions.ClaimType, Permissions.ComplianceRead) == true)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, ComplianceReaders);
        }
        await Clients.Caller.Welcome(clock.GetUtcNow());
        drain.Add(Context);

        await base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        drain.Remove(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }
}
