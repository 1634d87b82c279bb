using System.Text;
using Microsoft.Extensions.Options;
using SecurityConsole.Server.Reports;
using SecurityConsole.Server.Reports.Templates;
using SecurityConsole.Shared.Reports;

namespace SecurityConsole.Fuzz.Harnesses;

/// <summary>
/// Custom report templates as a person saves them: <see cref="TemplateValidator.Validate"/> is the gate before a template
/// is stored or rendered. For any text and every report type it must answer (valid, or problems in words), never throw.
/// </summary>
public sealed class TemplateValidationHarness : IFuzzHarness
{
    private static readonly TemplateValidator Validator = new(new TemplateEngine(Options.Create(new ReportsOptions())));

    public string Name => "template-validation";

    public void Run(ReadOnlySpan<byte> input)
    {
        var source = Encoding.UTF8.GetString(input);
        foreach (var type in ReportTypes.All)
        {
            var result = Validator.Validate(type.Id, source);
            FuzzHarnesses.Check(result.Valid == (result.Problems.Count == 0), "a template is valid exactly when it has no problem");
        }
    }
}
