using System.Net;
using System.Text.Json;

namespace SecurityConsole.Server.Tests.Infrastructure;

public static class ApiAssertions
{
    /// <summary>Asserts an RFC 7807 answer with this status and returns its JSON.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, json.GetProperty("status").GetInt32());
        Assert.True(json.TryGetProperty("title", out _), body);
        return json;
    }

    /// <summary>The messages of one field of a validation problem; fails when the field is not named.</summary>
    public static string[] FieldErrors(this JsonElement problem, string field)
    {
        Assert.True(problem.TryGetProperty("errors", out var errors), $"No 'errors' in {problem}");
        Assert.True(errors.TryGetProperty(field, out var messages), $"No errors.{field} in {problem}");
        return [.. messages.EnumerateArray().Select(m => m.GetString()!)];
    }

    public static async Task AssertStatusAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        if (response.StatusCode != status)
        {
            Assert.Fail($"Expected {(int)status}, got {(int)response.StatusCode} {response.Headers.Location}: {await response.Content.ReadAsStringAsync(Ct)}");
        }
    }
}
