using Microsoft.AspNetCore.SignalR;
using SecurityConsole.Shared.Hosting;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Detection;

/// <summary>
/// The live channel to browsers. Everyone signed in connects (the shell shows the connection state);
/// only those who may read alerts join the group that alerts are sent to.
/// </summary>
public sealed class AlertsHub(TimeProvider clock) : Hub
{
    public const string AlertReaders = "alert-readers";

    public override async Task OnConnectedAsync()
    {
        if (Context.User?.HasClaim(Permissions.ClaimType, Permissions.AlertsRead) == true)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, AlertReaders);
        }
        await Clients.Caller.SendAsync(HubMethods.Welcome, clock.GetUtcNow());
        await base.OnConnectedAsync();
    }
}
