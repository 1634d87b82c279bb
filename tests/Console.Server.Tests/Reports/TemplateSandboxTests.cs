using Microsoft.Extensions.Options;
using SecurityConsole.Server.Reports;
using SecurityConsole.Server.Reports.Templates;
using SecurityConsole.Shared.Reports;

namespace SecurityConsole.Server.Tests.Reports;

/// <summary>The template sandbox and the consistency check, without a server: what a template author meets.</summary>
public sealed class TemplateSandboxTests
{
    private static readonly ReportsOptions Limits = new() { TemplateMaxSteps = 10_000, TemplateMaxOutputChars = 100_000, TemplateTimeout = TimeSpan.FromSeconds(30) };
    private readonly TemplateEngine _engine = new(Options.Create(Limits));

    private TemplateValidator Validator => new(_engine);

    private static ReportModel Model() => new()
    {
        Report = new ReportHeader("Audit <extract>", ReportTypes.AuditExtract, ReportTypes.AuditExtract, 1, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(1),
            "custom", true, []),
        Audit = new AuditExtractData(1, [new CountItem("key.created", 1)], [new CountItem("success", 1)],
            [new AuditRow(7, DateTimeOffset.UnixEpoch, "key", "key.created", "user:u1", "key:k1", "success", null, "email=j***@example.test")]),
    };

    private async Task<string> RenderAsync(string source)
    {
        var (template, error) = _engine.Parse(source);
        Assert.Null(error);
        return await _engine.RenderAsync(template!, Model(), Ct);
    }

    [Fact]
    public async Task TheModelRendersAndTextIsHtmlEncoded()
    {
        var html = await RenderAsync("{{ report.title }} {% for e in audit.rows %}{{ e.sequence }} {{ e.personal }}{% endfor %}");
        Assert.Contains("Audit &lt;extract&gt;", html);
        Assert.Contains("7 email=j***@example.test", html);
    }

    [Fact]
    public async Task MembersOutsideTheModelAreRefusedByValidationAndReadNothingWhenRendered()
    {
        var check = Validator.Validate(ReportTypes.AuditExtract, "{{ report.title }}\n{{ audit.rows.first.GetType }}\n{{ report.title.Length }}");
        Assert.False(check.Valid);
        Assert.Contains(check.Problems, p => p.Message.Contains("has no member 'GetType'") && p.Line == 2);
        Assert.Contains(check.Problems, p => p.Message.Contains("is text and has no 'Length'") && p.Line == 3);
        // Rendered anyway (no validation in between), a member outside the allow-list is empty, never a .NET value.
        Assert.Equal("[]", await RenderAsync("[{{ audit.rows.first.GetType }}{{ report.Type.Assembly }}]"));
    }

    [Fact]
    public async Task AnEndlessLoopIsStoppedWithAClearMessageAndStopsWorking()
    {
        // Ten billion steps with nothing written: the time limit ends the render itself, not only the wait for it.
        var engine = new TemplateEngine(Options.Create(new ReportsOptions { TemplateMaxSteps = 100_000_000, TemplateTimeout = TimeSpan.FromSeconds(1) }));
        var (silent, _) = engine.Parse("{% for i in (1..100000) %}{% for j in (1..100000) %}{% assign x = j %}{% endfor %}{% endfor %}");
        var timedOut = await Assert.ThrowsAsync<TemplateFailedException>(() => engine.RenderAsync(silent!, Model(), Ct));
        Assert.Contains("time limit", timedOut.Message);
    }

    [Theory]
    [InlineData("{% for i in (1..1000000000) %}{{ i }}{% endfor %}", "(1..1000000000) holds 1,000,000,000 numbers")]
    [InlineData("{% for i in (-5..100000) %}{{ i }}{% endfor %}", "(-5..100000) holds 100,006 numbers")]
    [InlineData("{% assign n = 2000000 %}{% for i in (1..n) %}{{ i }}{% endfor %}", "(1..2000000) holds 2,000,000 numbers")]
    public async Task ARangeTooLargeToBuildIsRefusedBeforeItIsBuilt(string source, string message)
    {
        // Fluid builds a range whole before looping: (1..1000000000) alone once took gigabytes after its render had timed out.
        var engine = new TemplateEngine(Options.Create(new ReportsOptions()));
        var (template, _) = engine.Parse(source);
        var refused = await Assert.ThrowsAsync<TemplateFailedException>(() => engine.RenderAsync(template!, Model(), Ct));
        Assert.Contains(message, refused.Message);
        Assert.Contains("more than the 100,000 a template may loop over", refused.Message);
        var (within, _) = engine.Parse("{% for i in (1..100000) %}{% endfor %}{% for i in (3..1) %}x{% endfor %}done");
        Assert.Equal("done", await engine.RenderAsync(within!, Model(), Ct));
    }

    [Fact]
    public async Task AnEnormousOutputStopsAtTheOutputLimit()
    {
        var engine = new TemplateEngine(Options.Create(new ReportsOptions { TemplateMaxSteps = 100_000_000, TemplateMaxOutputChars = 100_000 }));
        var (template, _) = engine.Parse("{% for i in (1..1000) %}{% for j in (1..1000) %}0123456789{% endfor %}{% endfor %}");
        var failure = await Assert.ThrowsAsync<TemplateFailedException>(() => engine.RenderAsync(template!, Model(), Ct));
        Assert.Contains("more than 100,000 characters", failure.Message);
    }

    [Fact]
    public async Task RawAndJsonAreNotAvailableSoDataCannotWriteMarkup()
    {
        Assert.Contains(Validator.Validate(ReportTypes.AuditExtract, "{{ report.title | raw }}{{ audit.rows }}").Problems, p => p.Message == "Unknown filter 'raw'.");
        Assert.Contains(Validator.Validate(ReportTypes.AuditExtract, "{{ report | json }}{{ audit.rows }}").Problems, p => p.Message == "Unknown filter 'json'.");
        Assert.DoesNotContain("<extract>", await RenderAsync("{{ report.title | raw }}"));
    }

    [Fact]
    public void IncludeAndRenderCannotReadFiles()
    {
        var check = Validator.Validate(ReportTypes.AuditExtract, "{{ report.title }}{{ audit.rows.size }}\n{% include '/etc/passwd' %}");
        Assert.Contains(check.Problems, p => p.Message.StartsWith("'include' is not available", StringComparison.Ordinal) && p.Line == 2);
    }

    [Fact]
    public void SyntaxErrorsGiveLineAndColumn()
    {
        var check = Validator.Validate(ReportTypes.AuditExtract, "<h1>{{ report.title }}</h1>\n<p>{% if audit.entry_count > 0 %}\nmany\n");
        var problem = Assert.Single(check.Problems);
        Assert.StartsWith("Syntax error:", problem.Message);
        Assert.NotNull(problem.Line);
        Assert.NotNull(problem.Column);

        var unclosed = Assert.Single(Validator.Validate(ReportTypes.AuditExtract, "{{ report.title }}\n  {{ audit.rows ").Problems);
        Assert.Equal((2, 16), (unclosed.Line, unclosed.Column));
    }

    [Fact]
    public void UnknownVariablesAndFiltersAreNamedWithTheirPlace()
    {
        var check = Validator.Validate(ReportTypes.AuditExtract, "{{ report.title }}\n{{ audit.rows.size }}\n\n   {{ secrets.password }}\n{{ audit.entry_count | shout }}");
        Assert.Contains(check.Problems, p => p.Message.StartsWith("Unknown variable 'secrets'", StringComparison.Ordinal) && p.Line == 4 && p.Column == 7);
        Assert.Contains(check.Problems, p => p.Message == "Unknown filter 'shout'." && p.Line == 5);
    }

    [Fact]
    public void AnotherTypesDataAndMissingRequiredSectionsAreRefused()
    {
        var check = Validator.Validate(ReportTypes.AuditExtract, "<p>{{ keys.key_count }}</p>");
        Assert.Contains(check.Problems, p => p.Message.Contains("'keys' is not part of a audit extract report"));
        Assert.Contains(check.Problems, p => p.Message == "A audit extract template must use 'report.title'.");
        Assert.Contains(check.Problems, p => p.Message == "A audit extract template must use 'audit'.");
    }

    [Fact]
    public void LoopVariablesAreTypedByTheirList()
    {
        Assert.True(Validator.Validate(ReportTypes.AuditExtract, "{{ report.title }}{% for e in audit.rows %}{{ e.action }}{% endfor %}").Valid);
        var check = Validator.Validate(ReportTypes.AuditExtract, "{{ report.title }}{% for e in audit.rows %}{{ e.password }}{% endfor %}");
        Assert.Contains(check.Problems, p => p.Message == "'e' has no member 'password'.");
    }

    [Fact]
    public void ASourceOverTheSizeLimitIsRefused()
    {
        var check = Validator.Validate(ReportTypes.AuditExtract, new string('x', TemplateLimits.MaxSourceLength + 1));
        Assert.Contains("at most 65,536", Assert.Single(check.Problems).Message);
    }

    [Fact]
    public void EveryBuiltInTemplatePassesItsOwnChecks()
    {
        foreach (var type in ReportTypes.All)
        {
            var check = Validator.Validate(type.Id, BuiltInTemplates.Source(type.Id));
            Assert.True(check.Valid, $"{type.Id}: {string.Join("; ", check.Problems.Select(p => $"{p.Line}:{p.Column} {p.Message}"))}");
        }
    }

    [Fact]
    public async Task ChartsAreSvgWithLabelsAndCounts()
    {
        var html = await RenderAsync("{{ audit.by_action | bar_chart: 'By action' }}{{ audit.by_outcome | donut_chart: 'Outcome' }}");
        Assert.StartsWith("<svg", html);
        Assert.Contains(">key.created</text>", html);
        Assert.Contains(">1</text>", html);
        Assert.Contains("success: 1 (100%)", html);
    }
}
