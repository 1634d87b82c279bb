using Microsoft.AspNetCore.HttpsPolicy;
using SecurityConsole.Server.Common;

namespace SecurityConsole.Server.Hosting;

/// <summary>
/// What HTTPS promises the browser: Strict-Transport-Security for a year (sent outside Development, over HTTPS),
/// covering subdomains only when the operator says so (<c>Hsts:IncludeSubDomains</c>: it binds every site under
/// the console's domain), and the antiforgery cookie marked Secure whenever the request came over HTTPS.
/// </summary>
public static class TransportSecurity
{
    public static WebApplicationBuilder AddTransportSecurity(this WebApplicationBuilder builder)
    {
        // Bound and validated now: a typo must stop the start in one sentence, not quietly leave subdomains uncovered.
        var hsts = builder.AddSettings<HstsSettings>("Hsts");
        builder.Services.Configure<HstsOptions>(o =>
        {
            o.MaxAge = TimeSpan.FromDays(365);
            o.IncludeSubDomains = hsts.IncludeSubDomains;
        });
        // SameAsRequest, not Always: the README's first run is plain http://localhost, where a Secure-only cookie
        // would break every form. Behind a TLS-terminating proxy the request must say it came over HTTPS.
        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "console.af";
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        return builder;
    }
}

/// <summary><c>Hsts:*</c> settings.</summary>
public sealed class HstsSettings
{
    /// <summary>Adds includeSubDomains: every subdomain of the console's host must then serve HTTPS.</summary>
    public bool IncludeSubDomains { get; set; }
}
