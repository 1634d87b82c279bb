using System.Globalization;
using System.Text;
using System.Text.Json;
using PdfSharp.Pdf;
using PdfSharp.Pdf.Advanced;
using PdfSharp.Pdf.IO;

namespace SecurityConsole.Server.Reports.Output;

/// <summary>A heading of the printed document: its level (1 for h1), the id its named destination carries, and its text.</summary>
public sealed record PdfHeading(int Level, string Id, string Text);

/// <summary>
/// The document outline (bookmarks) of an untagged PDF (ADR 0115). Chromium builds an outline only from a tagged PDF's
/// structure tree, and tagging a report costs one structure element per table cell: most of the time and two thirds of
/// the bytes of a large report. So the printer prints untagged, and the outline is made here instead: before printing,
/// <see cref="MarkHeadingsScript"/> gives every heading an id (one it already has is kept) and links to it from a hidden
/// element, which makes Chromium write a named destination for each (its page and position, in the catalog's
/// <c>/Dests</c>); afterwards <see cref="Add"/> reads those destinations with PDFsharp and writes the outline, nested
/// by heading level, each entry pointing at its heading's page and height.
/// </summary>
public static class PdfOutlineWriter
{
    /// <summary>Prefix of the ids given to headings without one.</summary>
    public const string IdPrefix = "sc-outline-";

    /// <summary>
    /// Run in the page (not by it: the page runs no script) before printing: ids for headings without one, a hidden
    /// <c>nav</c> linking to each (so that Chromium writes their named destinations; hidden, it prints nothing), and
    /// the headings as <c>[level, id, text]</c> in document order. Headings with no text are left out, as Chromium's
    /// own outline leaves them out.
    /// </summary>
    public const string MarkHeadingsScript = """
        () => {
          const nav = document.createElement('nav');
          nav.hidden = true;
          const marked = [];
          document.querySelectorAll('h1, h2, h3, h4, h5, h6').forEach((h, i) => {
            const text = (h.textContent || '').replace(/\s+/g, ' ').trim();
            if (!text) return;
            if (!h.id) h.id = 'sc-outline-' + i;
            const a = document.createElement('a');
            a.href = '#' + encodeURIComponent(h.id);
            nav.append(a);
            marked.push([Number(h.tagName.substring(1)), h.id, text]);
          });
          (document.body || document.documentElement).append(nav);
          return marked;
        }
        """;

    /// <summary>The headings <see cref="MarkHeadingsScript"/> returned.</summary>
    public static List<PdfHeading> Headings(JsonElement marked) =>
        marked.ValueKind != JsonValueKind.Array
            ? []
            : [.. marked.EnumerateArray().Where(h => h.ValueKind == JsonValueKind.Array && h.GetArrayLength() == 3)
                .Select(h => new PdfHeading(h[0].GetInt32(), h[1].GetString() ?? "", h[2].GetString() ?? ""))];

    /// <summary>
    /// The PDF with an outline of <paramref name="headings"/>: one entry per heading whose named destination the PDF
    /// holds, nested by level (an h2 under the h1 before it), pointing at the heading's page and height. The number of
    /// entries written is returned too. A PDF without destinations comes back with no outline (and 0).
    /// </summary>
    public static (byte[] Pdf, int Entries) Add(byte[] pdf, IReadOnlyList<PdfHeading> headings)
    {
        if (headings.Count == 0)
        {
            return (pdf, 0);
        }
        using var input = new MemoryStream(pdf, writable: false);
        using var document = PdfReader.Open(input, PdfDocumentOpenMode.Modify);
        var destinations = Destinations(document);
        if (destinations.Count == 0)
        {
            return (pdf, 0);
        }
        var pages = new Dictionary<PdfObjectID, PdfPage>();
        foreach (var page in document.Pages)
        {
            if (page.Reference is { } r)
            {
                pages[r.ObjectID] = page;
            }
        }
        var entries = WriteOutline(document, headings, id =>
            destinations.TryGetValue(id, out var destination) && destination.Elements.Count >= 2
            && destination.Elements[0] is PdfReference pageReference && pages.TryGetValue(pageReference.ObjectID, out var page)
                ? (page, destination)
                : ((PdfPage, PdfArray)?)null);
        if (entries == 0)
        {
            return (pdf, 0);
        }
        using var output = new MemoryStream(pdf.Length + 4096 + 256 * entries);
        document.Save(output, closeStream: false);
        return (output.ToArray(), entries);
    }

    /// <summary>
    /// Writes the outline of <paramref name="headings"/> into <paramref name="document"/>: one entry per heading whose
    /// destination <paramref name="find"/> knows (its page in this document and the destination array, <c>[page /XYZ left
    /// top zoom]</c>), nested by level (an h2 under the h1 before it). Returns the number of entries written.
    /// </summary>
    internal static int WriteOutline(PdfDocument document, IReadOnlyList<PdfHeading> headings, Func<string, (PdfPage Page, PdfArray Destination)?> find)
    {
        var open = new Stack<(int Level, PdfOutline Entry)>();
        var entries = 0;
        foreach (var heading in headings)
        {
            if (find(heading.Id) is not { } found)
            {
                continue;
            }
            var (page, destination) = found;
            var entry = new PdfOutline(heading.Text, page, opened: true) { PageDestinationType = PdfPageDestinationType.Xyz };
            if (destination.Elements.Count >= 4 && Number(destination.Elements[3]) is { } top)
            {
                entry.Top = top;
            }
            if (Number(destination.Elements.Count >= 3 ? destination.Elements[2] : null) is { } left)
            {
                entry.Left = left;
            }
            while (open.Count > 0 && open.Peek().Level >= heading.Level)
            {
                open.Pop();
            }
            (open.Count == 0 ? document.Outlines : open.Peek().Entry.Outlines).Add(entry);
            open.Push((heading.Level, entry));
            entries++;
        }
        return entries;
    }

    /// <summary>The document's named destinations: the catalog's <c>/Dests</c> dictionary and the <c>/Names /Dests</c> name tree, by decoded name.</summary>
    internal static Dictionary<string, PdfArray> Destinations(PdfDocument document)
    {
        var found = new Dictionary<string, PdfArray>(StringComparer.Ordinal);
        var catalog = document.Internals.Catalog;
        if (Resolve(catalog.Elements["/Dests"]) is PdfDictionary dests)
        {
            foreach (var key in dests.Elements.Keys)
            {
                if (Array(dests.Elements[key]) is { } array)
                {
                    Register(found, DecodeName(key), array);
                }
            }
        }
        if (Resolve(catalog.Elements["/Names"]) is PdfDictionary names && Resolve(names.Elements["/Dests"]) is PdfDictionary tree)
        {
            NameTree(tree, found, 0);
        }
        return found;
    }

    /// <summary>A destination under its name and, where that differs, its name percent-decoded: Chromium names a destination after the link's fragment.</summary>
    private static void Register(Dictionary<string, PdfArray> found, string name, PdfArray destination)
    {
        found.TryAdd(name, destination);
        if (name.Contains('%', StringComparison.Ordinal))
        {
            found.TryAdd(Uri.UnescapeDataString(name), destination);
        }
    }

    private static void NameTree(PdfDictionary node, Dictionary<string, PdfArray> found, int depth)
    {
        if (depth > 32)
        {
            return;
        }
        if (Resolve(node.Elements["/Names"]) is PdfArray pairs)
        {
            for (var i = 0; i + 1 < pairs.Elements.Count; i += 2)
            {
                if (Resolve(pairs.Elements[i]) is PdfString name && Array(pairs.Elements[i + 1]) is { } array)
                {
                    Register(found, name.Value, array);
                }
            }
        }
        if (Resolve(node.Elements["/Kids"]) is PdfArray kids)
        {
            foreach (var kid in kids.Elements)
            {
                if (Resolve(kid) is PdfDictionary child)
                {
                    NameTree(child, found, depth + 1);
                }
            }
        }
    }

    /// <summary>A destination: an array, or a dictionary whose <c>/D</c> is one.</summary>
    private static PdfArray? Array(PdfItem? item) => Resolve(item) switch
    {
        PdfArray array => array,
        PdfDictionary d when Resolve(d.Elements["/D"]) is PdfArray array => array,
        _ => null,
    };

    private static PdfItem? Resolve(PdfItem? item) => item is PdfReference r ? r.Value : item;

    private static double? Number(PdfItem? item) => Resolve(item) switch
    {
        PdfInteger i => i.Value,
        PdfReal r => r.Value,
        PdfIntegerObject i => i.Value,
        PdfRealObject r => r.Value,
        _ => null,
    };

    /// <summary>A PDF name without its slash and with its <c>#xx</c> escapes decoded (UTF-8), as the id it was written from.</summary>
    internal static string DecodeName(string name)
    {
        var raw = name.StartsWith('/') ? name[1..] : name;
        if (!raw.Contains('#', StringComparison.Ordinal))
        {
            return raw;
        }
        var bytes = new List<byte>(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '#' && i + 2 < raw.Length
                && byte.TryParse(raw.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
            {
                bytes.Add(b);
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(raw[i].ToString()));
            }
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }
}
