using System.Net;
using System.Net.Http.Headers;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Server.Tests.Keys.KeyTestKit;

namespace SecurityConsole.Server.Tests.Keys;

public sealed class KeyRateLimitTests(SqliteConsole console) : IClassFixture<SqliteConsole>
{
    [Fact]
    public async Task AKeyOverItsRateLimitIsAnswered429WithRetryAfterAndAProblem()
    {
        var (_, key) = await console.Factory.IssuedKeyAsync(NewRequest(scopes: [Permissions.KeysVerify], rateLimit: 2));
        var service = console.Factory.CreateClient();
        service.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.Secret);
        var body = new KeyVerifyRequest("sc_dev_not-a-key", null, null);

        for (var i = 0; i < 2; i++)
        {
            await (await service.PostAsJsonAsync("/api/v1/keys/verify", body, Ct)).AssertStatusAsync(HttpStatusCode.OK);
        }
        var refused = await service.PostAsJsonAsync("/api/v1/keys/verify", body, Ct);
        var problem = await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        // Two a minute: the next token comes within 30 seconds.
        Assert.InRange(int.Parse(refused.Headers.GetValues("Retry-After").Single()), 1, 30);
        Assert.Equal("This key is over its rate limit", problem.GetProperty("title").GetString());
        Assert.DoesNotContain(key.Secret, await refused.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task VerifyTellsAServiceWhenTheKeyItChecksIsOverItsLimitAndForHowLong()
    {
        var (_, key) = await console.Factory.IssuedKeyAsync(NewRequest(rateLimit: 1));
        var verifier = await console.Factory.VerifierAsync();
        var first = await verifier.VerifyAsync(key.Secret);
        Assert.True(first.Valid);
        Assert.Equal(0, first.RateLimitRemaining);
        var second = await verifier.VerifyAsync(key.Secret);
        Assert.False(second.Valid);
        Assert.Equal(KeyVerifyReasons.RateLimited, second.Reason);
        Assert.InRange(second.RetryAfterSeconds!.Value, 1, 60);
    }
}
