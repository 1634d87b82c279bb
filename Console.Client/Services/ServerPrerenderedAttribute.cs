namespace SecurityConsole.Client.Services;

/// <summary>
/// The server draws this page (and the layout around it) into the first HTML answer, with real figures; the
/// WebAssembly client takes over behind it (ADR 0095). Only for a page whose every injected service has a server
/// implementation (Console.Server/Components/Prerendering) and whose data survives the hand-over in
/// <c>[PersistentState]</c> properties, so that the browser does not fetch it again. Other pages are drawn by the
/// client alone.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ServerPrerenderedAttribute : Attribute;
