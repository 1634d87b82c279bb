using Microsoft.AspNetCore.SignalR;
using SecurityConsole.Shared.Hosting;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Detection;

/// <summary>
/// The live channel to browsers. Everyone signed in connects (the shell shows the connection state);
/// only those who may read alerts join the group that alerts are sent to, and approvers the group told of waiting key requests.
/// Key notices for one person go to <c>Clients.User</c> (the user id claim).
/// </summary>
public sealed class AlertsHub(TimeProvider clock) : Hub
{
    public const string AlertReaders = "alert-readers";

    /// <summary>People who may approve key requests: told live when one waits.</summary>
    public const string KeyApprovers = "key-approvers";

    public override async Task OnConnectedAsync()
    {
        if (Context.User?.HasClaim(Permissions.ClaimType, Permissions.AlertsRead) == true)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, AlertReaders);
        }
        if (Context.User?.HasClaim(Permissions.ClaimType, Permissions.KeysApprove) == true)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, KeyApprovers);
        }
        await Clients.Caller.SendAsync(HubMethods.Welcome, clock.GetUtcNow());
        await base.OnConnectedAsync();
    }
}
