using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace SecurityConsole.Server.Tests.Hosting;

/// <summary>
/// Images cannot be built here, so the deploy files are held to what the console reads: every environment variable the
/// Dockerfile, compose file, Helm chart and systemd environment file give the console must be a setting listed in
/// docs/configuration.md (<c>__</c> read as <c>:</c>). A misspelt or invented variable is ignored by the console without
/// a word, so an operator would believe a setting that does nothing.
/// </summary>
public sealed partial class DeployFilesTests
{
    private static readonly string Deploy = Path.Combine(RepositoryFiles.Root, "deploy");

    [Fact]
    public void EveryVariableTheDockerfileSetsIsADocumentedSetting()
    {
        var variables = DockerfileVariables(File.ReadAllLines(Path.Combine(Deploy, "Dockerfile")));

        Assert.Contains("ASPNETCORE_HTTP_PORTS", variables);
        AssertDocumented("deploy/Dockerfile", variables);
    }

    [Fact]
    public void EveryVariableComposeGivesTheConsoleIsADocumentedSetting()
    {
        var variables = ComposeConsoleVariables(File.ReadAllText(Path.Combine(Deploy, "compose.yaml")));

        Assert.Contains("ConnectionStrings__Console", variables);
        Assert.Contains("Proxies__KnownProxies__0", variables);
        AssertDocumented("deploy/compose.yaml", variables);
    }

    [Fact]
    public void EveryVariableTheHelmChartSetsIsADocumentedSetting()
    {
        var chart = Path.Combine(Deploy, "helm", "security-console");
        var variables = HelmValuesVariables(File.ReadAllText(Path.Combine(chart, "values.yaml")))
            .Concat(Directory.GetFiles(Path.Combine(chart, "templates")).SelectMany(f => TemplateVariables(File.ReadAllText(f))))
            .ToHashSet();

        Assert.Contains("ConnectionStrings__Redis", variables);
        Assert.Contains("ASPNETCORE_HTTP_PORTS", variables);
        AssertDocumented("deploy/helm", variables);
    }

    [Fact]
    public void EveryVariableOfTheSystemdEnvironmentFileIsADocumentedSetting()
    {
        var variables = EnvFileVariables(File.ReadAllLines(Path.Combine(Deploy, "systemd", "console.env")));

        Assert.Contains("Database__Provider", variables);
        AssertDocumented("deploy/systemd/console.env", variables);
    }

    [Fact]
    public void TheCheckRefusesAnUnknownVariableAndAcceptsIndexedAndStandardOnes()
    {
        var documented = DocumentedSettings.Value;

        Assert.False(IsDocumented(documented, "Console__PublicURLs"));
        Assert.False(IsDocumented(documented, "ASPNETCORE_FORWARDEDHEADERS_ENABLED"));
        Assert.False(IsDocumented(documented, "Proxies__KnownProxy__0"));
        Assert.True(IsDocumented(documented, "Proxies__KnownNetworks__3"));
        Assert.True(IsDocumented(documented, "Logging__LogLevel__Microsoft.AspNetCore"));
        Assert.True(IsDocumented(documented, "OTEL_SERVICE_NAME"));
    }

    private static void AssertDocumented(string file, IEnumerable<string> variables)
    {
        var unknown = variables.Where(v => !IsDocumented(DocumentedSettings.Value, v)).Order().ToList();
        Assert.True(unknown.Count == 0,
            $"{file} sets {string.Join(", ", unknown)}, which docs/configuration.md does not list: the console would ignore it. "
            + "Fix the name, or document the setting.");
    }

    /// <summary>
    /// Settings named in the first column of the tables in docs/configuration.md (<c>Section:Key</c>, indexed <c>:0</c>,
    /// <c>:*</c> wildcards), and standard variables (<c>OTEL_SERVICE_NAME</c>) named anywhere in a row.
    /// </summary>
    private static readonly Lazy<IReadOnlyList<string>> DocumentedSettings = new(() =>
        File.ReadAllLines(Path.Combine(RepositoryFiles.Root, "docs", "configuration.md"))
            .Where(line => line.StartsWith('|') && !line.StartsWith("|---", StringComparison.Ordinal))
            .SelectMany(line => BacktickedName().Matches(line.Split('|')[1]).Select(m => m.Groups[1].Value)
                .Where(name => !name.StartsWith('-'))
                .Concat(BacktickedName().Matches(line).Select(m => m.Groups[1].Value).Where(n => StandardVariable().IsMatch(n))))
            .Select(Normalise)
            .Distinct()
            .ToList());

    private static bool IsDocumented(IReadOnlyList<string> documented, string variable)
    {
        var name = Normalise(variable.Replace("__", ":", StringComparison.Ordinal));
        return documented.Any(d => d.EndsWith(":*", StringComparison.Ordinal)
            ? name.StartsWith(d[..^1], StringComparison.OrdinalIgnoreCase) && name.Length > d.Length - 1
            : string.Equals(d, name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>An index (<c>:0</c>, <c>:12</c>) stands for any index.</summary>
    private static string Normalise(string name) => IndexSegment().Replace(name, ":#");

    private static HashSet<string> DockerfileVariables(IEnumerable<string> lines) =>
        lines.Select(l => DockerEnv().Match(l)).Where(m => m.Success)
            .SelectMany(m => m.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(pair => pair.Split('=')[0]))
            .ToHashSet();

    private static HashSet<string> EnvFileVariables(IEnumerable<string> lines) =>
        lines.Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split('=')[0]).ToHashSet();

    /// <summary>The environment of every service built from deploy/Dockerfile or running its image, after YAML merge keys.</summary>
    private static HashSet<string> ComposeConsoleVariables(string yaml)
    {
        var compose = Yaml(yaml);
        var services = (Dictionary<object, object>)compose["services"];
        var consoles = services.Values.Cast<Dictionary<object, object>>()
            .Where(s => s.TryGetValue("build", out var build) && build is Dictionary<object, object> b && Equals(b.GetValueOrDefault("dockerfile"), "deploy/Dockerfile"))
            .ToList();
        Assert.True(consoles.Count >= 3, "compose.yaml: expected the migration step and two nodes built from deploy/Dockerfile");
        return consoles.SelectMany(s => s.TryGetValue("environment", out var env) ? ((Dictionary<object, object>)env).Keys.Cast<string>() : [])
            .ToHashSet();
    }

    /// <summary>values.yaml: the names under <c>config</c>, and under <c>secret</c> those that are not the chart's own switches.</summary>
    private static IEnumerable<string> HelmValuesVariables(string yaml)
    {
        var values = Yaml(yaml);
        var config = ((Dictionary<object, object>)values["config"]).Keys.Cast<string>();
        var secret = ((Dictionary<object, object>)values["secret"]).Keys.Cast<string>().Where(k => k is not ("create" or "existingSecret"));
        return config.Concat(secret);
    }

    /// <summary>In a template: <c>- name: X</c> of an env list, and any token shaped like a setting variable (<c>A__B</c>, <c>ASPNETCORE_*</c>, …).</summary>
    private static IEnumerable<string> TemplateVariables(string template) =>
        EnvListName().Matches(template).Select(m => m.Groups[1].Value)
            .Concat(VariableToken().Matches(template).Select(m => m.Value));

    private static Dictionary<object, object> Yaml(string yaml)
    {
        var parser = new MergingParser(new Parser(new StringReader(yaml)));
        return new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(parser);
    }

    [GeneratedRegex(@"`([^`\s]+)`")]
    private static partial Regex BacktickedName();

    [GeneratedRegex(@"^(ASPNETCORE|DOTNET|OTEL)_[A-Z0-9_]+$")]
    private static partial Regex StandardVariable();

    [GeneratedRegex(@":\d+(?=:|$)")]
    private static partial Regex IndexSegment();

    [GeneratedRegex(@"^\s*ENV\s+(.+)$")]
    private static partial Regex DockerEnv();

    [GeneratedRegex(@"-\s*name:\s*""?([A-Za-z_][A-Za-z0-9_.]*)""?\s*\n\s*value(From)?:")]
    private static partial Regex EnvListName();

    [GeneratedRegex(@"\b(?:[A-Za-z][A-Za-z0-9]*__[A-Za-z0-9_.]+|(?:ASPNETCORE|DOTNET|OTEL)_[A-Z0-9_]+)\b")]
    private static partial Regex VariableToken();
}
