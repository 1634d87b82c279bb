using System.Globalization;
using System.Text;
using System.Text.Json;
using PdfSharp.Pdf;
using PdfSharp.Pdf.Advanced;
using PdfSharp.Pdf.IO;

namespace SecurityConsole.Server.Reports.Output;

/// <summary>What <see cref="PdfParts.SplitScript"/> did in one print page: how many parts the document is printed in (1: not split), and the headings.</summary>
internal sealed record PdfSplit(int Parts, List<PdfHeading> Headings);

/// <summary>
/// A large report printed in parts at once (ADR 0170): Chromium lays a document out on one thread of one renderer
/// process, and its print's cost follows the rows it lays out, so a report whose row table is long enough is loaded
/// into several warm pages, each keeps a consecutive run of the table's rows (the first also what comes before the
/// table, the last what comes after it), and the parts print concurrently, each in its own renderer process. The parts'
/// PDFs are then joined in order with PDFsharp, every page is numbered "i / n" of the whole, and the outline and the
/// named destinations are written for the joined document.
/// </summary>
public static class PdfParts
{
    /// <summary>The font resource name of the page numbers on a joined document.</summary>
    private const string FontName = "/ScPageNumber";

    /// <summary>
    /// How many parts the HTML could be printed in, from the text alone (cheap, before anything is loaded): 1 unless it
    /// has at least <paramref name="minRowsPerPart"/> table rows for each of two parts, and no CSS counters of its own
    /// (a template's own counter, or its own page numbers, would restart in every part). The print page's script decides
    /// the real number, from the largest table's rows (<see cref="SplitScript"/>).
    /// </summary>
    public static int Plan(string html, int maxParts, int minRowsPerPart)
    {
        if (maxParts < 2 || minRowsPerPart < 1)
        {
            return 1;
        }
        // The document's own page numbers are "counter(page)" and "counter(pages)": any other counter is the template's.
        if (Count(html, "counter(", 3) > 2)
        {
            return 1;
        }
        var rows = Count(html, "<tr", minRowsPerPart * maxParts + 1);
        return Math.Clamp(rows / minRowsPerPart, 1, maxParts);
    }

    private static int Count(string text, string what, int enough)
    {
        var n = 0;
        for (var i = text.IndexOf(what, StringComparison.OrdinalIgnoreCase); i >= 0 && n < enough; i = text.IndexOf(what, i + what.Length, StringComparison.OrdinalIgnoreCase))
        {
            n++;
        }
        return n;
    }

    /// <summary>
    /// Run in each print page (not by it: the page runs no script) with <c>[parts, index, minRowsPerPart]</c>, on the
    /// whole document loaded in every page. Every page computes the same thing: the headings get ids as in
    /// <see cref="PdfOutlineWriter.MarkHeadingsScript"/> (their index among all headings, so the same in every part), the
    /// table with the most body rows is found, and if it has at least <c>minRowsPerPart</c> rows for each of two parts,
    /// its rows are cut into that many consecutive runs, balanced by the number of elements each part keeps (what comes
    /// before the table goes with the first part), at even row numbers (so that a template's zebra rows keep their
    /// colours). Page <c>index</c> then keeps its run of rows (the table's head repeats at the top of each part) and, for
    /// the first part, everything before the table, for the last, everything after it; its own page numbers are turned
    /// off (the joined document is numbered as a whole); and a hidden <c>nav</c> links to each of its headings and to
    /// each element any in-document link of the whole report points at, so that Chromium writes their named
    /// destinations. Styles in the body move to the head first, so every part keeps them. When the document is not
    /// split, page 0 is marked as for one print and the others are left as they are.
    /// Returns <c>[parts, [[level, id, text], …]]</c>.
    /// </summary>
    public const string SplitScript = """
        ([parts, index, minRows]) => {
          const body = document.body || document.documentElement;
          const marked = [];
          document.querySelectorAll('h1, h2, h3, h4, h5, h6').forEach((h, i) => {
            const text = (h.textContent || '').replace(/\s+/g, ' ').trim();
            if (!text) return;
            if (!h.id) h.id = 'sc-outline-' + i;
            marked.push([Number(h.tagName.substring(1)), h.id, text, h]);
          });
          let table = null, rows = [];
          for (const t of document.querySelectorAll('table')) {
            const r = [];
            for (const b of t.tBodies) for (const row of b.rows) r.push(row);
            if (r.length > rows.length) { table = t; rows = r; }
          }
          const k = table ? Math.max(1, Math.min(parts, Math.floor(rows.length / minRows))) : 1;
          const headings = marked.map(m => m.slice(0, 3));
          const link = (nav, id) => { const a = document.createElement('a'); a.href = '#' + encodeURIComponent(id); nav.append(a); };
          if (k < 2) {
            if (index !== 0) return [1, headings];
            const nav = document.createElement('nav');
            nav.hidden = true;
            marked.forEach(m => link(nav, m[1]));
            body.append(nav);
            return [1, headings];
          }
          if (index >= k) return [k, headings];
          const targets = new Set();
          document.querySelectorAll('a[href^="#"]').forEach(a => {
            try { const id = decodeURIComponent(a.getAttribute('href').substring(1)); if (id) targets.add(id); } catch (e) { }
          });
          const head = document.head || document.documentElement;
          for (const s of [...body.querySelectorAll('style')]) head.append(s);
          // Balance by elements: those before the table go with the first part, those after it with the last.
          const all = body.getElementsByTagName('*');
          const total = all.length;
          let at = 0;
          while (at < total && all[at] !== table) at++;
          const inTable = table.getElementsByTagName('*').length + 1;
          let inRows = 0;
          for (const r of rows) inRows += r.getElementsByTagName('*').length + 1;
          const perRow = Math.max(1, inRows / rows.length);
          const before = at + (inTable - inRows);
          const bounds = [0];
          for (let i = 1; i < k; i++) {
            const target = total * i / k;
            let b = Math.round((target - before) / perRow / 2) * 2;
            b = Math.max(bounds[i - 1] + 2, Math.min(rows.length - 2 * (k - i), b));
            bounds.push(b);
          }
          bounds.push(rows.length);
          const from = bounds[index], to = bounds[index + 1];
          rows.forEach((r, i) => { if (i < from || i >= to) r.remove(); });
          const cut = (after) => {
            for (let node = table; node && node !== body && node.parentNode; node = node.parentNode) {
              let s = after ? node.nextSibling : node.previousSibling;
              while (s) { const next = after ? s.nextSibling : s.previousSibling; s.remove(); s = next; }
            }
          };
          if (index > 0) cut(false);
          if (index < k - 1) cut(true);
          const style = document.createElement('style');
          style.textContent = '@page { @bottom-center { content: none } }';
          head.append(style);
          const nav = document.createElement('nav');
          nav.hidden = true;
          const linked = new Set();
          marked.forEach(m => { if (m[3].isConnected) { link(nav, m[1]); linked.add(m[1]); } });
          targets.forEach(id => { const e = document.getElementById(id); if (e && !linked.has(id)) { link(nav, id); linked.add(id); } });
          body.append(nav);
          return [k, headings];
        }
        """;

    /// <summary>What <see cref="SplitScript"/> returned.</summary>
    internal static PdfSplit Split(JsonElement result)
    {
        if (result.ValueKind != JsonValueKind.Array || result.GetArrayLength() != 2 || result[0].ValueKind != JsonValueKind.Number)
        {
            return new PdfSplit(1, []);
        }
        return new PdfSplit(result[0].GetInt32(), PdfOutlineWriter.Headings(result[1]));
    }

    /// <summary>
    /// The parts' PDFs joined in order into one: every page numbered "i / n" at the foot (as the document's own page
    /// numbers, which the parts printed without), the parts' named destinations kept (so a link from one part to another
    /// still leads there), and an outline of <paramref name="headings"/>. The number of outline entries is returned too.
    /// </summary>
    public static (byte[] Pdf, int Entries) Join(IReadOnlyList<byte[]> parts, IReadOnlyList<PdfHeading> headings)
    {
        using var output = new PdfDocument();
        var destinations = new Dictionary<string, (PdfPage Page, PdfArray Destination)>(StringComparer.Ordinal);
        var inputs = new List<PdfDocument>();
        try
        {
            foreach (var bytes in parts)
            {
                var input = PdfReader.Open(new MemoryStream(bytes, writable: false), PdfDocumentOpenMode.Import);
                inputs.Add(input);
                if (inputs.Count == 1)
                {
                    output.Info.Title = input.Info.Title;
                    output.Info.Creator = input.Info.Creator;
                }
                var pages = new Dictionary<PdfObjectID, PdfPage>();
                foreach (var page in input.Pages)
                {
                    var added = output.AddPage(page);
                    if (page.Reference is { } r)
                    {
                        pages[r.ObjectID] = added;
                    }
                }
                foreach (var (name, destination) in PdfOutlineWriter.Destinations(input))
                {
                    if (destination.Elements.Count >= 2 && destination.Elements[0] is PdfReference pageReference
                        && pages.TryGetValue(pageReference.ObjectID, out var page))
                    {
                        destinations.TryAdd(name, (page, destination));
                    }
                }
            }
            Number(output);
            WriteDestinations(output, destinations);
            var entries = PdfOutlineWriter.WriteOutline(output, headings, id => destinations.TryGetValue(id, out var d) ? d : ((PdfPage, PdfArray)?)null);
            using var stream = new MemoryStream(parts.Sum(p => p.Length) + 4096);
            output.Save(stream, closeStream: false);
            return (stream.ToArray(), entries);
        }
        finally
        {
            foreach (var input in inputs)
            {
                input.Dispose();
            }
        }
    }

    /// <summary>
    /// "i / n" at the middle of each page's foot, where the document's own bottom-center margin box prints it (6 pt,
    /// #757575, in the middle of the 16 mm bottom margin), in Helvetica (one of the PDF's standard fonts: nothing to
    /// embed). The page's own content is wrapped in q … Q first, so that whatever state it leaves does not move the number.
    /// </summary>
    private static void Number(PdfDocument document)
    {
        var font = new PdfDictionary(document);
        font.Elements.SetName("/Type", "/Font");
        font.Elements.SetName("/Subtype", "/Type1");
        font.Elements.SetName("/BaseFont", "/Helvetica");
        font.Elements.SetName("/Encoding", "/WinAnsiEncoding");
        document.Internals.AddObject(font);
        const double size = 6; // 8 CSS px
        const double bottomMargin = 16 / 25.4 * 72;
        var total = document.PageCount;
        for (var i = 0; i < total; i++)
        {
            var page = document.Pages[i];
            var resources = page.Elements.GetDictionary("/Resources");
            if (resources is null)
            {
                resources = new PdfDictionary(document);
                page.Elements["/Resources"] = resources;
            }
            var fonts = resources.Elements.GetDictionary("/Font");
            if (fonts is null)
            {
                fonts = new PdfDictionary(document);
                resources.Elements["/Font"] = fonts;
            }
            fonts.Elements[FontName] = font.Reference!;
            var text = string.Create(CultureInfo.InvariantCulture, $"{i + 1} / {total}");
            var box = page.MediaBox;
            var x = box.X1 + (box.Width - HelveticaWidth(text) * size / 1000) / 2;
            // The margin box's line is centred in the bottom margin; Helvetica's digits stand 0.703 em tall on the baseline.
            var y = box.Y1 + bottomMargin / 2 - 0.703 * size / 2;
            page.Contents.PrependContent().CreateStream("q\n"u8.ToArray());
            page.Contents.AppendContent().CreateStream(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
                $"Q\nq BT {FontName} {size:0.##} Tf 0.459 0.459 0.459 rg {x:0.###} {y:0.###} Td ({text}) Tj ET Q\n")));
        }
    }

    /// <summary>The width of "i / n" in Helvetica, in thousandths of an em (its AFM metrics: digits 556, space and slash 278).</summary>
    private static int HelveticaWidth(string text) => text.Sum(c => c is ' ' or '/' ? 278 : 556);

    /// <summary>The catalog's <c>/Dests</c>: each part's named destinations, at the page they landed on in the joined document.</summary>
    private static void WriteDestinations(PdfDocument document, Dictionary<string, (PdfPage Page, PdfArray Destination)> destinations)
    {
        if (destinations.Count == 0)
        {
            return;
        }
        var dests = new PdfDictionary(document);
        foreach (var (name, (page, destination)) in destinations)
        {
            var array = new PdfArray(document);
            array.Elements.Add(page.Reference!);
            for (var i = 1; i < destination.Elements.Count; i++)
            {
                array.Elements.Add(destination.Elements[i] is PdfReference ? PdfNull.Value : destination.Elements[i]);
            }
            dests.Elements["/" + EncodeName(name)] = array;
        }
        document.Internals.AddObject(dests);
        document.Internals.Catalog.Elements["/Dests"] = dests.Reference!;
    }

    /// <summary>A PDF name (without its slash) for an id: bytes outside the regular characters written as #xx.</summary>
    internal static string EncodeName(string id)
    {
        var name = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(id))
        {
            var regular = b is > 0x20 and < 0x7F && "#%()/<>[]{}".IndexOf((char)b, StringComparison.Ordinal) < 0;
            if (regular)
            {
                name.Append((char)b);
            }
            else
            {
                name.Append(CultureInfo.InvariantCulture, $"#{b:X2}");
            }
        }
        return name.ToString();
    }
}
