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
    ];

    private readonly ReportsOptions _limits;

    public TemplateEngine(IOptions<ReportsOptions> options)
    {
        _limits = options.Value;
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
            return (template, null);
        }
        return (null, SyntaxProblem(error));
    }

    /// <summary>Renders within the limits; a template that breaks one throws <see cref="TemplateFailedException"/> saying which.</summary>
    public async Task<string> RenderAsync(IFluidTemplate template, ReportModel model, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_limits.TemplateTimeout);
        var writer = new LimitedWriter(_limits.TemplateMaxOutputChars, timeout.Token);
        var context = new TemplateContext(model, Options);
        try
        {
            // Off the caller's thread: a render that writes nothing still ends at MaxSteps, and WaitAsync ends the wait at the timeout.
            await Task.Run(async () => await template.RenderAsync(writer, context, HtmlEncoder.Default), timeout.Token).WaitAsync(timeout.Token);
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

/// <summary>A template broke a limit or failed while rendering; the message says which, in a sentence a person can act on.</summary>
public sealed class TemplateFailedException(string message) : Exception(message);
