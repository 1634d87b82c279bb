using Mono.Cecil;
using Mono.Cecil.Cil;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Realtime;
using SecurityConsole.Shared.Realtime;

namespace SecurityConsole.Server.Tests.Architecture;

/// <summary>
/// The seams of docs/architecture.md, read from the compiled assemblies (every type reference in signatures and
/// method bodies, lambdas and async state machines included). A new feature folder goes into <see cref="Features"/>;
/// a new way for one feature to use another goes into <see cref="Doors"/>, where a reviewer sees it.
/// </summary>
public sealed class ArchitectureTests
{
    private const string Server = "SecurityConsole.Server.";

    /// <summary>The feature folders. Each may use the base layers and other features only through <see cref="Doors"/>.</summary>
    private static readonly string[] Features = ["Audit", "Compliance", "Dashboard", "Detection", "Keys", "Reports", "Users"];

    /// <summary>The top layer: it assembles the features (Hosting, the account pages) or writes through them (the demo); no feature imports it.</summary>
    private static readonly string[] Top = ["Hosting", "Components", "Demo"];

    /// <summary>The base layers: they import no feature and no Hosting. Common imports nothing of the server at all.</summary>
    private static readonly Dictionary<string, string[]> BaseMayUse = new()
    {
        ["Common"] = [],
        ["Events"] = ["Common"],
        ["Realtime"] = ["Common"],
        // Who is calling and what they may do: every feature uses it, so it uses none. Signing in (Identity, the API-key
        // scheme) is assembled by Hosting from Users and Keys (Hosting/SecurityHosting.cs).
        ["Security"] = ["Common"],
    };

    /// <summary>
    /// The allowed doors between features: a feature's public services and records that others may use. Anything a
    /// feature uses of another feature that is not listed here fails the build's tests. Every feature may also use
    /// Common, Events (to raise security events), Realtime (the typed hub), Data (the one database context) and
    /// Security (permissions and the acting person).
    /// </summary>
    private static readonly Dictionary<string, string[]> Doors = new()
    {
        // Writing the audit trail (every change of state is audited in its transaction), and the retention windows
        // and legal holds that other features' retention must respect. AuditFacts and AuditReportQueries are its reads
        // for compliance checks and report data, AuditReader and PersonalData the masked audit search reports print, and
        // AuditExportRow the row of its export (a report's audit extract).
        // The entity types after them are what the compliance interceptor classifies as check inputs when committed.
        ["Audit"] = ["AuditTrail", "AuditEvent", "AuditActions", "AuditEntry", "AuditCategories", "AuditOutcomes", "AuditRetentionJob", "AuditLegalHold",
            "AuditFacts", "AuditEntryFact", "CheckpointFact", "ErasureFact", "ChainVerificationFact", "AuditReportQueries", "AuditReader", "AuditExportRow",
            "PersonalData",
            // People named as the trail names them for a reader (masked without pii:read): an access review's reviewers.
            "AuditNames",
            "AuditCheckpoint", "AuditRetentionSetting", "AuditSubjectKey",
            // The pseudonym key: alerts mask a person with the same stable tag as the audit trail (ADR 0065).
            "AuditKeys",
            // The dashboard's figures.
            "AuditCounts",
            // Where the audit feature asks for its retention floors: Compliance answers from the enabled frameworks' files.
            "IRetentionFloors"],
        // The person, named as owner, requester or actor; invitations are read by the dashboard;
        // UserFacts and UserReportQueries are its reads for compliance checks and report data.
        // UserAdmin is the role change an access review's revoke goes through, with its rules (the last admin stays).
        // UserCounts are the dashboard's figures. AdminPresence is the step-up (an admin signed in with two-factor) that
        // the key policy's change asks for.
        ["Users"] = ["ConsoleUser", "UserFacts", "UserFact", "UserReportQueries", "UserReportRow", "UserAdmin", "UserCounts", "AdminPresence"],
        // The key records the event senders list reads and the compliance interceptor classifies when committed (with the
        // key policy's setting name); KeyCounts are the dashboard's figures; KeyComplianceFacts and KeyReportQueries are
        // its reads for compliance checks and report data.
        ["Keys"] = ["ApiKey", "KeyRequest", "KeyPolicyStore", "KeyCounts",
            "KeyComplianceFacts", "KeyFact", "KeyRequestFact", "KeyReportQueries", "KeyReportRow",
            // The key revoke an access review's revoke goes through, as the reviewer (the scope's Caller), with its rules.
            "KeyManagement"],
        // Raising an alert into the live feed (compliance status changes) and telling open pages; reads for compliance
        // checks and report data; Alert and DetectionRule are classified by the compliance interceptor when committed.
        ["Detection"] = ["ConsoleAlerts", "Alert", "AlertBroadcaster", "AlertFacts", "AlertFact", "RuleFact", "AlertReportQueries", "AlertReportRow",
            "DetectionRule"],
        ["Dashboard"] = [],
        // The posture a compliance report prints, as recorded at a moment (ComplianceReportQueries, with its records), and
        // the renderer of an evidence pack's posture report, which Reports implements with its built-in template (ADR 0075).
        ["Compliance"] = ["ComplianceReportQueries", "FrameworkPostureFact", "RequirementPostureFact", "PostureDayFact", "ControlPeriodFact",
            "IPostureReportRenderer"],
        // Nothing: Compliance asks Reports for the pack's report through its own IPostureReportRenderer, so the features do
        // not depend on each other both ways.
        ["Reports"] = [],
    };

    private static readonly Lazy<IReadOnlyList<(string From, string To)>> ServerDependencies =
        new(() => Dependencies(typeof(ConsoleHub).Assembly.Location));

    [Fact]
    public void TheDependencyReaderSeesWhatFeaturesUse()
    {
        // Guards the rules below against passing vacuously: Keys raises events, Detection sends through the typed hub.
        Assert.Contains(ServerDependencies.Value, d => d.From.StartsWith(Server + "Keys.", StringComparison.Ordinal) && d.To == Server + "Events.ConsoleSecurityEvents");
        Assert.Contains(ServerDependencies.Value, d => d.From.StartsWith(Server + "Detection.", StringComparison.Ordinal) && d.To == "SecurityConsole.Shared.Realtime.IConsoleClient");
    }

    [Fact]
    public void NoFeatureImportsHosting()
    {
        var wrong = ServerDependencies.Value
            .Where(d => Features.Any(f => In(d.From, f)) && Top.Any(t => In(d.To, t)))
            .Select(Describe).Distinct().Order().ToList();
        Assert.True(wrong.Count == 0, "A feature imports the top layer (Hosting, the account pages or the demo), which assembles the features:\n" + string.Join("\n", wrong));
    }

    /// <summary>
    /// Each feature owns its whole contract in one file: <c>&lt;Feature&gt;/&lt;Feature&gt;Feature.cs</c> implements
    /// <see cref="IConsoleFeature"/> (services, endpoints, preparation, recurring jobs), and every implementation is a feature
    /// folder named in <see cref="Features"/>.
    /// </summary>
    [Fact]
    public void EachFeatureHasOneFeatureFileThatImplementsTheContract()
    {
        var implementations = typeof(ConsoleHub).Assembly.GetTypes()
            .Where(t => typeof(IConsoleFeature).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false })
            .Select(t => t.FullName!).Order().ToList();
        Assert.Equal(Features.Select(f => $"{Server}{f}.{f}Feature").Order().ToList(), implementations);
    }

    /// <summary>
    /// The features are listed once, in Program.cs: nothing else constructs a feature, and the host (ConsoleHost, ConsoleFeatures)
    /// names none of them; it loops over the list for services, endpoints, preparation, demo order and jobs.
    /// </summary>
    [Fact]
    public void TheFeaturesAreListedOnceInProgramAndTheHostLoopsOverThem()
    {
        using var module = ModuleDefinition.ReadModule(typeof(ConsoleHub).Assembly.Location);
        var constructed = new List<(string Where, string Feature)>();
        foreach (var type in module.GetTypes())
        {
            foreach (var method in type.Methods.Where(m => m.HasBody))
            {
                foreach (var instruction in method.Body.Instructions)
                {
                    if (instruction.OpCode == OpCodes.Newobj && instruction.Operand is MethodReference ctor
                        && Features.Any(f => ctor.DeclaringType.FullName == $"{Server}{f}.{f}Feature"))
                    {
                        constructed.Add((Outermost(type).FullName, ctor.DeclaringType.Name));
                    }
                }
            }
        }
        Assert.All(constructed, c => Assert.Equal("Program", c.Where));
        Assert.Equal(Features.Select(f => f + "Feature").Order().ToList(), constructed.Select(c => c.Feature).Order().ToList());

        var named = ServerDependencies.Value
            .Where(d => (d.From == Server + "Hosting.ConsoleHost" || d.From == Server + "Hosting.ConsoleFeatures") && Features.Any(f => In(d.To, f)))
            .Select(Describe).Distinct().Order().ToList();
        Assert.True(named.Count == 0, "The host names a feature instead of looping over Program's list:\n" + string.Join("\n", named));
    }

    [Fact]
    public void SetupIsFoldedIntoUsers()
    {
        var setup = typeof(ConsoleHub).Assembly.GetTypes()
            .Where(t => t.Namespace is { } ns && (ns == Server + "Setup" || ns.StartsWith(Server + "Setup.", StringComparison.Ordinal)))
            .Select(t => t.FullName).ToList();
        Assert.True(setup.Count == 0, "Setup is part of Users (the first admin is a user); found:\n" + string.Join("\n", setup));
    }

    [Fact]
    public void TheBaseLayersImportNoFeatureAndNoHosting()
    {
        var wrong = ServerDependencies.Value
            .Where(d => BaseMayUse.Keys.FirstOrDefault(b => In(d.From, b)) is { } layer
                && d.To.StartsWith(Server, StringComparison.Ordinal) && !In(d.To, layer) && !BaseMayUse[layer].Any(allowed => In(d.To, allowed)))
            .Select(Describe).Distinct().Order().ToList();
        Assert.True(wrong.Count == 0, "A base layer imports something above it:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void FeaturesUseEachOtherOnlyThroughTheirDoors()
    {
        var wrong = ServerDependencies.Value
            .Where(d => Features.FirstOrDefault(f => In(d.From, f)) is { } from
                && Features.FirstOrDefault(f => In(d.To, f)) is { } to && to != from
                && !Doors[to].Any(door => d.To == $"{Server}{to}.{door}"))
            .Select(Describe).Distinct().Order().ToList();
        Assert.True(wrong.Count == 0, "A feature uses another feature's internals (use events, the typed hub, or add a door in this test):\n" + string.Join("\n", wrong));
    }

    /// <summary>
    /// Services speak the domain, endpoints speak HTTP: in the features and in Security, nothing but the endpoint classes
    /// (named …Endpoints) and the authentication and authorization handlers (…Handler, parts of the HTTP pipeline) builds an
    /// HTTP result. A service returns a value or throws a <c>Common.DomainException</c>, which Common maps to problem
    /// details once, so the CLI, jobs and the demo can call it.
    /// </summary>
    [Fact]
    public void OnlyEndpointsBuildHttpResults()
    {
        static bool IsHttpResult(string type) =>
            type.StartsWith("Microsoft.AspNetCore.Http.HttpResults.", StringComparison.Ordinal)
            || type is "Microsoft.AspNetCore.Http.TypedResults" or "Microsoft.AspNetCore.Http.Results";
        Assert.Contains(ServerDependencies.Value, d => d.From == Server + "Keys.KeyEndpoints" && IsHttpResult(d.To));
        var wrong = ServerDependencies.Value
            .Where(d => IsHttpResult(d.To) && (Features.Any(f => In(d.From, f)) || In(d.From, "Security"))
                && !d.From.EndsWith("Endpoints", StringComparison.Ordinal) && !d.From.EndsWith("Handler", StringComparison.Ordinal))
            .Select(Describe).Distinct().Order().ToList();
        Assert.True(wrong.Count == 0, "A service builds HTTP results (return a value or throw a Common.DomainException instead):\n" + string.Join("\n", wrong));
    }

    /// <summary>
    /// Who is calling is one scoped object (<c>Security.Caller</c>): services and endpoints take it from DI (an endpoint as a
    /// parameter), jobs, the CLI and the demo set it with <c>ActAs</c>. A feature's type that reads claims itself
    /// (FindFirstValue, FindAll, a Claim) is a second way; only Security (Caller) and the sign-in pipeline's parts that
    /// turn a credential into claims (an authentication handler, the claims-principal factory) touch them.
    /// </summary>
    [Fact]
    public void ServicesLearnWhoIsCallingFromTheCallerObjectNotFromClaims()
    {
        // ClaimTypes' names are constants, compiled into the caller: reading a claim shows as FindFirstValue or a Claim.
        static bool ReadsClaims(string type) => type is "System.Security.Claims.Claim" or "System.Security.Claims.PrincipalExtensions";
        Assert.Contains(ServerDependencies.Value, d => d.From == Server + "Security.Caller" && ReadsClaims(d.To));
        var wrong = ServerDependencies.Value
            .Where(d => ReadsClaims(d.To) && Features.Any(f => In(d.From, f))
                && !d.From.EndsWith("AuthenticationHandler", StringComparison.Ordinal) && !d.From.EndsWith("ClaimsPrincipalFactory", StringComparison.Ordinal))
            .Select(Describe).Distinct().Order().ToList();
        Assert.True(wrong.Count == 0, "A feature reads the caller's claims itself (take Security.Caller from DI instead):\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void ConsoleSharedReferencesNeitherAspNetCoreNorEntityFramework()
    {
        using var module = ModuleDefinition.ReadModule(typeof(IConsoleClient).Assembly.Location);
        var wrong = module.AssemblyReferences.Select(a => a.Name)
            .Concat(module.GetTypeReferences().Select(t => t.Namespace))
            .Where(n => n.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) || n.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal))
            .Distinct().Order().ToList();
        Assert.True(wrong.Count == 0, "Console.Shared runs in the browser and must stay plain .NET; it references:\n" + string.Join("\n", wrong));
    }

    private static bool In(string type, string layer) => type.StartsWith(Server + layer + ".", StringComparison.Ordinal);

    private static string Describe((string From, string To) d) => $"{d.From} -> {d.To}";

    /// <summary>(using type, used type) for every type of the assembly, nested and compiler-generated types counted as their outermost type.</summary>
    private static List<(string From, string To)> Dependencies(string path)
    {
        using var module = ModuleDefinition.ReadModule(path);
        var found = new HashSet<(string, string)>();
        foreach (var type in module.GetTypes())
        {
            var from = Outermost(type).FullName;
            void Use(TypeReference? t)
            {
                switch (t)
                {
                    case null:
                        return;
                    case GenericInstanceType g:
                        Use(g.ElementType);
                        foreach (var a in g.GenericArguments)
                        {
                            Use(a);
                        }
                        return;
                    case TypeSpecification s:
                        Use(s.ElementType);
                        return;
                    case GenericParameter:
                        return;
                }
                var outer = t;
                while (outer.DeclaringType is { } declaring)
                {
                    outer = declaring;
                }
                found.Add((from, outer.FullName));
            }
            void UseMethod(MethodReference m)
            {
                Use(m.DeclaringType);
                Use(m.ReturnType);
                foreach (var p in m.Parameters)
                {
                    Use(p.ParameterType);
                }
                if (m is GenericInstanceMethod gm)
                {
                    foreach (var a in gm.GenericArguments)
                    {
                        Use(a);
                    }
                }
            }
            void UseAttributes(Mono.Collections.Generic.Collection<CustomAttribute> attributes)
            {
                foreach (var a in attributes)
                {
                    Use(a.AttributeType);
                }
            }
            Use(type.BaseType);
            UseAttributes(type.CustomAttributes);
            foreach (var i in type.Interfaces)
            {
                Use(i.InterfaceType);
            }
            foreach (var f in type.Fields)
            {
                Use(f.FieldType);
                UseAttributes(f.CustomAttributes);
            }
            foreach (var p in type.Properties)
            {
                Use(p.PropertyType);
                UseAttributes(p.CustomAttributes);
            }
            foreach (var m in type.Methods)
            {
                UseMethod(m);
                UseAttributes(m.CustomAttributes);
                if (!m.HasBody)
                {
                    continue;
                }
                foreach (var v in m.Body.Variables)
                {
                    Use(v.VariableType);
                }
                foreach (var instruction in m.Body.Instructions)
                {
                    switch (instruction.Operand)
                    {
                        case TypeReference t:
                            Use(t);
                            break;
                        case MethodReference r:
                            UseMethod(r);
                            break;
                        case FieldReference f:
                            Use(f.DeclaringType);
                            Use(f.FieldType);
                            break;
                    }
                }
            }
        }
        return [.. found.Where(d => d.Item1 != d.Item2)];
    }

    private static TypeDefinition Outermost(TypeDefinition type)
    {
        while (type.DeclaringType is { } declaring)
        {
            type = declaring;
        }
        return type;
    }
}
