using Microsoft.JSInterop;

namespace SecurityConsole.Client.Alerts;

/// <summary>
/// How the Alerts page signals a new alert besides the list: a pop-up and a beep, each switched by the person and
/// remembered in this browser (js/alertSound.js). Without the script (blocked, or not yet loaded) pop-ups stay on
/// and the page is silent.
/// </summary>
internal sealed class AlertSignals(IJSRuntime js) : IAsyncDisposable
{
    private IJSObjectReference? module;

    public bool Toasts { get; private set; } = true;

    public bool Sound { get; private set; }

    /// <summary>Loads the script and the remembered switches; once, after the first interactive render.</summary>
    public async Task LoadAsync()
    {
        try
        {
            module = await js.InvokeAsync<IJSObjectReference>("import", "./js/alertSound.js");
            Sound = await module.InvokeAsync<string?>("getSetting", "alerts.sound") == "on";
            Toasts = await module.InvokeAsync<string?>("getSetting", "alerts.toasts") != "off";
        }
        catch (JSException)
        {
        }
    }

    public async Task SetToastsAsync(bool on)
    {
        Toasts = on;
        await RememberAsync("alerts.toasts", on ? "on" : "off");
    }

    /// <summary>Switching the sound on beeps once, so the person hears what it will sound like.</summary>
    public async Task SetSoundAsync(bool on, string sample)
    {
        Sound = on;
        await RememberAsync("alerts.sound", on ? "on" : "off");
        if (on && module is not null)
        {
            await module.InvokeVoidAsync("beep", sample);
        }
    }

    public async Task BeepAsync(string severity)
    {
        if (!Sound || module is null)
        {
            return;
        }
        try
        {
            await module.InvokeVoidAsync("beep", severity);
        }
        catch (JSException)
        {
        }
    }

    private async Task RememberAsync(string name, string value)
    {
        if (module is not null)
        {
            await module.InvokeVoidAsync("setSetting", name, value);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (module is not null)
        {
            try
            {
                await module.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
            }
        }
    }
}
