using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Hosting;
using SecurityConsole.Shared.Security;
using SecurityConsole.Shared.Users;

namespace SecurityConsole.Server.Users;

public static class UserEndpoints
{
    public static IEndpointRouteBuilder MapUsers(this IEndpointRouteBuilder app)
    {
        app.MapGet($"{ApiConventions.Prefix}/me", GetMe)
            .AuthorizedByTable()
            .WithTags("Users").WithName("GetCurrentUser").WithSummary("Who the caller is and what they may do.");

        var group = app.MapGroup($"{ApiConventions.Prefix}/users")
            .WithTags("Users")
            .AuthorizedByTable()
            .WithValidation();

        group.MapGet("/", ListUsers).WithName("ListUsers").WithSummary("Every user with roles and sign-in state.");
        group.MapGet("/roles", () => TypedResults.Ok(RoleCatalog.Describe())).WithName("ListRoles").WithSummary("Roles and the permissions each grants.");
        group.MapPut("/{id}/roles", SetRoles).WithName("SetUserRoles")
            .WithSummary("Replace a user's roles. Adding a role needs every permission it grants; Admin needs an admin signed in with two-factor.");
        group.MapPost("/{id}/lock", (string id, UserAdmin admin, CancellationToken ct) => admin.SetLockAsync(id, true, ct))
            .WithName("LockUser").WithSummary("Lock a user out until unlocked; never the last admin who can sign in.");
        group.MapPost("/{id}/unlock", (string id, UserAdmin admin, CancellationToken ct) => admin.SetLockAsync(id, false, ct))
            .WithName("UnlockUser").WithSummary("Unlock a user.");
        group.MapGet("/invitations", ListInvitations).WithName("ListInvitations").WithSummary("Open invitations.");
        group.MapPost("/invitations", Invite).WithName("InviteUser")
            .WithSummary("Invite a person by email with roles; returns the one-time link to pass on.");
        group.MapDelete("/invitations/{id:guid}", (Guid id, UserAdmin admin, CancellationToken ct) => admin.RevokeInvitationAsync(id, ct))
            .WithName("RevokeInvitation").WithSummary("Revoke an open invitation.");
        return app;
    }

    private static async Task<Results<Ok<CurrentUser>, NotFound>> GetMe(ClaimsPrincipal principal, UserManager<ConsoleUser> users)
    {
        var id = principal.FindFirstValue(ClaimTypes.NameIdentifier);
        var user = id is null ? null : await users.FindByIdAsync(id);
        if (user is null)
        {
            return TypedResults.NotFound();
        }
        var roles = await users.GetRolesAsync(user);
        var permissions = principal.FindAll(Permissions.ClaimType).Select(c => c.Value).Distinct().Order().ToList();
        return TypedResults.Ok(new CurrentUser(user.Id, user.Email ?? "", [.. roles.Order()], permissions));
    }

    private static async Task<Ok<List<UserSummary>>> ListUsers(ConsoleDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var rolesByUser = await (from ur in db.UserRoles
                                 join r in db.Roles on ur.RoleId equals r.Id
                                 select new { ur.UserId, r.Name }).ToListAsync(ct);
        var users = await db.Users.AsNoTracking().OrderBy(u => u.Email).ToListAsync(ct);
        return TypedResults.Ok(users.Select(u => new UserSummary(
            u.Id, u.Email ?? "",
            [.. rolesByUser.Where(r => r.UserId == u.Id).Select(r => r.Name!).Order()],
            u.TwoFactorEnabled,
            u.LockoutEnd is { } end && end > now,
            u.CreatedAt, u.LastSignInAt)).ToList());
    }

    private static Task<Results<Ok<UserSummary>, NotFound, ValidationProblem, ProblemHttpResult>> SetRoles(
        string id, SetRolesRequest request, ClaimsPrincipal caller, UserAdmin admin, CancellationToken ct) =>
        admin.SetRolesAsync(caller, id, request.Roles, ct);

    private static async Task<Ok<List<InvitationSummary>>> ListInvitations(ConsoleDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var open = await db.Invitations.AsNoTracking()
            .Where(i => i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now)
            .OrderByDescending(i => i.CreatedAt).ToListAsync(ct);
        var inviterIds = open.Select(i => i.InvitedByUserId).Distinct().ToList();
        var inviters = await db.Users.Where(u => inviterIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email ?? u.Id, ct);
        return TypedResults.Ok(open.Select(i => new InvitationSummary(
            i.Id.ToString(), i.Email, i.RoleList, inviters.GetValueOrDefault(i.InvitedByUserId, "unknown"), i.CreatedAt, i.ExpiresAt)).ToList());
    }

    private static Task<Results<Created<InvitationCreated>, ValidationProblem, ProblemHttpResult>> Invite(
        InviteUserRequest request, UserAdmin admin, HttpContext http, CancellationToken ct) =>
        admin.InviteAsync(http.User, request, PublicUrl.For(http), ct);
}
