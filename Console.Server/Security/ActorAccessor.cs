using System.Security.Claims;

namespace SecurityConsole.Server.Security;

/// <summary>Who is acting: a person (cookie), a machine (API key), or the console itself.</summary>
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

public interface IActorAccessor
{
    Actor Current { get; }
}

/// <summary>Reads the actor from the HTTP request; outside a request (CLI, jobs) the actor is the system.</summary>
public sealed class HttpActorAccessor(IHttpContextAccessor http) : IActorAccessor
{
    private Actor? _override;

    public Actor Current => _override ?? FromHttp() ?? Actor.System("console");

    /// <summary>Used by the CLI and background jobs, which act without a request.</summary>
    public void Set(Actor actor) => _override = actor;

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
