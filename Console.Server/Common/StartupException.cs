namespace SecurityConsole.Server.Common;

/// <summary>A start-up failure whose message is meant for the operator, as is.</summary>
public sealed class StartupException(string message, Exception? inner = null) : Exception(message, inner);
