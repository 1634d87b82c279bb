global using System.Net.Http.Json;
global using SecurityConsole.Server.Tests.Infrastructure;
global using SecurityConsole.Testing;
global using Xunit;
global using static SecurityConsole.Server.Tests.Infrastructure.TestCancellation;
