using System.Globalization;
using SecurityConsole.Shared.Audit;
using SecurityConsole.Shared.Compliance;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SecurityConsole.Server.Compliance;

/// <summary>A framework or catalogue file that cannot be used: every problem found, each with its file and line.</summary>
public sealed class CatalogueException(IReadOnlyList<string> problems)
    : Exception("The compliance frameworks cannot be loaded:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  " + p)))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>
/// Reads every framework file (<c>*.yaml</c> but <c>controls.yaml</c>) and the control catalogue (<c>controls.yaml</c>) from
/// the built-in folder and any extra folders, and checks them against each other and against the checks the code has. Nothing
/// is skipped: any problem (a malformed file, a duplicate id, a parent or a mapping that names nothing, an unknown check)
/// fails the whole load with every problem listed as "file:line: what is wrong".
/// </summary>
public static class CatalogueLoader
{
    public const string CatalogueFile = "controls.yaml";
    public const int Format = 1;

    public static ComplianceCatalogue Load(IEnumerable<string> directories, IReadOnlySet<string> knownChecks)
    {
        var problems = new List<string>();
        var frameworks = new List<Framework>();
        var controls = new List<Control>();
        var frameworkMaps = new List<(string File, int Line, string Control, ControlMapping Mapping)>();
        var controlLines = new Dictionary<string, (string File, int Line)>(StringComparer.Ordinal);
        foreach (var dir in directories)
        {
            if (!Directory.Exists(dir))
            {
                problems.Add($"{dir}: the folder does not exist.");
                continue;
            }
            foreach (var path in Directory.GetFiles(dir, "*.yaml").Order(StringComparer.Ordinal))
            {
                var reader = new Reader(path, problems);
                if (reader.Root() is not { } root)
                {
                    continue;
                }
                if (Path.GetFileName(path) == CatalogueFile)
                {
                    ReadControls(reader, root, controls, controlLines);
                }
                else if (ReadFramework(reader, root, frameworkMaps) is { } framework)
                {
                    if (frameworks.FirstOrDefault(f => f.Id == framework.Id) is { } twin)
                    {
                        reader.Problem(root, $"framework id '{framework.Id}' is also used by {twin.File}.");
                    }
                    else
                    {
                        frameworks.Add(framework);
                    }
                }
            }
        }
        if (controls.Count == 0)
        {
            problems.Add($"{CatalogueFile}: no control catalogue was found (or it holds no controls).");
        }
        // A framework file may carry its own mappings to the catalogue's controls: adding a standard is adding one file.
        foreach (var (file, line, controlId, mapping) in frameworkMaps)
        {
            var i = controls.FindIndex(c => c.Id == controlId);
            if (i < 0)
            {
                problems.Add($"{file}:{line}: maps to control '{controlId}', which the catalogue does not have.");
                continue;
            }
            controls[i] = controls[i] with { Mappings = [.. controls[i].Mappings, mapping] };
            controlLines.TryAdd($"{controlId}|{mapping.Framework}|{mapping.Requirement}", (file, line));
        }
        var byId = frameworks.ToDictionary(f => f.Id, StringComparer.Ordinal);
        foreach (var control in controls)
        {
            var (file, line) = controlLines[control.Id];
            foreach (var check in control.Checks.Where(c => !knownChecks.Contains(c)))
            {
                problems.Add($"{file}:{line}: control '{control.Id}' names check '{check}', which does not exist.");
            }
            foreach (var m in control.Mappings)
            {
                (string File, int Line) where = controlLines.GetValueOrDefault($"{control.Id}|{m.Framework}|{m.Requirement}", (file, line));
                if (!byId.TryGetValue(m.Framework, out var fw))
                {
                    problems.Add($"{where.File}:{where.Line}: control '{control.Id}' maps to framework '{m.Framework}', which no file defines.");
                }
                else if (fw.Find(m.Requirement) is not { } req)
                {
                    problems.Add($"{where.File}:{where.Line}: control '{control.Id}' maps to requirement '{m.Requirement}', which {fw.Name} ({Path.GetFileName(fw.File)}) does not have.");
                }
                else if (!req.Assessable)
                {
                    problems.Add($"{where.File}:{where.Line}: control '{control.Id}' maps to '{m.Requirement}' of {fw.Name}, which is marked not assessable.");
                }
            }
        }
        if (problems.Count > 0)
        {
            throw new CatalogueException(problems);
        }
        return new ComplianceCatalogue(frameworks, controls);
    }

    private static Framework? ReadFramework(Reader r, YamlMappingNode root, List<(string, int, string, ControlMapping)> maps)
    {
        r.Allowed(root, "format", "id", "name", "version", "link", "requirements", "retention", "maps");
        r.FormatIs(root);
        var id = r.Id(root, "id");
        var name = r.Text(root, "name", required: true);
        var version = r.Text(root, "version", required: true);
        var link = r.Link(root, "link");
        var requirements = new List<Requirement>();
        foreach (var node in r.Sequence(root, "requirements", required: true))
        {
            if (r.Map(node) is not { } m)
            {
                continue;
            }
            r.Allowed(m, "id", "parent", "title", "link", "assessable");
            var rid = r.Text(m, "id", required: true, max: 64);
            var parent = r.Text(m, "parent", required: false, max: 64);
            var title = r.Text(m, "title", required: true, max: 200);
            if (rid is null || title is null)
            {
                continue;
            }
            if (requirements.Any(x => x.Id == rid))
            {
                r.Problem(m, $"requirement '{rid}' appears twice.");
                continue;
            }
            if (parent is not null && !requirements.Any(x => x.Id == parent))
            {
                r.Problem(m, $"requirement '{rid}' names parent '{parent}', which is not defined above it.");
                continue;
            }
            var req = new Requirement(rid, parent, title, r.Link(m, "link"), r.Bool(m, "assessable") ?? true, r.Line(m));
            req.Family = parent is null ? rid : requirements.First(x => x.Id == parent).Family;
            requirements.Add(req);
        }
        var floors = new List<RetentionFloorSpec>();
        foreach (var node in r.Sequence(root, "retention", required: false))
        {
            if (r.Map(node) is not { } m)
            {
                continue;
            }
            r.Allowed(m, "requirement", "days", "categories");
            var req = r.Text(m, "requirement", required: true);
            var days = r.Int(m, "days", 1, 36500);
            var categories = r.Strings(m, "categories");
            if (req is not null && !requirements.Any(x => x.Id == req))
            {
                r.Problem(m, $"retention floor names requirement '{req}', which this file does not define.");
            }
            foreach (var c in categories.Where(c => !AuditCategoryNames.All.Contains(c)))
            {
                r.Problem(m, $"retention floor names audit category '{c}'; known: {string.Join(", ", AuditCategoryNames.All)}.");
            }
            if (req is not null && days is not null && categories.Count > 0)
            {
                floors.Add(new RetentionFloorSpec(req, days.Value, categories));
            }
        }
        foreach (var node in r.Sequence(root, "maps", required: false))
        {
            if (r.Map(node) is { } m && id is not null && ReadMapping(r, m, id, "control") is { } x)
            {
                maps.Add((r.File, r.Line(m), x.Other, x.Mapping));
            }
        }
        return id is null || name is null || version is null || requirements.Count == 0 || r.Failed
            ? null
            : new Framework(id, name, version, link, r.File, requirements, floors);
    }

    private static void ReadControls(Reader r, YamlMappingNode root, List<Control> controls, Dictionary<string, (string File, int Line)> lines)
    {
        r.Allowed(root, "format", "version", "controls");
        r.FormatIs(root);
        r.Int(root, "version", 1, int.MaxValue);
        foreach (var node in r.Sequence(root, "controls", required: true))
        {
            if (r.Map(node) is not { } m)
            {
                continue;
            }
            r.Allowed(m, "id", "title", "description", "checks", "manual", "maps");
            var id = r.Id(m, "id");
            var title = r.Text(m, "title", required: true, max: 200);
            var description = r.Text(m, "description", required: true, max: 1000);
            var checks = r.Strings(m, "checks");
            var manual = r.Bool(m, "manual") ?? false;
            if (manual == (checks.Count > 0))
            {
                r.Problem(m, manual ? $"control '{id}' is manual and names checks; it is one or the other." : $"control '{id}' names no checks and is not marked manual: true.");
            }
            var mappings = new List<ControlMapping>();
            foreach (var mapNode in r.Sequence(m, "maps", required: true))
            {
                if (r.Map(mapNode) is { } mm && id is not null && ReadMapping(r, mm, null, "framework") is { } x)
                {
                    mappings.Add(x.Mapping);
                    lines.TryAdd($"{id}|{x.Mapping.Framework}|{x.Mapping.Requirement}", (r.File, r.Line(mm)));
                }
            }
            if (id is null || title is null || description is null)
            {
                continue;
            }
            if (lines.ContainsKey(id))
            {
                r.Problem(m, $"control '{id}' appears twice.");
                continue;
            }
            lines[id] = (r.File, r.Line(m));
            controls.Add(new Control(id, title, description, checks, manual, mappings));
        }
    }

    /// <summary>A mapping from a control's side (names the framework) or a framework's side (names the control).</summary>
    private static (string Other, ControlMapping Mapping)? ReadMapping(Reader r, YamlMappingNode m, string? framework, string otherKey)
    {
        r.Allowed(m, otherKey, "requirement", "relationship", "rationale");
        var other = r.Text(m, otherKey, required: true, max: 64);
        var requirement = r.Text(m, "requirement", required: true, max: 64);
        var relationship = r.Text(m, "relationship", required: true);
        var rationale = r.Text(m, "rationale", required: true, max: 500);
        if (relationship is not null && !ControlRelationships.All.Contains(relationship))
        {
            r.Problem(m, $"relationship '{relationship}' is not one of {string.Join(", ", ControlRelationships.All)}.");
            return null;
        }
        if (other is null || requirement is null || relationship is null || rationale is null)
        {
            return null;
        }
        return (other, new ControlMapping(framework ?? other, requirement, relationship, rationale));
    }

    /// <summary>Reads nodes and records what is wrong with them, each problem with the file and the node's line.</summary>
    private sealed class Reader(string file, List<string> problems)
    {
        private readonly int _before = problems.Count;

        public string File { get; } = file;

        public bool Failed => problems.Count > _before;

        public YamlMappingNode? Root()
        {
            try
            {
                var stream = new YamlStream();
                using var text = new StreamReader(File);
                stream.Load(text);
                if (stream.Documents.Count == 1 && stream.Documents[0].RootNode is YamlMappingNode root)
                {
                    return root;
                }
                problems.Add($"{File}:1: the file must hold one YAML mapping (id, name, requirements, ...).");
            }
            catch (YamlException ex)
            {
                problems.Add($"{File}:{ex.Start.Line}: not valid YAML: {ex.Message}");
            }
            return null;
        }

        public int Line(YamlNode node) => (int)node.Start.Line;

        public void Problem(YamlNode node, string what) => problems.Add($"{File}:{Line(node)}: {what}");

        public YamlMappingNode? Map(YamlNode node)
        {
            if (node is YamlMappingNode m)
            {
                return m;
            }
            Problem(node, "expected a mapping (key: value lines).");
            return null;
        }

        public void Allowed(YamlMappingNode m, params string[] keys)
        {
            foreach (var key in m.Children.Keys.OfType<YamlScalarNode>().Where(k => !keys.Contains(k.Value)))
            {
                Problem(key, $"unknown key '{key.Value}'; allowed here: {string.Join(", ", keys)}.");
            }
        }

        public void FormatIs(YamlMappingNode m)
        {
            if (Int(m, "format", 1, 1000) is { } f && f != Format)
            {
                Problem(m, $"format {f} is not supported; this console reads format {Format}.");
            }
        }

        private YamlNode? Get(YamlMappingNode m, string key) =>
            m.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

        public string? Text(YamlMappingNode m, string key, bool required, int max = 100)
        {
            var node = Get(m, key);
            if (node is null || node is YamlScalarNode { Value: null or "" })
            {
                if (required)
                {
                    Problem(m, $"'{key}' is missing.");
                }
                return null;
            }
            if (node is not YamlScalarNode { Value: { } value })
            {
                Problem(node, $"'{key}' must be a single value.");
                return null;
            }
            if (value.Length > max || value.Any(char.IsControl))
            {
                Problem(node, $"'{key}' must be one line of at most {max} characters.");
                return null;
            }
            return value.Trim();
        }

        public string? Id(YamlMappingNode m, string key)
        {
            var id = Text(m, key, required: true, max: 64);
            if (id is not null && !id.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            {
                Problem(Get(m, key)!, $"'{key}' must be lower-case letters, digits and hyphens: '{id}'.");
                return null;
            }
            return id;
        }

        public string? Link(YamlMappingNode m, string key)
        {
            var link = Text(m, key, required: false, max: 500);
            if (link is not null && !(Uri.TryCreate(link, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps))
            {
                Problem(Get(m, key)!, $"'{key}' must be an https address.");
                return null;
            }
            return link;
        }

        public bool? Bool(YamlMappingNode m, string key)
        {
            var text = Text(m, key, required: false);
            if (text is null)
            {
                return null;
            }
            if (bool.TryParse(text, out var b))
            {
                return b;
            }
            Problem(Get(m, key)!, $"'{key}' must be true or false.");
            return null;
        }

        public int? Int(YamlMappingNode m, string key, int min, int max)
        {
            var text = Text(m, key, required: true);
            if (text is null)
            {
                return null;
            }
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
            {
                return n;
            }
            Problem(Get(m, key)!, $"'{key}' must be a whole number from {min} to {max}.");
            return null;
        }

        public IReadOnlyList<YamlNode> Sequence(YamlMappingNode m, string key, bool required)
        {
            switch (Get(m, key))
            {
                case YamlSequenceNode s:
                    return [.. s.Children];
                case null:
                    if (required)
                    {
                        Problem(m, $"'{key}' is missing.");
                    }
                    return [];
                case var other:
                    Problem(other, $"'{key}' must be a list.");
                    return [];
            }
        }

        public IReadOnlyList<string> Strings(YamlMappingNode m, string key)
        {
            var list = new List<string>();
            foreach (var node in Sequence(m, key, required: false))
            {
                if (node is YamlScalarNode { Value: { Length: > 0 } v })
                {
                    list.Add(v);
                }
                else
                {
                    Problem(node, $"'{key}' must be a list of names.");
                }
            }
            return list;
        }
    }
}
