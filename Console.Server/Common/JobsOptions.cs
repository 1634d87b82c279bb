using System.ComponentModel.DataAnnotations;

namespace SecurityConsole.Server.Common;

/// <summary><c>Jobs:*</c> settings.</summary>
public sealed class JobsOptions
{
    /// <summary>Whether this node runs Hangfire workers (every node can; HTTP-only nodes turn it off).</summary>
    public bool RunServer { get; set; } = true;

    [Range(1, 1000, ErrorMessage = "a whole number from {1} to {2}")]
    public int Workers { get; set; } = Math.Max(2, Environment.ProcessorCount);
}
