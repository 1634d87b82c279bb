using System.Text;
using SecurityConsole.Server.Reports.Output;
using SecurityConsole.Server.Reports.Templates;
using SecurityConsole.Shared.Reports;

namespace SecurityConsole.Server.Tests.Reports;

public sealed class ReportCsvTests
{
    [Fact]
    public async Task CellsThatWouldRunAsFormulasAreEscaped()
    {
        var rows = new[]
        {
            new AuditRow(1, DateTimeOffset.UnixEpoch, "key", "=HYPERLINK(\"http://evil\")", "+cmd", "-2+3", "@SUM(A1)", null, "plain"),
        };
        using var stream = new MemoryStream();
        await ReportCsv.WriteAsync(stream, ReportTypes.Find(ReportTypes.AuditExtract)!, null, rows.ToAsyncEnumerable(), Ct);
        var csv = Encoding.UTF8.GetString(stream.ToArray());
        var line = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1];
        foreach (var dangerous in new[] { "=HYPERLINK", "+cmd", "-2+3", "@SUM" })
        {
            Assert.DoesNotContain("," + dangerous, line);
            Assert.DoesNotContain(",\"" + dangerous, line);
        }
        Assert.Contains("plain", line);
    }
}
