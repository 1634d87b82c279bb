using SecurityConsole.Server.Compliance;
using SecurityConsole.Shared.Compliance;

namespace SecurityConsole.Server.Tests.Compliance;

/// <summary>Frameworks are data: the shipped files load, a fourth standard is a file, and a bad file is refused with its line.</summary>
public sealed class CatalogueLoaderTests
{
    private static readonly IReadOnlySet<string> Checks = ComplianceFeature.BuiltInChecks.Select(c => c.Id).ToHashSet();

    [Fact]
    public void TheShippedFrameworksAndCatalogueLoadAndEveryCheckFeedsAControl()
    {
        var catalogue = CatalogueLoader.Load([ComplianceFeature.BuiltInFrameworks], Checks);
        Assert.Equal(["gdpr", "hipaa", "pci-dss"], catalogue.Frameworks.Select(f => f.Id).Order());
        Assert.True(Checks.Count >= 24, $"only {Checks.Count} checks");
        Assert.All(Checks, id => Assert.Contains(catalogue.Controls, c => c.Checks.Contains(id)));
        // One check feeds every framework its control maps to.
        var twoFactor = catalogue.Control("two-factor-privileged")!;
        Assert.Equal(["gdpr", "hipaa", "pci-dss"], twoFactor.Mappings.Select(m => m.Framework).Distinct().Order());
        Assert.Equal("8", catalogue.Framework("pci-dss")!.Find("8.4.1")!.Family);
    }

    [Fact]
    public void AFourthStandardIsAFileThatCarriesItsOwnMappings()
    {
        var dir = Folder(("soc2.yaml", Soc2));
        var catalogue = CatalogueLoader.Load([ComplianceFeature.BuiltInFrameworks, dir], Checks);
        var soc2 = catalogue.Framework("soc2")!;
        Assert.Equal("SOC 2", soc2.Name);
        Assert.Contains(catalogue.ControlsOf("soc2", "CC6.1"), c => c.Id == "two-factor-privileged");
        Assert.Equal(ControlRelationships.Intersects, catalogue.Control("two-factor-privileged")!.Mappings.Single(m => m.Framework == "soc2").Relationship);
    }

    [Fact]
    public void AMappingToARequirementThatDoesNotExistIsRefusedWithItsFileAndLine()
    {
        var dir = Folder(("soc2.yaml", Soc2.Replace("requirement: \"CC6.1\"", "requirement: \"CC9.9\"")));
        var ex = Assert.Throws<CatalogueException>(() => CatalogueLoader.Load([ComplianceFeature.BuiltInFrameworks, dir], Checks));
        var problem = Assert.Single(ex.Problems);
        Assert.Contains($"{Path.Combine(dir, "soc2.yaml")}:14:", problem);
        Assert.Contains("'CC9.9'", problem);
    }

    [Theory]
    [InlineData("requirements:\n  - id: a\n    title: [unclosed\n", 0, "not valid YAML")]
    [InlineData("requirements:\n  - id: a\n    title: A\n  - id: a\n    title: again\n", 4, "appears twice")]
    [InlineData("requirements:\n  - id: a\n    parent: nowhere\n    title: A\n", 2, "parent 'nowhere'")]
    [InlineData("requirements:\n  - id: a\n    title: A\n    colour: red\n", 4, "unknown key 'colour'")]
    [InlineData("requirements:\n  - id: a\n    title: A\nretention:\n  - { requirement: a, days: many, categories: [audit] }\n", 5, "whole number")]
    [InlineData("requirements:\n  - id: a\n    title: A\n    link: http://example.test/\n", 4, "https")]
    public void AMalformedFrameworkFileIsRefusedWithItsLineAndWhatIsWrong(string body, int line, string what)
    {
        var dir = Folder(("bad.yaml", "format: 1\nid: bad\nname: Bad\nversion: \"1\"\n" + body));
        var ex = Assert.Throws<CatalogueException>(() => CatalogueLoader.Load([ComplianceFeature.BuiltInFrameworks, dir], Checks));
        // A syntax error is placed where the parser gave up (line 0 here: any line of the file).
        var prefix = line == 0 ? $"{Path.Combine(dir, "bad.yaml")}:" : $"{Path.Combine(dir, "bad.yaml")}:{line + 4}:";
        Assert.Contains(ex.Problems, p => p.StartsWith(prefix, StringComparison.Ordinal) && p.Contains(what, StringComparison.Ordinal));
    }

    [Fact]
    public void AControlNamingACheckTheCodeDoesNotHaveIsRefused()
    {
        var text = File.ReadAllText(Path.Combine(ComplianceFeature.BuiltInFrameworks, CatalogueLoader.CatalogueFile))
            .Replace("checks: [password-length]", "checks: [password-lenght]");
        var dir = Folder((CatalogueLoader.CatalogueFile, text));
        foreach (var f in Directory.GetFiles(ComplianceFeature.BuiltInFrameworks, "*.yaml").Where(f => !f.EndsWith(CatalogueLoader.CatalogueFile)))
        {
            File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
        }
        var ex = Assert.Throws<CatalogueException>(() => CatalogueLoader.Load([dir], Checks));
        Assert.Contains(ex.Problems, p => p.Contains("check 'password-lenght'") && p.Contains($"{CatalogueLoader.CatalogueFile}:"));
    }

    internal static string Folder(params (string Name, string Text)[] files)
    {
        var dir = TestEnvironment.TempDirectory("frameworks");
        foreach (var (name, text) in files)
        {
            File.WriteAllText(Path.Combine(dir, name), text);
        }
        return dir;
    }

    // Line 14 is the requirement of the first mapping.
    internal const string Soc2 = """
        format: 1
        id: soc2
        name: SOC 2
        version: "2017 TSC (2022 points of focus)"
        link: https://www.aicpa-cima.com/resources/download/2017-trust-services-criteria-with-revised-points-of-focus-2022
        requirements:
          - id: CC6
            title: Logical and physical access controls
            assessable: false
          - id: CC6.1
            parent: CC6
            title: Logical access is restricted to authorised users
        maps:
          - { control: two-factor-privileged, requirement: "CC6.1", relationship: intersects, rationale: A second factor for privileged people. }
        """;
}
