using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Tests.Security;

/// <summary>
/// Every operation of the OpenAPI document, called as anonymous, as a key holding each single scope and as a person
/// of each role (signed in, cookie and CSRF header as the UI sends), against the outcome the authorization table
/// predicts: 401 for anonymous, 403 for too little, anything else for allowed. Inputs are valid-looking but harmless:
/// ids of objects that do not exist (404 proves authorization passed) and bodies that fail validation (400).
/// </summary>
public sealed class AuthorizationMatrixTests(SqliteConsole console) : IClassFixture<SqliteConsole>
{
    private ConsoleFactory Factory => console.Factory;

    [Fact]
    public async Task EveryOperationAnswersEveryCallerAsTheAuthorizationTableSays()
    {
        var operations = await OpenApiOperation.ReadAllAsync(Factory.CreateClient());
        var unlisted = operations.Where(o => ApiAuthorization.Find(o.Method, o.Route) is null).ToList();
        Assert.True(unlisted.Count == 0,
            "Operations without an entry in the authorization table (Console.Shared/Security/ApiAuthorization.cs):\n" + string.Join('\n', unlisted));
        var stale = ApiAuthorization.Operations.Where(e => !operations.Any(o => o.Method == e.Method && o.Route == e.Route)).ToList();
        Assert.True(stale.Count == 0, "Table entries the OpenAPI document does not have:\n" + string.Join('\n', stale));

        var callers = await CallersAsync();
        var calls = operations.SelectMany(o => callers.Select(c => (Operation: o, Caller: c))).ToList();
        var outcomes = new ConcurrentBag<Outcome>();
        // A few at a time: enough to keep several thousand calls short, few enough for a loaded two-core machine.
        await Parallel.ForEachAsync(calls, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = Ct }, async (call, ct) =>
        {
            var access = ApiAuthorization.Find(call.Operation.Method, call.Operation.Route)!.Access;
            using var response = await call.Caller.Client.SendAsync(call.Operation.Request(), ct);
            outcomes.Add(new Outcome(call.Operation, call.Caller.Name, call.Caller.Expect(access), response.StatusCode));
        });

        var wrong = outcomes.Where(o => !o.AsExpected).OrderBy(o => o.Operation.ToString()).ThenBy(o => o.Caller).ToList();
        var report = new StringBuilder()
            .AppendLine($"Authorization matrix: {operations.Count} operations × {callers.Count} callers = {calls.Count} calls; "
                + $"{calls.Count - wrong.Count} as expected, {wrong.Count} not.")
            .AppendLine("  answers: " + string.Join(", ", outcomes.GroupBy(o => (int)o.Status).OrderBy(g => g.Key).Select(g => $"{g.Key} × {g.Count()}")));
        foreach (var o in wrong)
        {
            report.AppendLine($"  {o.Operation} as {o.Caller}: expected {o.Expected}, got {(int)o.Status}");
        }
        // In the test's output, and as a diagnostic message so that a plain `dotnet test` run shows it too.
        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
        TestContext.Current.SendDiagnosticMessage(report.ToString().TrimEnd());
        Assert.True(wrong.Count == 0, report.ToString());
        // Authorization passing must not be the end of the road for a harmless input either: no call broke the server.
        Assert.DoesNotContain(outcomes, o => (int)o.Status >= 500);
    }

    private async Task<List<Caller>> CallersAsync()
    {
        var callers = new List<Caller>
        {
            new("anonymous", null, new HashSet<string>(), Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false })),
        };
        foreach (var permission in Permissions.All)
        {
            var (client, _) = await Factory.KeyClientAsync(permission);
            callers.Add(new($"key [{permission}]", CallerKinds.Key, new HashSet<string>([permission]), client));
        }
        foreach (var role in Roles.All)
        {
            callers.Add(new($"{role} (signed in)", CallerKinds.Person, Roles.PermissionsOf([role]), await Factory.SignedInClientAsync(role)));
        }
        return callers;
    }

    private sealed record Caller(string Name, CallerKinds? Kind, IReadOnlySet<string> Permissions, HttpClient Client)
    {
        public Expected Expect(ApiAccess access) => access.Public ? Expected.Allowed
            : Kind is not { } kind ? Expected.Unauthorized
            : access.Allows(kind, Permissions) ? Expected.Allowed
            : Expected.Forbidden;
    }

    private enum Expected
    {
        Allowed,
        Unauthorized,
        Forbidden,
    }

    private sealed record Outcome(OpenApiOperation Operation, string Caller, Expected Expected, HttpStatusCode Status)
    {
        public bool AsExpected => Expected switch
        {
            Expected.Unauthorized => Status == HttpStatusCode.Unauthorized,
            Expected.Forbidden => Status == HttpStatusCode.Forbidden,
            Expected.Allowed => Status is not HttpStatusCode.Unauthorized and not HttpStatusCode.Forbidden,
        };
    }
}

/// <summary>One operation as the OpenAPI document describes it, and a harmless request for it.</summary>
internal sealed record OpenApiOperation(string Method, string Route, string? OperationId, IReadOnlyList<(string Name, string Type, string? Format)> PathParameters, bool HasBody)
{
    /// <summary>Bodies that would be valid as <c>{}</c> and change something: made invalid instead, so only authorization is exercised.</summary>
    private static readonly Dictionary<string, string> Bodies = new(StringComparer.Ordinal)
    {
        ["RotateCallingKey"] = """{ "graceHours": -1 }""",
    };

    public static async Task<List<OpenApiOperation>> ReadAllAsync(HttpClient client)
    {
        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json", Ct));
        var operations = new List<OpenApiOperation>();
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var method in path.Value.EnumerateObject().Where(m => m.Name is "get" or "post" or "put" or "patch" or "delete"))
            {
                var parameters = method.Value.TryGetProperty("parameters", out var ps)
                    ? ps.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "path")
                        .Select(p => (p.GetProperty("name").GetString()!, Type(p), Format(p))).ToList()
                    : [];
                operations.Add(new OpenApiOperation(method.Name.ToUpperInvariant(), path.Name,
                    method.Value.TryGetProperty("operationId", out var id) ? id.GetString() : null, parameters,
                    method.Value.TryGetProperty("requestBody", out _)));
            }
        }
        return operations;
    }

    public HttpRequestMessage Request()
    {
        var path = Route;
        foreach (var (name, type, format) in PathParameters)
        {
            // Ids of nothing: a 404 (or a 400 for an id of the wrong shape) means authorization let the call through.
            var value = format == "uuid" ? Guid.NewGuid().ToString() : type == "integer" ? "987654321" : "no-such-thing";
            path = path.Replace($"{{{name}}}", value, StringComparison.Ordinal);
        }
        var request = new HttpRequestMessage(new HttpMethod(Method), path);
        if (HasBody)
        {
            request.Content = new StringContent(OperationId is not null && Bodies.TryGetValue(OperationId, out var body) ? body : "{}",
                Encoding.UTF8, "application/json");
        }
        return request;
    }

    public override string ToString() => $"{Method} {Route}";

    private static string Type(JsonElement parameter) =>
        parameter.TryGetProperty("schema", out var s) && s.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "string";

    private static string? Format(JsonElement parameter) =>
        parameter.TryGetProperty("schema", out var s) && s.TryGetProperty("format", out var f) ? f.GetString() : null;
}
