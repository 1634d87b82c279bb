using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Detection;
using SecurityConsole.Server.Detection.Rules;
using SecurityConsole.Server.Events;
using SecurityConsole.Shared.Detection;

namespace SecurityConsole.Server.Tests.Detection;

/// <summary>
/// Generated cases over every built-in rule (issue 14, ADR 0065): whatever people and addresses the events carry, what a
/// reader without pii:read gets of the resulting alerts (entity, title, summary, evidence, occurrences) holds no e-mail
/// address, no account name and no IP address with more than two octets, while a reader with pii:read reads them in clear
/// and never sees a mark.
/// </summary>
public sealed partial class AlertMaskingPropertyTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 16, 0, 0, 0, TimeSpan.Zero);
    private long _ids;

    [GeneratedRegex(@"[A-Za-z0-9._%+-]{2,}@")]
    private static partial Regex EmailLocalPart();

    [GeneratedRegex(@"\b\d{1,3}\.\d{1,3}\.\d{1,3}\b")]
    private static partial Regex ThreeOctets();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void NoAlertShowsAPersonOrAnAddressToAReaderWithoutPiiRead(int seed)
    {
        var random = new Random(seed);
        var engine = new RuleEngine();
        engine.Apply(BuiltInRules.All.Select(s => RuleEngineTests.Rule(s.Id)));
        var people = Enumerable.Range(0, 10).Select(_ => random.Next(3) == 0 ? $"acct{Word(random)}" : $"{Word(random)}.{Word(random)}@{Word(random)}.example").ToList();
        var addresses = Enumerable.Range(0, 10).Select(_ => $"{random.Next(11, 223)}.{random.Next(256)}.{random.Next(256)}.{random.Next(1, 255)}").ToList();
        var events = Scenario(random, people, addresses);
        var hits = engine.Evaluate(events);
        Assert.NotEmpty(hits);
        Assert.Contains(hits, h => h.Finding.EntityKind == EntityKinds.User);
        Assert.Contains(hits, h => h.Finding.EntityKind == EntityKinds.Ip);

        var masked = new AlertShape(RandomNumberGenerator.GetBytes(32));
        foreach (var (hit, i) in hits.Select((h, i) => (h, i)))
        {
            var view = ViewOf(hit, i);
            var shown = JsonSerializer.Serialize(new { alert = masked.View(view), occurrence = masked.Occurrence(new AlertOccurrenceView(hit.Finding.At, view.Title, 1)) });
            Assert.DoesNotMatch(EmailLocalPart(), shown);
            Assert.DoesNotMatch(ThreeOctets(), shown);
            Assert.All(people, p => Assert.DoesNotContain(p, shown, StringComparison.OrdinalIgnoreCase));
            if (hit.Finding.EntityKind is EntityKinds.User or EntityKinds.Ip)
            {
                Assert.DoesNotContain(hit.Finding.EntityId, shown, StringComparison.Ordinal);
            }

            var clear = AlertShape.Clear.View(view);
            Assert.Contains(hit.Finding.EntityId, clear.EntityId);
            Assert.DoesNotContain(PersonalText.TypedMark, clear.Title);
            Assert.Equal(-1, clear.Title.IndexOfAny(['\uE000', '\uE001']));
            if (hit.Finding.EntityKind is EntityKinds.User or EntityKinds.Ip)
            {
                Assert.Contains(hit.Finding.EntityId, clear.Title);
            }
        }
    }

    [Fact]
    public void OnePersonReadsTheSameMaskAndTagInEveryAlertAndTwoPeopleDiffer()
    {
        var masked = new AlertShape(RandomNumberGenerator.GetBytes(32));
        var a = masked.Entity(EntityKinds.User, "mallory@example.com");
        Assert.Equal(a, masked.Entity(EntityKinds.User, "Mallory@example.com"));
        Assert.StartsWith("m***@example.com #", a);
        Assert.NotEqual(a, masked.Entity(EntityKinds.User, "mike@example.com"));
        Assert.Equal("203.0.*.*", masked.Entity(EntityKinds.Ip, "203.0.113.9"));
        Assert.Equal("sc_live_AbCd", masked.Entity(EntityKinds.Key, "sc_live_AbCd"));
    }

    [Fact]
    public void ATitleBuiltFromPartsIsMaskedPartByPartAndFreeTextIsHiddenWhole()
    {
        // The garbling of issue 14: "10 failed sign-ins for mallory" taken for an e-mail address, the address left in clear.
        var title = PersonalText.Typed($"10 failed sign-ins for {PersonalText.Person("mallory")} from {PersonalText.Address("203.0.113.9")} in 5 minutes");
        Assert.Equal("10 failed sign-ins for m*** from 203.0.*.* in 5 minutes", PersonalText.Mask(title, Masking.Person));
        Assert.Equal("10 failed sign-ins for mallory from 203.0.113.9 in 5 minutes", PersonalText.Reveal(title));
        Assert.Equal(Masking.Hidden, PersonalText.Mask("10 failed sign-ins for mallory@example.com", Masking.Person));
        // A value cannot open a part of its own, and a part cut short by the column is dropped, not shown half.
        Assert.Equal("x \uE000ay\uE001".Length - 2, PersonalText.Strip("x \uE000ay\uE001").Length);
        Assert.Equal("by …", PersonalText.Mask(PersonalText.Typed("by \uE000pmallory@exam"), Masking.Person));
    }

    private AlertView ViewOf(RuleHit hit, int i)
    {
        var f = hit.Finding;
        return new AlertView(i, hit.Rule.Id, hit.Rule.Name, hit.Rule.Type, hit.Rule.Severity, AlertStatuses.Open, f.EntityKind, f.EntityId,
            PersonalText.Typed(f.TitleFor(3)), f.At, f.At, 3, null, null, 0, JsonSerializer.SerializeToElement(f.Details), f.At, f.At, null, 1,
            f.Summary is null ? null : PersonalText.Typed(f.Summary));
    }

    private static string Word(Random random) => new([.. Enumerable.Range(0, random.Next(3, 9)).Select(_ => (char)('a' + random.Next(26)))]);

    /// <summary>Ordinary sign-ins to learn from, then bursts: guessing, lock-outs, a leak report by a person, sign-ins from new networks at night.</summary>
    private List<SecurityEvent> Scenario(Random random, List<string> people, List<string> addresses)
    {
        var events = new List<SecurityEvent>();
        for (var day = 0; day < 10; day++)
        {
            foreach (var (person, p) in people.Select((x, i) => (x, i)))
            {
                for (var n = 0; n < 4; n++)
                {
                    events.Add(Event(SecurityEventTypes.LoginSucceeded, Monday.AddDays(day).AddHours(9 + n), person, null, $"10.{p}.0.{random.Next(2, 200)}"));
                }
            }
        }
        var t = Monday.AddDays(11).AddHours(3);
        foreach (var (person, p) in people.Select((x, i) => (x, i)))
        {
            var ip = addresses[p];
            for (var n = 0; n < 12; n++)
            {
                events.Add(Event(SecurityEventTypes.LoginFailed, t = t.AddSeconds(5), person, null, ip, EventOutcomes.Failure,
                    random.Next(2) == 0 ? """{"reason":"wrong password for the account"}""" : null));
            }
            events.Add(Event(SecurityEventTypes.Lockout, t = t.AddSeconds(5), person, null, ip));
            events.Add(Event(SecurityEventTypes.LoginSucceeded, t = t.AddSeconds(5), person, null, ip));
            events.Add(Event(SecurityEventTypes.KeyLeakReported, t = t.AddSeconds(5), null, $"sc_live_{Word(random)}", ip, EventOutcomes.Success,
                JsonSerializer.Serialize(new { reportedBy = person, outcome = "revoked" })));
        }
        // One address spraying every account: the address's incident.
        foreach (var person in people)
        {
            events.Add(Event(SecurityEventTypes.LoginFailed, t = t.AddSeconds(2), person, null, addresses[0], EventOutcomes.Failure));
        }
        return events;
    }

    private SecurityEvent Event(string type, DateTimeOffset at, string? actor, string? key, string? ip, string outcome = EventOutcomes.Success, string? attributes = null) => new()
    {
        Id = ++_ids,
        Type = type,
        Time = at,
        ReceivedAt = at,
        Source = "console",
        Actor = actor,
        KeyPrefix = key,
        SourceIp = ip,
        Outcome = outcome,
        Attributes = attributes,
    };
}
