using System.Runtime.CompilerServices;

namespace SecurityConsole.Server.Tests.Infrastructure;

/// <summary>
/// Hangfire keeps process-wide statics: its log provider is set by each console host that starts, and
/// <c>GlobalJobFilters</c> takes a logger from it on first use. In a test process many consoles start
/// and stop; if a host that has already been disposed is the current provider at that first use, the
/// type initializer fails and every later console in the run fails to start. Initialise the filters
/// once, before any host exists.
/// </summary>
internal static class HangfireStatics
{
    [ModuleInitializer]
    internal static void InitialiseBeforeAnyHost() => _ = Hangfire.GlobalJobFilters.Filters.Count;
}
