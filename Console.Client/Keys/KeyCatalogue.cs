using SecurityConsole.Client.Services;
using SecurityConsole.Shared.Keys;

namespace SecurityConsole.Client.Keys;

public static class KeyCatalogue
{
    /// <summary>
    /// The requestable scopes for the risk colours of lists; a list still shows without them, so a
    /// failure here is not the page's failure.
    /// </summary>
    public static async Task<IReadOnlyList<RequestableScope>?> LoadAsync(IKeysApi api)
    {
        try
        {
            return await api.GetRequestableScopesAsync();
        }
        catch (ApiException)
        {
            return null;
        }
    }
}
