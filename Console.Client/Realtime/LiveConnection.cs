using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.SignalR.Client;
using SecurityConsole.Shared.Hosting;
using SecurityConsole.Shared.Realtime;

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
/// pages and the layout subscribe to hub methods through <see cref="On{T}"/>, before or after it starts.
/// </summary>
public sealed class LiveConnection(NavigationManager navigation) : IAsyncDisposable
{
    private static readonly TimeSpan[] Backoff = [TimeSpan.Zero, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30)];
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (Type Payload, List<Func<object?, Task>> Handlers)> _subscriptions = new(StringComparer.Ordinal);
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
        _hub.On<DateTimeOffset>(nameof(IConsoleClient.Welcome), _ =>
        {
            LastConnectedAt = DateTimeOffset.UtcNow;
            return Task.CompletedTask;
        });
        lock (_gate)
        {
            foreach (var (method, subscription) in _subscriptions)
            {
                Listen(_hub, method, subscription.Payload);
            }
        }
        await KeepTryingAsync();
    }

    /// <summary>
    /// Calls <paramref name="handler"/> for each message of <paramref name="method"/> until the returned
    /// subscription is disposed. Handlers run off the renderer's thread: components use InvokeAsync.
    /// </summary>
    public IDisposable On<T>(string method, Func<T, Task> handler)
    {
        Func<object?, Task> untyped = payload => handler((T)payload!);
        lock (_gate)
        {
            if (!_subscriptions.TryGetValue(method, out var subscription))
            {
                subscription = (typeof(T), []);
                _subscriptions[method] = subscription;
                if (_hub is not null)
                {
                    Listen(_hub, method, typeof(T));
                }
            }
            else if (subscription.Payload != typeof(T))
            {
                throw new InvalidOperationException($"'{method}' carries {subscription.Payload.Name}, not {typeof(T).Name}.");
            }
            subscription.Handlers.Add(untyped);
        }
        return new Subscription(() =>
        {
            lock (_gate)
            {
                _subscriptions[method].Handlers.Remove(untyped);
            }
        });
    }

    /// <summary>Hands a message to this method's subscribers, as if the hub had sent it; the hub's own way in.</summary>
    internal async Task DispatchAsync(string method, object? payload)
    {
        Func<object?, Task>[] handlers;
        lock (_gate)
        {
            handlers = _subscriptions.TryGetValue(method, out var subscription) ? [.. subscription.Handlers] : [];
        }
        foreach (var handler in handlers)
        {
            await handler(payload);
        }
    }

    private void Listen(HubConnection hub, string method, Type payload) =>
        hub.On(method, [payload], (args, _) => DispatchAsync(method, args[0]), this);

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

    /// <summary>The connection's state, as the hub's events set it (internal: tests play a drop and a reconnect).</summary>
    internal Task SetState(LiveState state)
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

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }

    private sealed class ForeverRetryPolicy : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext context) =>
            Backoff[Math.Min((int)context.PreviousRetryCount, Backoff.Length - 1)];
    }
}
