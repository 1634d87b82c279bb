[assembly: AssemblyFixture(typeof(SecurityConsole.Server.Tests.Infrastructure.PostgresServer))]
[assembly: AssemblyFixture(typeof(SecurityConsole.Server.Tests.Infrastructure.RedisServer))]
