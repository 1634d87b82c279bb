using System.Security.Claims;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Security;

/// <summary>Who is acting, as the audit trail names it: a person (cookie), a machine (API key), or the console itself.</summary>
public sealed record Actor(string Type, string Id, string? SourceIp)
{
    public static Actor System(string id) => new(ActorTypes.System, id, null);
}

public static class ActorTypes
{
    public const string User = "user";
    public const string Key = "key";
    public const string System = "system";
    public const string Anonymous = "anonymous";
}

/// <summary>
/// Who is calling, one per scope (a request, a job, a command): a person signed in, a machine with an API key, or the
/// console itself. It is read from the request's principal; jobs, the command line and the demo have no request and
/// say who they are with <see cref="ActAs"/> before they act. Services take it from DI instead of reading claims
/// (docs/architecture.md, "Who is calling").
/// </summary>
public sealed class Caller(IHttpContextAccessor http)
{
    private static readonly ClaimsPrincipal Nobody = new(new ClaimsIdentity());
    private Actor? _actingAs;

    /// <summary>The actor audit entries name; the system ("console") when nothing else is known.</summary>
    public Actor Current => _actingAs ?? FromHttp() ?? Actor.System("console");

    /// <summary>The request's principal; nobody once this scope acts as someone explicitly.</summary>
    public ClaimsPrincipal Principal => _actingAs is null ? http.HttpContext?.User ?? Nobody : Nobody;

    /// <summary>The person calling, or the owner of the calling key; null for the system and the anonymous.</summary>
    public string? UserId => Principal.FindFirstValue(ClaimTypes.NameIdentifier);

    /// <summary>
    /// The person an endpoint acts for (the signed-in user, or the owner of the calling key), for endpoints that only a
    /// signed-in caller reaches; throws when there is none.
    /// </summary>
    public string RequiredUserId => UserId ?? throw new InvalidOperationException("An authenticated caller has no id.");

    /// <summary>The calling API key, when a machine calls.</summary>
    public Guid? KeyId => Guid.TryParse(Principal.FindFirstValue(ConsoleClaims.ApiKeyId), out var id) ? id : null;

    /// <summary>What the caller may do: a person's role permissions, or a key's scopes.</summary>
    public IReadOnlySet<string> Granted => Principal.FindAll(Permissions.ClaimType).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);

    /// <summary>Used by the command line, background jobs and the demo, which act without a request.</summary>
    public void ActAs(Actor actor) => _actingAs = actor;

    private Actor? FromHttp()
    {
        var context = http.HttpContext;
        if (context is null)
        {
            return null;
        }
        var ip = context.Connection.RemoteIpAddress?.ToString();
        var user = context.User;
        if (user.Identity?.IsAuthenticated != true)
        {
            return new Actor(ActorTypes.Anonymous, "anonymous", ip);
        }
        var keyId = user.FindFirstValue(ConsoleClaims.ApiKeyId);
        return keyId is not null
            ? new Actor(ActorTypes.Key, keyId, ip)
            : new Actor(ActorTypes.User, user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "unknown", ip);
    }
}
