using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using SecurityConsole.Server.Users;

namespace SecurityConsole.Server.Components.Account;

internal sealed class IdentityRedirectManager(NavigationManager navigationManager)
{
    public const string StatusCookieName = "Identity.StatusMessage";

    private static readonly CookieBuilder StatusCookieBuilder = new()
    {
        SameSite = SameSiteMode.Strict,
        HttpOnly = true,
        IsEssential = true,
        MaxAge = TimeSpan.FromSeconds(5),
    };

    public void RedirectTo(string? uri) => navigationManager.NavigateTo(WithinConsole(uri));

    /// <summary>
    /// A place inside the console; anything else (another site, a scheme-relative //host, a backslash that browsers
    /// read as a slash, javascript:, data:) becomes the start page. No open redirect, and no error after the password
    /// was accepted (ToBaseRelativePath throws on a URI outside the base, which is how external ReturnUrls gave 500).
    /// </summary>
    internal string WithinConsole(string? uri)
    {
        if (string.IsNullOrEmpty(uri))
        {
            return "";
        }
        // On Linux "/keys" parses as an absolute file: URI too, hence the scheme test.
        if (Uri.TryCreate(uri, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https")
        {
            if (absolute.UserInfo.Length > 0 || !new Uri(navigationManager.BaseUri).IsBaseOf(absolute))
            {
                return "";
            }
            try
            {
                return navigationManager.ToBaseRelativePath(absolute.AbsoluteUri);
            }
            catch (ArgumentException)
            {
                return "";
            }
        }
        var path = uri.StartsWith('/') ? uri[1..] : uri;
        if (path.StartsWith('/') || uri.Contains('\\') || uri.Any(char.IsControl)
            || path.Split('/', '?', '#')[0].Contains(':')
            || !Uri.IsWellFormedUriString(path, UriKind.Relative))
        {
            return "";
        }
        return uri;
    }

    public void RedirectTo(string uri, Dictionary<string, object?> queryParameters)
    {
        var uriWithoutQuery = navigationManager.ToAbsoluteUri(uri).GetLeftPart(UriPartial.Path);
        var newUri = navigationManager.GetUriWithQueryParameters(uriWithoutQuery, queryParameters);
        RedirectTo(newUri);
    }

    public void RedirectToWithStatus(string uri, string message, HttpContext context)
    {
        context.Response.Cookies.Append(StatusCookieName, message, StatusCookieBuilder.Build(context));
        RedirectTo(uri);
    }

    private string CurrentPath => navigationManager.ToAbsoluteUri(navigationManager.Uri).GetLeftPart(UriPartial.Path);

    public void RedirectToCurrentPage() => RedirectTo(CurrentPath);

    public void RedirectToCurrentPageWithStatus(string message, HttpContext context)
        => RedirectToWithStatus(CurrentPath, message, context);

    public void RedirectToInvalidUser(UserManager<ConsoleUser> userManager, HttpContext context)
        => RedirectToWithStatus("Account/InvalidUser", $"Error: Unable to load user with ID '{userManager.GetUserId(context.User)}'.", context);
}
