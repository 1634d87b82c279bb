using System.ComponentModel.DataAnnotations;

namespace SecurityConsole.Server.Reports;

/// <summary><c>Reports:*</c> settings (docs/reports.md and docs/configuration.md).</summary>
public sealed class ReportsOptions
{
    [Range(1000, 100_000_000, ErrorMessage = "a whole number from {1} to {2}")]
    public int TemplateMaxSteps { get; set; } = 2_000_000;

    [Range(2, 100, ErrorMessage = "a whole number from {1} to {2}")]
    public int TemplateMaxRecursion { get; set; } = 20;

    /// <summary>The most numbers a range such as <c>(1..n)</c> may hold: Fluid builds the whole range in memory before the loop starts.</summary>
    [Range(10, 10_000_000, ErrorMessage = "a whole number from {1} to {2}")]
    public int TemplateMaxRangeLength { get; set; } = 100_000;

    /// <summary>The most characters one render may write.</summary>
    [Range(10_000, 500_000_000, ErrorMessage = "a whole number from {1} to {2}")]
    public int TemplateMaxOutputChars { get; set; } = 50_000_000;

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "a duration from {1} to {2}")]
    public TimeSpan TemplateTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A run still unfinished after this long is ended as failed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "a duration from {1} to {2}")]
    public TimeSpan RunTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Report runs at once on one node (their own Hangfire queue and workers), so that rendering cannot starve the hot paths.</summary>
    [Range(1, 64, ErrorMessage = "a whole number from {1} to {2}")]
    public int Concurrency { get; set; } = 2;

    /// <summary>How long the report cache keeps an entry (both tiers); a template publish drops its entries at once.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00", ErrorMessage = "a duration from {1} to {2}")]
    public TimeSpan CacheExpiration { get; set; } = TimeSpan.FromHours(1);

    [Range(1, 3650, ErrorMessage = "a whole number from {1} to {2}")]
    public int ArtifactRetentionDays { get; set; } = 90;

    /// <summary>The most rows an HTML or PDF report shows (CSV has no cap; it streams).</summary>
    [Range(100, 10_000_000, ErrorMessage = "a whole number from {1} to {2}")]
    public int MaxRows { get; set; } = 100_000;

    /// <summary>Headless Chromium for PDF output (Debian package 'chromium').</summary>
    public string ChromiumPath { get; set; } = "/usr/bin/chromium";

    /// <summary>
    /// Chromium's nice value on Linux (0 to 19, 19 the lowest priority; 0 leaves it as the console's, and also turns off
    /// the SCHED_IDLE policy it otherwise runs under), so that printing PDFs takes only the CPU the hot paths leave over (ADR 0100).
    /// </summary>
    [Range(0, 19, ErrorMessage = "a whole number from {1} to {2}")]
    public int ChromiumNice { get; set; } = 19;

    /// <summary>
    /// The nice value (0 to 19; 0 leaves it as the console's) of the console's own thread for report work on Linux: rendering
    /// templates, hashing data, writing CSV and the PDF's outline run there, one at a time, rather than on the threads that
    /// serve requests, so that report runs take at most one core and give it up to a key verification (ADR 0135).
    /// </summary>
    [Range(0, 19, ErrorMessage = "a whole number from {1} to {2}")]
    public int WorkNice { get; set; } = 10;

    /// <summary>
    /// Print tagged (accessible) PDFs, one structure element per table cell, with Chromium's own outline from the tags.
    /// Off by default (ADR 0115): a large report then prints several times faster and its PDF is a tenth of the size;
    /// the outline is written from the headings after printing, and the text is as selectable either way.
    /// </summary>
    public bool TaggedPdf { get; set; }

    /// <summary>
    /// The most parts a large report's PDF is printed in at once, each part a run of its longest table's rows printed by
    /// a page of its own (ADR 0170): 0 (the default) is the processor count, at most 4; 1 prints every report in one piece.
    /// </summary>
    [Range(0, 16, ErrorMessage = "a whole number from {1} to {2}")]
    public int PrintParts { get; set; }

    /// <summary>The fewest table rows each part of a PDF printed in parts gets: a report with fewer rows than twice this prints in one piece.</summary>
    [Range(10, 10_000_000, ErrorMessage = "a whole number from {1} to {2}")]
    public int PrintPartMinRows { get; set; } = 500;

    /// <summary>A PDF larger than this is not attached to a mail; the mail links to the run instead.</summary>
    [Range(1024, 100_000_000, ErrorMessage = "a whole number from {1} to {2}")]
    public int MailAttachmentMaxBytes { get; set; } = 10 * 1024 * 1024;

    [Range(1, 10, ErrorMessage = "a whole number from {1} to {2}")]
    public int DeliveryAttempts { get; set; } = 4;

    /// <summary>Wait before the first retry of a delivery; doubled each time.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00", ErrorMessage = "a duration from {1} to {2}")]
    public TimeSpan DeliveryBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Webhook hosts (names or addresses, matched exactly) that may be internal and may use plain http: the operator's
    /// explicit exception to the SSRF rule. Empty by default: webhooks must reach public addresses over https.
    /// </summary>
    public string[] WebhookAllowedHosts { get; set; } = [];
}
