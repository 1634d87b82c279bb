using MudBlazor;

namespace SecurityConsole.Client.Layout;

public static class ConsoleTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#3949ab",
            Secondary = "#00897b",
            AppbarBackground = "#1a237e",
            Background = "#f5f6fa",
            DrawerBackground = "#ffffff",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#7986cb",
            Secondary = "#4db6ac",
            AppbarBackground = "#121633",
            Background = "#15171c",
            Surface = "#1e2128",
            DrawerBackground = "#1a1d23",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography
            {
                FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"],
            },
        },
    };
}

/// <summary>Light or dark, remembered for the session and shared by the shell and charts.</summary>
public sealed class ThemeState
{
    public bool IsDark { get; private set; }

    public event Action? Changed;

    public void Set(bool dark)
    {
        if (dark == IsDark)
        {
            return;
        }
        IsDark = dark;
        Changed?.Invoke();
    }
}
