using Hangfire.Logging;
using HangfireLevel = Hangfire.Logging.LogLevel;
using MsLevel = Microsoft.Extensions.Logging.LogLevel;

namespace SecurityConsole.Server.Hosting;

/// <summary>
/// Hangfire's logs into the host's logging. Hangfire keeps its log provider in a process-wide static: where one
/// process hosts several consoles one after another (the tests do), the provider can outlive the host that set it,
/// and Hangfire's default provider then throws <see cref="ObjectDisposedException"/> into the next host's start-up.
/// This one hands out loggers that write nowhere once their host has gone, instead of failing someone else's start.
/// </summary>
internal sealed class HangfireLogBridge(ILoggerFactory factory) : ILogProvider
{
    private static readonly ILog Nowhere = new Bridge(null);

    public ILog GetLogger(string name)
    {
        try
        {
            return new Bridge(factory.CreateLogger(name));
        }
        catch (ObjectDisposedException)
        {
            return Nowhere;
        }
    }

    private sealed class Bridge(ILogger? logger) : ILog
    {
        public bool Log(HangfireLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            if (logger is null)
            {
                return false;
            }
            var level = logLevel switch
            {
                HangfireLevel.Trace => MsLevel.Trace,
                HangfireLevel.Debug => MsLevel.Debug,
                HangfireLevel.Info => MsLevel.Information,
                HangfireLevel.Warn => MsLevel.Warning,
                HangfireLevel.Error => MsLevel.Error,
                _ => MsLevel.Critical,
            };
            if (messageFunc is null)
            {
                // Hangfire asks first whether the level is on.
                return logger.IsEnabled(level);
            }
            if (!logger.IsEnabled(level))
            {
                return false;
            }
            try
            {
                logger.Log(level, 0, messageFunc(), exception, static (message, _) => message);
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
            return true;
        }
    }
}
