using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.SignalR.Client;
using SecurityConsole.Shared.Hosting;

namespace SecurityConsole.Client.Realtime;

public enum LiveState
{
    Connecting,
    Connected,
    Reconnecting,
    Offline,
}

/// <summary>
/// The browser's one SignalR connection to /hubs/alerts. Reconnects by itself, forever, with back-off;
/// pages subscribe to hub methods through <see cref="On{T}"/>.
/// </summary>
public sealed class LiveConnection(NavigationManager navigation) : IAsyncDisposable
{
    private static readonly TimeSpan[] Backoff = [TimeSpan.Zero, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30)];
    private HubConnection? _hub;
    private CancellationTokenSource? _retry;

    public LiveState State { get; private set; } = LiveState.Connecting;

    public DateTimeOffset? LastConnectedAt { get; private set; }

    public event Action? StateChanged;

    public async Task StartAsync()
    {
        if (_hub is not null)
        {
            return;
        }
        _hub = new HubConnectionBuilder()
            // The server refuses cookie-authenticated POSTs (negotiate) without the CSRF header; WebSocket upgrades are GETs.
            .WithUrl(navigation.ToAbsoluteUri(HubRoutes.Alerts), o => o.Headers[ApiConventions.CsrfHeader] = ApiConventions.CsrfHeaderValue)
            .WithAutomaticReconnect(new ForeverRetryPolicy())
            .Build();
        _hub.Reconnecting += _ => SetState(LiveState.Reconnecting);
        _hub.Reconnected += _ => SetState(LiveState.Connected);
        _hub.Closed += error => { SetState(LiveState.Offline); _ = KeepTryingAsync(); return Task.CompletedTask; };
        _hub.On<DateTimeOffset>(HubMethods.Welcome, _ =>
        {
            LastConnectedAt = DateTimeOffset.UtcNow;
            return Task.CompletedTask;
        });
        await KeepTryingAsync();
    }

    public IDisposable On<T>(string method, Func<T, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(_hub, "Start the connection first.");
        return _hub.On(method, handler);
    }

    private async Task KeepTryingAsync()
    {
        _retry?.Cancel();
        _retry = new CancellationTokenSource();
        var ct = _retry.Token;
        for (var attempt = 0; !ct.IsCancellationRequested && _hub is not null; attempt++)
        {
            try
            {
                await _hub.StartAsync(ct);
                await SetState(LiveState.Connected);
                return;
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                await SetState(LiveState.Offline);
                await Task.Delay(Backoff[Math.Min(attempt, Backoff.Length - 1)] + TimeSpan.FromSeconds(1), ct);
            }
        }
    }

    private Task SetState(LiveState state)
    {
        State = state;
        StateChanged?.Invoke();
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _retry?.Cancel();
        if (_hub is not null)
        {
            await _hub.DisposeAsync();
        }
    }

    private sealed class ForeverRetryPolicy : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext context) =>
            Backoff[Math.Min((int)context.PreviousRetryCount, Backoff.Length - 1)];
    }
}
