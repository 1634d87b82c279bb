using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Hosting;
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
        group.MapPost("/{id}/lock", (string id, UserAdmin admin, CancellationToken ct) => SetLock(id, true, admin, ct))
            .WithName("LockUser").WithSummary("Lock a user out until unlocked; never the last admin who can sign in.");
        group.MapPost("/{id}/unlock", (string id, UserAdmin admin, CancellationToken ct) => SetLock(id, false, admin, ct))
            .WithName("UnlockUser").WithSummary("Unlock a user.");
        MapInvitations(app.MapGroup($"{ApiConventions.Prefix}/invitations"), "");
        // Renamed in issue 16; answers as before until its sunset, with Deprecation, Sunset and Link headers.
        MapInvitations(app.MapGroup($"{ApiConventions.Prefix}/users/invitations"), "Deprecated");
        return app;
    }

    private static void MapInvitations(RouteGroupBuilder routes, string nameSuffix)
    {
        routes.WithTags("Users").AuthorizedByTable().WithValidation();
        routes.MapGet("/", ListInvitations).WithName("ListInvitations" + nameSuffix).WithSummary("Open invitations.");
        routes.MapPost("/", Invite).WithName("InviteUser" + nameSuffix)
            .WithSummary("Invite a person by email with roles; returns the one-time link to pass on.");
        routes.MapDelete("/{id:guid}", async Task<Results<NoContent, NotFound>> (Guid id, UserAdmin admin, CancellationToken ct) =>
            {
                await admin.RevokeInvitationAsync(id, ct);
                return TypedResults.NoContent();
            })
            .WithName("RevokeInvitation" + nameSuffix).WithSummary("Revoke an open invitation.");
    }

    private static async Task<Results<Ok<CurrentUser>, NotFound>> GetMe(Caller caller, UserManager<ConsoleUser> users)
    {
        var id = caller.UserId;
        var user = id is null ? null : await users.FindByIdAsync(id);
        if (user is null)
        {
            return TypedResults.NotFound();
        }
        var roles = await users.GetRolesAsync(user);
        var permissions = caller.Granted.Order().ToList();
        return TypedResults.Ok(new CurrentUser(user.Id, user.Email ?? "", [.. roles.Order()], permissions));
    }

    private static async Task<Ok<List<UserSummary>>> ListUsers(UserQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.ListAsync(ct));

    // UserAdmin throws what it refuses (404, 400 with fields, 403), answered by Common; the unions name those answers.
    private static async Task<Results<Ok<UserSummary>, NotFound, ValidationProblem, ProblemHttpResult>> SetRoles(
        string id, SetRolesRequest request, UserAdmin admin, CancellationToken ct) =>
        TypedResults.Ok(await admin.SetRolesAsync(id, request.Roles, ct));

    private static async Task<Results<Ok<UserSummary>, NotFound, ValidationProblem>> SetLock(string id, bool locked, UserAdmin admin, CancellationToken ct) =>
        TypedResults.Ok(await admin.SetLockAsync(id, locked, ct));

    private static async Task<Ok<List<InvitationSummary>>> ListInvitations(UserQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.OpenInvitationsAsync(ct));

    private static async Task<Results<Created<InvitationCreated>, ValidationProblem, ProblemHttpResult>> Invite(
        InviteUserRequest request, UserAdmin admin, HttpContext http, CancellationToken ct)
    {
        var invitation = await admin.InviteAsync(request, PublicUrl.For(http), ct);
        return TypedResults.Created($"{ApiConventions.Prefix}/invitations/{invitation.Id}", invitation);
    }
}
