using System.Globalization;

namespace SecurityConsole.Server.Components.Account;

/// <summary>How the account pages write times: the console's one format ("2026-12-02 17:33 UTC", as Console.Client/Shared/When.cs), 24-hour, UTC said.</summary>
internal static class AccountText
{
    public static string Time(DateTimeOffset at) =>
        at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";
}
