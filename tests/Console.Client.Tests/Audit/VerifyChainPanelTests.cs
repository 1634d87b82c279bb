using SecurityConsole.Client.Audit;
using SecurityConsole.Shared.Audit;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Client.Tests.Audit.AuditTestData;

namespace SecurityConsole.Client.Tests.Audit;

public sealed class VerifyChainPanelTests : ConsoleTestContext
{
    private readonly Dictionary<long, TaskCompletionSource<VerifyResult>> chunks = [];

    public VerifyChainPanelTests()
    {
        SignInWith(Permissions.AuditRead);
        Api.AuditChain = () => Task.FromResult(new ChainStatus(1, 25, "head", 0, null, null));
        Api.VerifyAudit = (r, ct) =>
        {
            var chunk = new TaskCompletionSource<VerifyResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            ct.Register(() => chunk.TrySetCanceled(ct));
            chunks[r.FromSequence!.Value] = chunk;
            return chunk.Task;
        };
    }

    private IRenderedComponent<VerifyChainPanel> Start()
    {
        var cut = Render<VerifyChainPanel>(p => p.Add(c => c.ChunkSize, 10));
        cut.Find("[data-testid=verify-start]").Click();
        return cut;
    }

    [Fact]
    public void VerificationGoesChunkByChunkShowingProgressAndThenSaysIntact()
    {
        var cut = Start();

        cut.WaitForAssertion(() => Assert.True(chunks.ContainsKey(1)));
        Assert.Contains("Checked 0 of 25 entries", cut.Find("[data-testid=verify-progress]").TextContent);
        chunks[1].SetResult(Intact(1, 10, 25));
        cut.WaitForAssertion(() => Assert.Contains("Checked 10 of 25 entries (40%)", cut.Find("[data-testid=verify-progress]").TextContent));
        Assert.Equal("40", cut.Find(".mud-progress-linear").GetAttribute("aria-valuenow"));
        chunks[11].SetResult(Intact(11, 20, 25));
        cut.WaitForAssertion(() => Assert.True(chunks.ContainsKey(21)));
        chunks[21].SetResult(Intact(21, 25, 25));

        cut.WaitForAssertion(() => Assert.Contains("Intact: 25 entries, from #1 to #25.", cut.Find("[data-testid=verify-result]").TextContent));
        Assert.Contains("mud-alert-text-success", cut.Find("[data-testid=verify-result]").ClassName);
        Assert.Equal([new VerifyRequest(1, 10), new VerifyRequest(11, 20), new VerifyRequest(21, 25)], Api.VerifyRequests);
        Assert.Empty(cut.FindAll("[data-testid=verify-progress]"));
    }

    [Fact]
    public void ABrokenChainNamesTheEntryAndTheProblemAndLinksToIt()
    {
        var cut = Start();

        cut.WaitForAssertion(() => Assert.True(chunks.ContainsKey(1)));
        chunks[1].SetResult(Intact(1, 10, 25));
        cut.WaitForAssertion(() => Assert.True(chunks.ContainsKey(11)));
        chunks[11].SetResult(new VerifyResult(false, 11, 20, 3, 14, ChainProblem.Altered,
            "Entry 14 no longer matches its hash: its content was changed.", 1, 25, null));

        cut.WaitForAssertion(() => Assert.Contains("broken at entry #14", cut.Find("[data-testid=verify-result]").TextContent));
        var result = cut.Find("[data-testid=verify-result]");
        Assert.Contains("entry #14 was changed after it was written", result.TextContent);
        Assert.Contains("13 checked", result.TextContent);
        Assert.Contains("mud-alert-text-error", result.ClassName);
        Assert.Equal("audit?entry=14", cut.Find("[data-testid=verify-entry-link]").GetAttribute("href"));
        Assert.Equal(2, Api.VerifyRequests.Count);
    }

    [Fact]
    public void ARemovedEntryIsNamedInWords()
    {
        var cut = Start();

        cut.WaitForAssertion(() => Assert.True(chunks.ContainsKey(1)));
        chunks[1].SetResult(new VerifyResult(false, 1, 10, 6, 7, ChainProblem.Removed, "Entry 7 is missing (the next entry present is 8).", 1, 25, null));

        cut.WaitForAssertion(() => Assert.Contains("entry #7 is missing: it was deleted", cut.Find("[data-testid=verify-result]").TextContent));
    }

    [Fact]
    public void CancellingStopsTheVerificationAndSaysHowFarItGot()
    {
        var cut = Start();

        cut.WaitForAssertion(() => Assert.True(chunks.ContainsKey(1)));
        chunks[1].SetResult(Intact(1, 10, 25));
        cut.WaitForAssertion(() => Assert.True(chunks.ContainsKey(11)));
        cut.Find("[data-testid=verify-cancel]").Click();

        cut.WaitForAssertion(() => Assert.Contains("stopped after 10 of 25 entries", cut.Find("[data-testid=verify-result]").TextContent));
        Assert.False(chunks.ContainsKey(21));
        Assert.Contains("Verify again", cut.Find("[data-testid=verify-start]").TextContent);
    }
}
