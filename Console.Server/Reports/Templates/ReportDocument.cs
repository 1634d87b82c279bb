using System.Net;

namespace SecurityConsole.Server.Reports.Templates;

/// <summary>
/// The page around every rendered template: the console's print style and a content security policy that allows no
/// script and no request at all (only inline style and data: images), whoever opens the file and wherever.
/// </summary>
/// <remarks>
/// On paper the page margins are the PDF's own and row tables are set at 7.5 pt with 1 × 3 px cell padding, so that a
/// row of the built-in tables fits one line of an A4 page: 2,500 alerts of the benchmark print on 42 pages (ADR 0100,
/// ADR 0150). A table whose rows are even slightly wider than the page wraps every row that can wrap, which doubles the
/// pages and Chromium's layout work; nothing is cut or hidden to fit, a row that does not fit still wraps. Every row
/// and chart is still there; the screen style is unchanged. Page numbers ("3 / 45") are the page's own bottom margin
/// box, laid out with the document, rather than a header and footer template Chromium lays out again for every page.
/// </remarks>
public static class ReportDocument
{
    public const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:";

    public static string Wrap(string title, string body) =>
        $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="{{ContentSecurityPolicy}}">
        <title>{{WebUtility.HtmlEncode(title)}}</title>
        <style>
        body { font-family: Roboto, Helvetica, Arial, sans-serif; color: #212121; margin: 24px; font-size: 12px; }
        h1 { font-size: 22px; font-weight: 500; color: #594ae2; margin: 0 0 4px; }
        h2 { font-size: 16px; font-weight: 500; margin: 24px 0 8px; border-bottom: 1px solid #e0e0e0; padding-bottom: 4px; }
        p.period { color: #616161; margin: 0 0 16px; }
        table { border-collapse: collapse; }
        table.figures th { text-align: left; font-weight: 400; color: #616161; padding: 2px 16px 2px 0; }
        table.figures td { font-weight: 500; font-size: 14px; }
        table.rows { width: 100%; }
        table.rows th, table.rows td { border-bottom: 1px solid #eeeeee; padding: 3px 6px; text-align: left; vertical-align: top; }
        table.rows thead { display: table-header-group; }
        table.rows tr { break-inside: avoid; }
        svg { display: block; margin: 8px 0; max-width: 100%; height: auto; break-inside: avoid; }
        @page {
          margin: 16mm 12mm;
          @bottom-center { content: counter(page) " / " counter(pages); font-family: Roboto, Helvetica, Arial, sans-serif; font-size: 8px; color: #757575; }
        }
        @media print {
          body { margin: 0; }
          table.rows { font-size: 7.5pt; line-height: 1.25; }
          table.rows th, table.rows td { padding: 1px 3px; }
        }
        </style>
        </head>
        <body>
        {{body}}
        </body>
        </html>
        """;
}
