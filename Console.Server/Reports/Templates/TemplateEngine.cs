using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using Fluid;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using SecurityConsole.Server.Reports.Charts;
using SharedProblem = SecurityConsole.Shared.Reports.TemplateProblem;

namespace SecurityConsole.Server.Reports.Templates;

/// <summary>
/// Liquid through Fluid, sandboxed: only the types of <see cref="ReportModel"/> are readable (snake_case), output is HTML
/// encoded, there is no file provider (include/render find nothing) and no filter reaches outside the model
/// (<c>raw</c> and <c>json</c> are removed); steps, recursion, output size and time are bounded per render.
/// </summary>
public sealed partial class TemplateEngine
{
    private static readonly FluidParser Parser = new(new FluidParserOptions { AllowFunctions = false, AllowParentheses = false });

    /// <summary>The types a template may read: the allow-list.</summary>
    public static readonly Type[] ModelTypes =
    [
        typeof(ReportModel), typeof(ReportHeader), typeof(ReportFilter), typeof(CountItem), typeof(HeatmapData),
        typeof(SecuritySummaryData), typeof(AlertRow), typeof(KeyInventoryData), typeof(KeyRow), typeof(AuditExtractData), typeof(AuditRow),
        typeof(TriageData), typeof(SlaTarget), typeof(AccessReviewData), typeof(AccessRow),
        typeof(PostureData), typeof(FrameworkPosture), typeof(PostureRequirement), typeof(PostureControl),
    ];

    private readonly ReportsOptions _limits;
    private readonly ReportWork? _work;

    /// <param name="options">The limits.</param>
    /// <param name="work">The report feature's low-priority lane, where renders run (ADR 0135); without one, on the thread pool.</param>
    public TemplateEngine(IOptions<ReportsOptions> options, ReportWork? work = null)
    {
        _limits = options.Value;
        _work = work;
        var access = new DefaultMemberAccessStrategy { MemberNameStrategy = MemberNameStrategies.SnakeCase };
        foreach (var type in ModelTypes)
        {
            access.Register(type);
        }
        Options = new TemplateOptions
        {
            MemberAccessStrategy = access,
            FileProvider = new NullFileProvider(),
            MaxSteps = _limits.TemplateMaxSteps,
            MaxRecursion = _limits.TemplateMaxRecursion,
            CultureInfo = CultureInfo.InvariantCulture,
            TimeZone = TimeZoneInfo.Utc,
            // A fixed "now": the same period renders the same HTML whenever it is run.
            Now = () => DateTimeOffset.UnixEpoch,
        };
        // raw would let data write markup; json serialises objects past the member allow-list.
        Options.Filters.Remove("raw");
        Options.Filters.Remove("json");
        SvgCharts.Register(Options.Filters);
    }

    public TemplateOptions Options { get; }

    /// <summary>Parses a source; a syntax error comes back with its line and column.</summary>
    public (IFluidTemplate? Template, SharedProblem? Error) Parse(string source)
    {
        if (Parser.TryParse(source, out var template, out var error))
        {
            // Every range is bounded before it is built: Fluid 2.41 allocates (1..n) whole, uncounted by the step limit and
            // deaf to the time limit, so that (1..1000000000) alone took gigabytes.
            return (new BoundedRanges(_limits.TemplateMaxRangeLength).VisitTemplate(template), null);
        }
        return (null, SyntaxProblem(error));
    }

    /// <summary>Renders within the limits; a template that breaks one throws <see cref="TemplateFailedException"/> saying which.</summary>
    public async Task<string> RenderAsync(IFluidTemplate template, ReportModel model, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var writer = new LimitedWriter(_limits.TemplateMaxOutputChars, timeout.Token);
        // Fluid 2.41 has no cancellation of its own: writes and ranges check this token, so that a render past its time
        // stops working (at its next write or loop), not only being waited for.
        var context = new TemplateContext(model, Options);
        context.AmbientValues[BoundedRanges.CancellationKey] = timeout.Token;
        try
        {
            // Off the caller's thread: a render that writes nothing still ends at MaxSteps, and WaitAsync ends the wait at the
            // timeout. On the report lane (ADR 0135) the time limit starts when the render does, not while it waits its turn.
            ValueTask Render()
            {
                timeout.CancelAfter(_limits.TemplateTimeout);
                return template.RenderAsync(writer, context, HtmlEncoder.Default);
            }
            await (_work is null ? Task.Run(async () => await Render(), timeout.Token) : _work.RunAsync(Render, timeout.Token)).WaitAsync(timeout.Token);
        }
        catch (OutputLimitException)
        {
            throw new TemplateFailedException($"The template wrote more than {_limits.TemplateMaxOutputChars:N0} characters, the output limit.");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TemplateFailedException($"The template ran longer than {_limits.TemplateTimeout.TotalSeconds:N0} seconds, the time limit.");
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains("maximum", StringComparison.OrdinalIgnoreCase))
        {
            // Fluid reports both the step and the recursion limit this way.
            throw new TemplateFailedException(
                $"The template went past {_limits.TemplateMaxSteps:N0} steps or {_limits.TemplateMaxRecursion} nested levels: an endless or far too long loop.");
        }
        catch (FluidException ex)
        {
            throw new TemplateFailedException($"The template failed: {ex.Message}.");
        }
        return writer.ToString();
    }

    internal static SharedProblem SyntaxProblem(string error)
    {
        var firstLine = error.Split('\n')[0].Trim();
        var at = Position().Match(firstLine);
        if (!at.Success)
        {
            return new SharedProblem($"Syntax error: {firstLine}", null, null);
        }
        var message = firstLine[..at.Index].TrimEnd();
        return new SharedProblem($"Syntax error: {message}", int.Parse(at.Groups[1].Value, CultureInfo.InvariantCulture),
            int.Parse(at.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"at \((\d+):(\d+)\)")]
    private static partial Regex Position();

    private sealed class OutputLimitException : Exception;

    /// <summary>Counts what the template writes and stops it at the output limit or when its time is up.</summary>
    private sealed class LimitedWriter(int max, CancellationToken ct) : StringWriter(CultureInfo.InvariantCulture)
    {
        private long _written;

        public override void Write(char value)
        {
            Count(1);
            base.Write(value);
        }

        public override void Write(string? value)
        {
            Count(value?.Length ?? 0);
            base.Write(value);
        }

        public override void Write(char[] buffer, int index, int count)
        {
            Count(count);
            base.Write(buffer, index, count);
        }

        public override void Write(ReadOnlySpan<char> buffer)
        {
            Count(buffer.Length);
            base.Write(buffer);
        }

        public override Task WriteAsync(string? value)
        {
            Write(value);
            return Task.CompletedTask;
        }

        public override Task WriteAsync(char value)
        {
            Write(value);
            return Task.CompletedTask;
        }

        public override Task WriteAsync(char[] buffer, int index, int count)
        {
            Write(buffer, index, count);
            return Task.CompletedTask;
        }

        public override Task WriteAsync(ReadOnlyMemory<char> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return Task.CompletedTask;
        }

        private void Count(int n)
        {
            ct.ThrowIfCancellationRequested();
            _written += n;
            if (_written > max)
            {
                throw new OutputLimitException();
            }
        }
    }
}

/// <summary>Replaces each range of a parsed template with one that refuses to build more than <c>max</c> numbers.</summary>
internal sealed class BoundedRanges(int max) : Fluid.Ast.AstRewriter
{
    /// <summary>Where the render's time limit is put in the template context, for every range to check.</summary>
    public const string CancellationKey = "console.cancellation";

    protected override Fluid.Ast.Expression VisitRangeExpression(Fluid.Ast.RangeExpression rangeExpression) =>
        base.VisitRangeExpression(rangeExpression) is Fluid.Ast.RangeExpression range ? new BoundedRange(range, max) : rangeExpression;

    private sealed class BoundedRange(Fluid.Ast.RangeExpression range, int max) : Fluid.Ast.Expression
    {
        public override async ValueTask<Fluid.Values.FluidValue> EvaluateAsync(TemplateContext context)
        {
            var from = (await range.From.EvaluateAsync(context)).ToNumberValue();
            var to = (await range.To.EvaluateAsync(context)).ToNumberValue();
            var length = to < from ? 0 : to - from + 1;
            if (length > max)
            {
                throw new TemplateFailedException(string.Create(CultureInfo.InvariantCulture,
                    $"The range ({from}..{to}) holds {length:N0} numbers, more than the {max:N0} a template may loop over."));
            }
            if (context.AmbientValues.TryGetValue(CancellationKey, out var token) && token is CancellationToken ct)
            {
                ct.ThrowIfCancellationRequested();
            }
            return await range.EvaluateAsync(context);
        }

        /// <summary>Visitors (the validator's model checker) see the bounds inside; the bound itself stays.</summary>
        protected override Fluid.Ast.Expression Accept(Fluid.Ast.AstVisitor visitor)
        {
            visitor.Visit(range);
            return this;
        }
    }
}

/// <summary>A template broke a limit or failed while rendering; the message says which, in a sentence a person can act on.</summary>
public sealed class TemplateFailedException(string message) : Exception(message);
