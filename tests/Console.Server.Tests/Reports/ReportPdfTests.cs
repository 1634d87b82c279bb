using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Tests.Audit;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Reports;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Server.Tests.Reports.ReportKit;

namespace SecurityConsole.Server.Tests.Reports;

/// <summary>Runs through the real job server on the 'reports' queue, and PDFs printed by Chromium and read back with pdftotext.</summary>
public sealed class ReportPdfTests(SqliteConsole console) : IClassFixture<SqliteConsole>
{
    private static async Task<ReportRunView> FinishedAsync(HttpClient client, Guid id)
    {
        ReportRunView? view = null;
        await Eventually.HoldsAsync("the run finished", async () =>
        {
            view = await client.GetFromJsonAsync<ReportRunView>($"/api/v1/reports/runs/{id}", Json, Ct);
            return (ReportRunStatuses.IsFinished(view!.Status), $"{view.Status} {view.Stage} {view.FailureReason}");
        });
        return view!;
    }

    [Fact]
    public async Task APdfHoldsTheFiguresTheHtmlShows()
    {
        if (!File.Exists("/usr/bin/chromium") || !File.Exists("/usr/bin/pdftotext"))
        {
            TestEnvironment.SkipOrFail("PDF output needs /usr/bin/chromium and pdftotext (apt-get install chromium poppler-utils).");
        }
        var auditor = await console.Factory.SignedInClientAsync(Roles.Auditor);
        // A period closed before either run starts: the runs' own audit entries fall outside it, so both see the same data.
        var to = DateTimeOffset.UtcNow.AddSeconds(-1);
        var html = await FinishedAsync(auditor, await auditor.StartAsync(AuditExtract(to: to)));
        var pdf = await FinishedAsync(auditor, await auditor.StartAsync(AuditExtract(ReportFormats.Pdf, to: to)));
        Assert.True(pdf.Status == ReportRunStatuses.Succeeded, pdf.FailureReason);
        Assert.Contains(pdf.Stages, s => s.Stage == ReportStages.Pdf);

        var page = await auditor.GetStringAsync($"/api/v1/reports/runs/{html.Id}/download", Ct);
        var entries = Regex.Match(page, @"<th>Entries</th><td>(\d+)</td>").Groups[1].Value;
        Assert.NotEmpty(entries);
        var file = Path.Combine(TestEnvironment.TempDirectory("report-pdf"), "report.pdf");
        await File.WriteAllBytesAsync(file, await auditor.GetByteArrayAsync($"/api/v1/reports/runs/{pdf.Id}/download", Ct), Ct);
        var text = await PdfTextAsync(file);
        Assert.Contains("Audit extract", text);
        Assert.Matches($@"Entries\s+{entries}\b", text);
    }

    [Fact]
    public async Task EachAlertOfTheSecuritySummaryPrintsOnOneLineOfThePdfWithAllItsFigures()
    {
        if (!File.Exists("/usr/bin/chromium") || !File.Exists("/usr/bin/pdftotext"))
        {
            TestEnvironment.SkipOrFail("PDF output needs /usr/bin/chromium and pdftotext (apt-get install chromium poppler-utils).");
        }
        // Alerts as wide as the benchmark's widest (bench/reports: four-digit ids; here the ids are short, so the address
        // and the title carry a digit more): its rule ids, a person's address as the entity, every severity, open and
        // resolved, in a day of 2020 no other test uses. At the print style of ADR 0100 these rows were 3 px wider than
        // the page and every one wrapped, which doubles the pages and Chromium's layout work (ADR 0150).
        string[] rules = ["failed-sign-in-burst", "revoked-key-used", "key-from-new-network"];
        string[] severities = [AlertSeverities.Low, AlertSeverities.Medium, AlertSeverities.High, AlertSeverities.Critical];
        var day = new DateTimeOffset(2020, 3, 2, 0, 0, 0, TimeSpan.Zero);
        var alerts = Enumerable.Range(1, 80).Select(g =>
        {
            var at = day.AddMinutes(g * 7);
            var open = g % 10 == 0;
            return new SecurityConsole.Server.Detection.Alert
            {
                RuleId = rules[g % 3], Severity = severities[g % 4], Status = open ? AlertStatuses.Open : AlertStatuses.Resolved,
                EntityKind = EntityKinds.User, EntityId = $"person{4200 + g}@bench.example", Title = $"Bench alert {24200 + g}",
                FirstSeenAt = at, LastSeenAt = at.AddHours(1), Count = 1 + (g % 7), CreatedAt = at, UpdatedAt = at.AddHours(1), Version = 1,
                ClosedAt = open ? null : at.AddHours(2), ClosedBy = open ? null : "test",
            };
        }).ToList();
        await SecurityConsole.Server.Tests.Compliance.ComplianceTestKit.DbAsync(console.Factory, async db =>
        {
            db.Alerts.AddRange(alerts);
            await db.SaveChangesAsync(Ct);
        });

        var admin = await console.Factory.SignedInClientAsync(Roles.Admin);
        var run = await FinishedAsync(admin, await admin.StartAsync(new
        {
            template = ReportTypes.SecuritySummary,
            format = ReportFormats.Pdf,
            parameters = new Dictionary<string, string> { ["period"] = "custom", ["from"] = day.ToString("O"), ["to"] = day.AddDays(1).ToString("O") },
        }));
        Assert.True(run.Status == ReportRunStatuses.Succeeded, run.FailureReason);
        var file = Path.Combine(TestEnvironment.TempDirectory("report-pdf-rows"), "report.pdf");
        await File.WriteAllBytesAsync(file, await admin.GetByteArrayAsync($"/api/v1/reports/runs/{run.Id}/download", Ct), Ct);
        var text = await PdfTextAsync(file);

        // Every alert is one line of the PDF's text, from its id to its count: nothing wrapped, nothing cut.
        foreach (var a in alerts)
        {
            var line = $@"(?m)^\s*{a.Id}\s+{a.Severity}\s+{a.Status}\s+{Regex.Escape(a.RuleId)}\s+user:{Regex.Escape(a.EntityId)}\s+{Regex.Escape(a.Title)}\s+" +
                $@"\d{{4}}-\d\d-\d\d \d\d:\d\d\s+{a.Count}\s*$";
            Assert.True(Regex.IsMatch(text, line), $"alert {a.Id} is not one line of the PDF's text: {string.Join(" | ", text.Split('\n').Where(l => l.Contains(a.EntityId, StringComparison.Ordinal) || l.Contains(a.Title, StringComparison.Ordinal)))}");
        }
    }

    [Fact]
    public async Task EveryPageOfAPdfIsNumberedOfTheTotalAndItsOutlineHoldsTheReportsHeadings()
    {
        if (!File.Exists("/usr/bin/chromium") || !File.Exists("/usr/bin/pdftotext") || !File.Exists("/usr/bin/pdfinfo"))
        {
            TestEnvironment.SkipOrFail("PDF output needs /usr/bin/chromium, pdftotext and pdfinfo (apt-get install chromium poppler-utils).");
        }
        // Enough entries for a table over several pages.
        var action = $"report.pdf_pages_{Guid.NewGuid():N}"[..30];
        await console.Factory.RecordAsync(new SecurityConsole.Server.Security.Actor(SecurityConsole.Server.Security.ActorTypes.User, "someone", null),
            [.. Enumerable.Range(0, 150).Select(i => (new SecurityConsole.Server.Audit.AuditEvent(SecurityConsole.Server.Audit.AuditCategories.Admin, action,
                Data: new { row = i }), (DateTimeOffset?)null))]);
        var auditor = await console.Factory.SignedInClientAsync(Roles.Auditor);
        var run = await FinishedAsync(auditor, await auditor.StartAsync(AuditExtract(ReportFormats.Pdf, action: action)));
        Assert.True(run.Status == ReportRunStatuses.Succeeded, run.FailureReason);
        var file = Path.Combine(TestEnvironment.TempDirectory("report-pdf-pages"), "report.pdf");
        var bytes = await auditor.GetByteArrayAsync($"/api/v1/reports/runs/{run.Id}/download", Ct);
        await File.WriteAllBytesAsync(file, bytes, Ct);

        // Page numbers: the footer of page i reads "i / n", on every page.
        var pages = int.Parse(Regex.Match(await RunAsync("pdfinfo", file), @"Pages:\s+(\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(pages >= 2, $"expected several pages, got {pages}");
        for (var i = 1; i <= pages; i++)
        {
            var text = await RunAsync("pdftotext", "-layout", "-f", $"{i}", "-l", $"{i}", file, "-");
            Assert.True(Regex.IsMatch(" " + text, $@"(?<![\d/])\s{i}\s*/\s*{pages}(?![\d/])"),
                $"page {i} of {pages} has no '{i} / {pages}'; its text ends: {text[Math.Max(0, text.Length - 400)..]}");
        }

        // The outline (bookmarks): the document has one, and its entries are the report's headings.
        var raw = System.Text.Encoding.Latin1.GetString(bytes);
        Assert.Matches(@"/Outlines\s+\d+\s+0\s+R", raw);
        var titles = Regex.Matches(raw, @"/Title\s*(\((?<lit>(?:\\.|[^\\)])*)\)|<(?<hex>[0-9A-Fa-f]+)>)").Select(m => m.Groups["lit"].Success
            ? m.Groups["lit"].Value
            : Utf16(Convert.FromHexString(m.Groups["hex"].Value))).ToList();
        Assert.Contains("Audit extract", titles);
        Assert.Contains("Overview", titles);
        Assert.Contains("Entries", titles);
    }

    [Fact]
    public async Task EachOutlineEntryOfAPdfLeadsToThePageItsHeadingIsPrintedOnNestedByLevel()
    {
        if (!File.Exists("/usr/bin/chromium") || !File.Exists("/usr/bin/pdftotext") || !File.Exists("/usr/bin/pdfinfo"))
        {
            TestEnvironment.SkipOrFail("PDF output needs /usr/bin/chromium, pdftotext and pdfinfo (apt-get install chromium poppler-utils).");
        }
        // Headings on three pages; one with an id of its own (kept: a template's own links to it still work).
        var html = SecurityConsole.Server.Reports.Templates.ReportDocument.Wrap("Outline", """
            <h1>Outline check</h1><h2>First part</h2><p>one</p>
            <h2 style="break-before: page">Second part</h2><h3>Inner &amp; nested</h3><p>two</p>
            <h2 style="break-before: page" id="own-id">Third part</h2><p><a href="#own-id">back to the third part</a></p>
            <h2>   </h2>
            """);
        var printer = console.Factory.Services.GetRequiredService<SecurityConsole.Server.Reports.Output.PdfPrinter>();
        var bytes = await printer.PrintAsync(html, Ct);
        var file = Path.Combine(TestEnvironment.TempDirectory("report-pdf-outline"), "outline.pdf");
        await File.WriteAllBytesAsync(file, bytes, Ct);
        var info = await RunAsync("pdfinfo", file);
        Assert.Matches(@"Pages:\s+3\b", info);
        // Printed untagged (ADR 0115): the outline is written from the headings, not from Chromium's structure tree.
        Assert.Matches(@"Tagged:\s+no\b", info);

        var entries = PdfOutline.Entries(bytes);
        Assert.Equal(
            new (int Depth, string Title, int Page)[] { (0, "Outline check", 1), (1, "First part", 1), (1, "Second part", 2), (2, "Inner & nested", 2), (1, "Third part", 3) },
            entries.ToArray());
        // And a reader who follows an entry reads its heading there: the page's text holds it.
        foreach (var (_, title, page) in entries)
        {
            Assert.Contains(title, await RunAsync("pdftotext", "-f", $"{page}", "-l", $"{page}", file, "-"));
        }
    }

    [Fact]
    public async Task AReportPrintedInPartsAtOnceReadsAsOneDocumentWithEveryRowOnceNumberedPagesAndItsOutline()
    {
        if (!File.Exists("/usr/bin/chromium") || !File.Exists("/usr/bin/pdftotext") || !File.Exists("/usr/bin/pdfinfo") || !File.Exists("/usr/bin/pdffonts"))
        {
            TestEnvironment.SkipOrFail("PDF output needs /usr/bin/chromium, pdftotext, pdfinfo and pdffonts (apt-get install chromium poppler-utils).");
        }
        // A printer that prints a report of 2 × 30 rows or more in two parts at once (ADR 0170; by default 2 × 500):
        // 150 rows over several pages, a heading before the table and one after it, and a link from the first part to
        // the heading after the table, which the second part prints.
        var rows = string.Concat(Enumerable.Range(1, 150).Select(i => $"<tr><td>Row {i:D4}</td><td>alpha {i * 7}</td><td>beta {i % 13}</td></tr>"));
        var html = SecurityConsole.Server.Reports.Templates.ReportDocument.Wrap("Parts", $"""
            <h1>Parts check</h1><h2>Overview</h2><p>See <a href="#after-table">after the table</a>.</p>
            <h2>Rows</h2>
            <table class="rows"><thead><tr><th>Row name</th><th>First figure</th><th>Second figure</th></tr></thead><tbody>{rows}</tbody></table>
            <h2 id="after-table">After the table</h2><p>The end.</p>
            """);
        var options = Microsoft.Extensions.Options.Options.Create(new SecurityConsole.Server.Reports.ReportsOptions
        {
            PrintParts = 2, PrintPartMinRows = 30, ChromiumNice = 0, Concurrency = 1,
        });
        await using var printer = new SecurityConsole.Server.Reports.Output.PdfPrinter(options,
            console.Factory.Services.GetRequiredService<SecurityConsole.Server.Reports.ReportWork>(),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<SecurityConsole.Server.Reports.Output.PdfPrinter>.Instance);
        var bytes = await printer.PrintAsync(html, Ct);
        var file = Path.Combine(TestEnvironment.TempDirectory("report-pdf-parts"), "parts.pdf");
        await File.WriteAllBytesAsync(file, bytes, Ct);

        // It was printed in parts: the joined document's page numbers are written after printing, in Helvetica.
        Assert.Contains("Helvetica", await RunAsync("pdffonts", file));
        var pages = int.Parse(Regex.Match(await RunAsync("pdfinfo", file), @"Pages:\s+(\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(pages >= 3, $"expected several pages, got {pages}");

        // Every row once, in order, one line each; every page that holds rows starts them under the table's head; each
        // page is numbered of the whole, and no page carries a part's own numbering.
        var seen = new List<int>();
        for (var i = 1; i <= pages; i++)
        {
            var text = await RunAsync("pdftotext", "-layout", "-f", $"{i}", "-l", $"{i}", file, "-");
            var numbers = Regex.Matches(text, @"(?<![\d/])(\d+)\s*/\s*(\d+)(?![\d/])").Select(m => m.Value.Replace(" ", "", StringComparison.Ordinal)).ToList();
            Assert.True(numbers.SequenceEqual(new[] { $"{i}/{pages}" }), $"page {i} of {pages} is numbered [{string.Join(", ", numbers)}]");
            var onPage = Regex.Matches(text, @"(?m)^\s*Row (\d{4})\s+alpha (\d+)\s+beta (\d+)\s*$").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            if (onPage.Count > 0)
            {
                Assert.Matches(@"Row name\s+First figure\s+Second figure", text);
            }
            seen.AddRange(onPage);
        }
        Assert.Equal(Enumerable.Range(1, 150), seen);

        // The outline holds every heading, each leading to the page that prints it; the link's target (in the second
        // part) is still a named destination of the joined document.
        var entries = PdfOutline.Entries(bytes);
        Assert.Equal(new[] { "Parts check", "Overview", "Rows", "After the table" }, entries.Select(e => e.Title));
        Assert.Equal(new[] { 0, 1, 1, 1 }, entries.Select(e => e.Depth));
        Assert.Equal(pages, entries[^1].Page);
        foreach (var (_, title, page) in entries)
        {
            Assert.Contains(title, await RunAsync("pdftotext", "-f", $"{page}", "-l", $"{page}", file, "-"));
        }
        using var document = PdfSharp.Pdf.IO.PdfReader.Open(new MemoryStream(bytes), PdfSharp.Pdf.IO.PdfDocumentOpenMode.Import);
        var numbered = Enumerable.Range(0, document.PageCount).ToDictionary(i => document.Pages[i].Reference!.ObjectID, i => i + 1);
        var destinations = SecurityConsole.Server.Reports.Output.PdfOutlineWriter.Destinations(document);
        Assert.True(destinations.TryGetValue("after-table", out var target), $"no destination 'after-table' among {string.Join(", ", destinations.Keys)}");
        Assert.Equal(pages, numbered[((PdfSharp.Pdf.Advanced.PdfReference)target!.Elements[0]).ObjectID]);
    }

    /// <summary>The process and all its descendants, from the parent ids in /proc.</summary>
    internal static List<int> Family(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && Stat(pid) is { } fields && int.TryParse(fields[1], out var parent))
            {
                parents[pid] = parent;
            }
        }
        var family = new List<int> { root };
        for (var i = 0; i < family.Count; i++)
        {
            family.AddRange(parents.Where(p => p.Value == family[i]).Select(p => p.Key));
        }
        return family;
    }

    /// <summary>The fields of /proc/pid/stat after the command name (state, ppid, ...); null when the process has gone.</summary>
    internal static string[]? Stat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Field 19 of /proc/pid/stat: the nice value.</summary>
    internal static int? Nice(int pid) => Stat(pid) is { } fields ? int.Parse(fields[16], System.Globalization.CultureInfo.InvariantCulture) : null;

    internal static string Command(int pid)
    {
        try
        {
            var line = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
            return line[..Math.Min(120, line.Length)];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "gone";
        }
    }

    private static string Utf16(byte[] b) => b.Length >= 2 && b[0] == 0xFE && b[1] == 0xFF
        ? System.Text.Encoding.BigEndianUnicode.GetString(b, 2, b.Length - 2)
        : System.Text.Encoding.Latin1.GetString(b);

    private static async Task<string> RunAsync(string tool, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, args) { RedirectStandardOutput = true })!;
        var text = await process.StandardOutput.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        Assert.True(process.ExitCode == 0, $"{tool} exited with {process.ExitCode}");
        return text;
    }

    private static async Task<string> PdfTextAsync(string file)
    {
        using var process = Process.Start(new ProcessStartInfo("pdftotext", ["-layout", file, "-"]) { RedirectStandardOutput = true })!;
        var text = await process.StandardOutput.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        return text;
    }
}

/// <summary>
/// Chromium for report PDFs starts at the lowest CPU priority (Reports:ChromiumNice, 19 by default) through the launcher
/// script of <see cref="SecurityConsole.Server.Reports.Output.ChromiumLauncher"/> (ADR 0100). Checked with a stand-in for
/// Chromium that starts processes of its own: Chromium itself at that priority gets the CPU only when the machine has
/// some to spare, which a loaded test machine may not have for minutes (CI lost this test to Playwright's launch timeout
/// when it started the real browser). That Chromium keeps the policy while it resets its threads' nice values as root
/// was observed when ADR 0100 was written and is what the reports benchmark's verify-while-printing goal measures.
/// </summary>
public sealed class ChromiumLowPriorityTests
{
    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task TheLauncherRunsChromiumAndEverythingItStartsAtTheLowestPriorityAndSoDoesItsSchedulingGroup()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/usr/bin/nice") || !File.Exists("/usr/bin/setsid"))
        {
            TestEnvironment.SkipOrFail("The low-priority launcher needs Linux, nice (coreutils) and setsid (util-linux).");
        }
        // The stand-in: one process that becomes another (exec, as the launcher does), a child, and a grandchild.
        var folder = TestEnvironment.TempDirectory("chromium-launcher");
        var standIn = Path.Combine(folder, "chromium");
        File.WriteAllText(standIn, "#!/bin/sh\nsleep 600 &\nsh -c 'sleep 600' &\nexec sleep 600\n");
        File.SetUnixFileMode(standIn, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using var launcher = SecurityConsole.Server.Reports.Output.ChromiumLauncher.Create(standIn, 19,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance) ?? throw new Xunit.Sdk.XunitException("No launcher on Linux with nice installed.");
        // In a session of its own, as Playwright starts a browser: the launcher lowers its session's scheduling group.
        using var started = Process.Start(new ProcessStartInfo("/usr/bin/setsid", [launcher.Script, "--headless", "--no-sandbox"]) { UseShellExecute = false })!;
        var family = new List<int>();
        try
        {
            // At the lowest priority the stand-in starts when the machine lets it: waited for, not timed.
            var id = 0;
            await Eventually.HoldsAsync("the stand-in and the three processes it starts", () =>
            {
                id = launcher.ProcessId() ?? 0;
                family = id == 0 ? [] : ReportPdfTests.Family(id);
                var sleeping = family.Count(p => ReportPdfTests.Command(p).StartsWith("sleep 600", StringComparison.Ordinal));
                return (sleeping == 3 && family.Count == 4, $"{family.Count} processes: {string.Join(", ", family.Select(ReportPdfTests.Command))}");
            }, Eventually.ProcessCeiling);

            // Every process and every thread inherits the launcher's priority: the SCHED_IDLE policy where chrt is
            // installed (Chromium as root resets its threads' nice values itself, but not their policy), and nice 19.
            var threads = family
                .SelectMany(p => Directory.Exists($"/proc/{p}/task") ? Directory.EnumerateDirectories($"/proc/{p}/task").Select(t => (p, Tid: int.Parse(Path.GetFileName(t), System.Globalization.CultureInfo.InvariantCulture))) : Enumerable.Empty<(int p, int Tid)>())
                .Select(t => (t.p, t.Tid, Sched: TaskScheduling(t.p, t.Tid))).Where(t => t.Sched is not null).ToList();
            Assert.True(threads.Count >= 4, $"the stand-in's family has {threads.Count} threads");
            var idle = File.Exists("/usr/bin/chrt") || File.Exists("/bin/chrt");
            var low = threads.Where(t => t.Sched!.Value.Nice == 19 && (!idle || t.Sched.Value.Policy == SchedIdle)).ToList();
            Assert.True(low.Count == threads.Count, $"{low.Count} of {threads.Count} threads run at nice 19{(idle ? " under SCHED_IDLE" : "")}; not: " +
                string.Join(", ", threads.Except(low).Take(10).Select(t => $"{t.Tid} of {t.p} (policy {t.Sched!.Value.Policy}, nice {t.Sched.Value.Nice})")));
            // Where the kernel schedules each session as a group (autogroup), the launched session's group is lowered
            // too (Playwright starts the browser in a session of its own): nice values would otherwise count only inside it.
            if (File.Exists($"/proc/{id}/autogroup") && File.ReadAllText("/proc/sys/kernel/sched_autogroup_enabled").Trim() == "1")
            {
                Assert.EndsWith("nice 19", File.ReadAllText($"/proc/{id}/autogroup").Trim());
                Assert.DoesNotContain("nice 19", File.ReadAllText("/proc/self/autogroup"));
            }
        }
        finally
        {
            foreach (var pid in ReportPdfTests.Family(started.Id).Concat(launcher.ProcessId() is { } p ? ReportPdfTests.Family(p) : []).Distinct())
            {
                try
                {
                    Process.GetProcessById(pid).Kill();
                }
                catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
                {
                    // Gone already.
                }
            }
        }
    }

    private const int SchedIdle = 5;

    /// <summary>A thread's nice value (field 19 of its stat) and scheduling policy (field 41); null when it has gone.</summary>
    private static (int Nice, int Policy)? TaskScheduling(int pid, int tid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/task/{tid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (int.Parse(fields[16], System.Globalization.CultureInfo.InvariantCulture), int.Parse(fields[38], System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

/// <summary>Reads a PDF's outline back with PDFsharp.</summary>
internal static class PdfOutline
{
    /// <summary>The PDF's outline, depth first: each entry's depth, title and the page (1-based) it leads to, 0 for none.</summary>
    public static List<(int Depth, string Title, int Page)> Entries(byte[] bytes)
    {
        using var document = PdfSharp.Pdf.IO.PdfReader.Open(new MemoryStream(bytes), PdfSharp.Pdf.IO.PdfDocumentOpenMode.Import);
        var pages = Enumerable.Range(0, document.PageCount).ToDictionary(i => document.Pages[i].Reference!.ObjectID, i => i + 1);
        var entries = new List<(int Depth, string Title, int Page)>();
        void Walk(PdfSharp.Pdf.PdfOutlineCollection level, int depth)
        {
            foreach (var entry in level)
            {
                entries.Add((depth, entry.Title, entry.DestinationPage?.Reference is { } r && pages.TryGetValue(r.ObjectID, out var n) ? n : 0));
                if (entry.HasChildren)
                {
                    Walk(entry.Outlines, depth + 1);
                }
            }
        }
        Walk(document.Outlines, 0);
        return entries;
    }
}
