using System.Collections;
using System.Reflection;
using Fluid;
using Fluid.Ast;
using SecurityConsole.Shared.Reports;

namespace SecurityConsole.Server.Reports.Templates;

/// <summary>
/// Template consistency checking before a save: the size limit, syntax (with line and column), every variable and member
/// against the documented data model of the report type, every filter against those the sandbox offers, no
/// include/render, and the sections the type requires.
/// </summary>
public sealed class TemplateValidator(TemplateEngine engine)
{
    /// <summary>What a template of each type must use: without these it would not be that report.</summary>
    public static IReadOnlyList<string> RequiredPaths(ReportTypeInfo type) => ["report.title", $"{type.DataRoot}"];

    public TemplateValidation Validate(string type, string source)
    {
        var info = ReportTypes.Find(type) ?? throw new ArgumentException($"Unknown report type {type}.", nameof(type));
        if (source.Length > TemplateLimits.MaxSourceLength)
        {
            return Invalid(new TemplateProblem($"The template is {source.Length:N0} characters; at most {TemplateLimits.MaxSourceLength:N0} are allowed.", null, null));
        }
        var (template, error) = engine.Parse(source);
        if (error is not null)
        {
            return Invalid(error);
        }
        var checker = new ModelChecker(info, engine.Options.Filters);
        checker.Collect(template!);
        checker.VisitTemplate(template!);
        var problems = checker.Problems.Select(p => Locate(source, p)).ToList();
        foreach (var required in RequiredPaths(info).Where(r => !checker.Used.Contains(r)))
        {
            problems.Add(new TemplateProblem($"A {info.Title.ToLowerInvariant()} template must use '{required}'.", null, null));
        }
        return new TemplateValidation(problems.Count == 0, problems);
    }

    private static TemplateValidation Invalid(TemplateProblem problem) => new(false, [problem]);

    /// <summary>The AST has no positions: a problem points at the first place its text appears inside a tag or output.</summary>
    private static TemplateProblem Locate(string source, (string Message, string Needle) p)
    {
        var index = -1;
        for (var start = source.IndexOf('{'); start >= 0 && index < 0; start = source.IndexOf('{', start + 1))
        {
            var end = source.IndexOf('}', start);
            var found = source.IndexOf(p.Needle, start, StringComparison.Ordinal);
            if (found >= 0 && (end < 0 || found < end))
            {
                index = found;
            }
        }
        if (index < 0)
        {
            return new TemplateProblem(p.Message, null, null);
        }
        var line = 1 + source.AsSpan(0, index).Count('\n');
        var column = index - (source.LastIndexOf('\n', Math.Max(0, index - 1)) + 1) + 1;
        if (index == 0)
        {
            column = 1;
        }
        return new TemplateProblem(p.Message, line, column);
    }

    private sealed class ModelChecker(ReportTypeInfo info, FilterCollection filters) : AstVisitor
    {
        private static readonly HashSet<string> ListMembers = ["size", "first", "last"];
        private readonly Dictionary<string, Type?> _locals = new(StringComparer.Ordinal);
        private bool _collecting;

        public List<(string Message, string Needle)> Problems { get; } = [];

        /// <summary>Model paths the template reads directly ("report.title", "audit.rows").</summary>
        public HashSet<string> Used { get; } = new(StringComparer.Ordinal);

        /// <summary>A first pass names every local (assign, capture, for) so that a later use of one is not taken for unknown.</summary>
        public void Collect(IFluidTemplate template)
        {
            _collecting = true;
            VisitTemplate(template);
            _collecting = false;
        }

        protected override Statement VisitForStatement(ForStatement s)
        {
            _locals.TryAdd(s.Identifier, ElementType(TypeOf(s.Source)));
            return base.VisitForStatement(s);
        }

        protected override Statement VisitAssignStatement(AssignStatement s)
        {
            _locals.TryAdd(s.Identifier, s.Value is MemberExpression m ? TypeOf(m) : null);
            return base.VisitAssignStatement(s);
        }

        protected override Statement VisitCaptureStatement(CaptureStatement s)
        {
            _locals.TryAdd(s.Identifier, typeof(string));
            return base.VisitCaptureStatement(s);
        }

        protected override Statement VisitIncludeStatement(IncludeStatement s)
        {
            Report("'include' is not available: templates cannot read files.", "include");
            return base.VisitIncludeStatement(s);
        }

        protected override Statement VisitRenderStatement(RenderStatement s)
        {
            Report("'render' is not available: templates cannot read files.", "render");
            return base.VisitRenderStatement(s);
        }

        protected override Expression VisitFilterExpression(FilterExpression f)
        {
            if (!filters.TryGetValue(f.Name, out _))
            {
                Report($"Unknown filter '{f.Name}'.", f.Name);
            }
            return base.VisitFilterExpression(f);
        }

        protected override Expression VisitMemberExpression(MemberExpression m)
        {
            if (!_collecting)
            {
                Check(m);
            }
            return base.VisitMemberExpression(m);
        }

        private void Check(MemberExpression m)
        {
            if (m.Segments.Count == 0 || m.Segments[0] is not IdentifierSegment { Identifier: var root })
            {
                return;
            }
            Type? type;
            var path = root;
            var fromModel = false;
            if (_locals.TryGetValue(root, out var local))
            {
                type = local;
            }
            else if (root is "forloop" or "empty" or "blank" or "nil" or "null" or "true" or "false")
            {
                return;
            }
            else if (Property(typeof(ReportModel), root) is { } p)
            {
                if (root != "report" && root != info.DataRoot)
                {
                    Report($"'{root}' is not part of a {info.Title.ToLowerInvariant()} report; its data is '{info.DataRoot}'.", root);
                    return;
                }
                type = p.PropertyType;
                fromModel = true;
                Used.Add(path);
            }
            else
            {
                Report($"Unknown variable '{root}'. A {info.Title.ToLowerInvariant()} template can read 'report' and '{info.DataRoot}'.", root);
                return;
            }
            foreach (var segment in m.Segments.Skip(1))
            {
                if (type is null)
                {
                    return;
                }
                switch (segment)
                {
                    case IdentifierSegment { Identifier: var name }:
                        var element = ElementType(type);
                        if (element is not null)
                        {
                            if (!ListMembers.Contains(name))
                            {
                                Report($"'{path}' is a list: use size, first, last or a for loop, not '{name}'.", name);
                                return;
                            }
                            type = name == "size" ? typeof(int) : element;
                        }
                        else if (type == typeof(string))
                        {
                            type = name == "size" ? typeof(int) : null;
                            if (type is null)
                            {
                                Report($"'{path}' is text and has no '{name}'.", name);
                                return;
                            }
                        }
                        else if (Property(type, name) is { } property)
                        {
                            type = property.PropertyType;
                        }
                        else
                        {
                            Report($"'{path}' has no member '{name}'.", name);
                            return;
                        }
                        path += "." + name;
                        break;
                    case IndexerSegment:
                        type = ElementType(type);
                        path += "[]";
                        break;
                    default:
                        Report("Function calls are not available.", path);
                        return;
                }
                if (fromModel)
                {
                    Used.Add(path);
                }
            }
        }

        private Type? TypeOf(Expression e)
        {
            if (e is not MemberExpression m || m.Segments.Count == 0 || m.Segments[0] is not IdentifierSegment { Identifier: var root })
            {
                return null;
            }
            var type = _locals.TryGetValue(root, out var local) ? local : Property(typeof(ReportModel), root)?.PropertyType;
            foreach (var segment in m.Segments.Skip(1))
            {
                type = segment switch
                {
                    _ when type is null => null,
                    IdentifierSegment { Identifier: "first" or "last" } when ElementType(type) is { } el => el,
                    IdentifierSegment { Identifier: var name } => Property(type, name)?.PropertyType,
                    IndexerSegment => ElementType(type),
                    _ => null,
                };
            }
            return type;
        }

        private void Report(string message, string needle)
        {
            if (!_collecting && !Problems.Any(p => p.Message == message))
            {
                Problems.Add((message, needle));
            }
        }

        private static Type? ElementType(Type? type) =>
            type is null || type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type)
                ? null
                : type.IsArray ? type.GetElementType() : type.GetGenericArguments().FirstOrDefault();

        private static PropertyInfo? Property(Type type, string snakeName)
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            return TemplateEngine.ModelTypes.Contains(type)
                ? type.GetProperties(BindingFlags.Public | BindingFlags.Instance).FirstOrDefault(p => SnakeCase(p.Name) == snakeName)
                : null;
        }

        // The same names Fluid's MemberNameStrategies.SnakeCase gives the model's properties.
        internal static string SnakeCase(string name) =>
            string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));
    }
}
