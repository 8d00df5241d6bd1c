using System.Text.Json;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

[Collection(ObservedServerGroup.Name)]
public sealed class AccessLogTests(ObservedServer server)
{
    [Fact]
    public async Task AJsonAccessLogLineCarriesTheRequestId()
    {
        string id = "access-log." + Guid.NewGuid().ToString("N");

        await ServerFactory.ReadOkAsync(await server.PostAsync("{\"texts\": [\"free prize\", \"lunch at noon\"]}", requestId: id));
        var entry = await AccessLogEntryAsync(id);

        var state = entry.GetProperty("State");
        Assert.Equal(id, state.GetProperty("RequestId").GetString());
        Assert.Equal("POST", state.GetProperty("Method").GetString());
        Assert.Equal("/predict", state.GetProperty("Route").GetString());
        Assert.Equal(200, state.GetProperty("StatusCode").GetInt32());
        Assert.Equal(2, state.GetProperty("Texts").GetInt32());
        Assert.True(state.GetProperty("RequestBytes").GetInt64() > 0);
        Assert.True(state.GetProperty("ResponseBytes").GetInt64() > 0);
        Assert.True(state.GetProperty("DurationMilliseconds").GetDouble() > 0);
        // The request's log scope (what every entry logged for it carries) holds the ID too.
        Assert.Contains(entry.GetProperty("Scopes").EnumerateArray(),
            scope => scope.ValueKind == JsonValueKind.Object && scope.TryGetProperty("RequestId", out var scoped) && scoped.GetString() == id);
    }

    [Fact]
    public async Task ScrapesAreNotInTheAccessLog()
    {
        await server.ScrapeAsync();
        string id = "after-scrape." + Guid.NewGuid().ToString("N");
        await server.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri("/health/live", UriKind.Relative)) { Headers = { { "X-Request-Id", id } } });

        await AccessLogEntryAsync(id); // logged after the scrape, so the scrape would be in the output by now

        Assert.DoesNotContain(AccessLogEntries(), entry => entry.GetProperty("State").GetProperty("Path").GetString() == "/metrics");
    }

    private IEnumerable<JsonElement> AccessLogEntries() => server.Output.Split('\n')
        .Where(line => line.StartsWith('{') && line.Contains("AccessLogMiddleware", StringComparison.Ordinal))
        .Select(line => JsonDocument.Parse(line).RootElement.Clone());

    private async Task<JsonElement> AccessLogEntryAsync(string requestId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            var entry = AccessLogEntries().FirstOrDefault(e => e.GetProperty("State").GetProperty("RequestId").GetString() == requestId);
            if (entry.ValueKind == JsonValueKind.Object)
            {
                return entry;
            }
            await Task.Delay(20);
        }
        throw new TimeoutException($"no access log entry for request {requestId}:\n{server.Output}");
    }
}
