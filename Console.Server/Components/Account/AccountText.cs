using System.Globalization;

namespace SecurityConsole.Server.Components.Account;

/// <summary>How the account pages write times: one format, 24-hour, UTC said (the server does not know the viewer's zone).</summary>
internal static class AccountText
{
    public static string Time(DateTimeOffset at) =>
        at.ToUniversalTime().ToString("d MMM yyyy, HH:mm", CultureInfo.InvariantCulture) + " UTC";
}
