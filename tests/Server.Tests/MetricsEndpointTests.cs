using System.Net;
using System.Text.Json;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

[Collection(ObservedServerGroup.Name)]
public sealed class MetricsEndpointTests(ObservedServer server)
{
    private static readonly string[] Spam = ["win a free prize now, click here", "cheap pills, free offer, click now", "claim your free prize"];
    private static readonly string[] Ham = ["lunch meeting tomorrow about the report", "please review the project report", "dinner with the team?"];

    [Fact]
    public void TheWarmUpForwardIsNotCounted()
    {
        var first = server.FirstScrape;

        Assert.Single(first.Named("textclf_model_info")); // loaded and warmed up before this scrape
        Assert.Equal(0, first.Sum("textclf_batch_size_count"));
        Assert.Equal(0, first.Sum("textclf_inference_duration_seconds_count"));
        Assert.Equal(0, first.Sum("textclf_tokens_per_text_count"));
        Assert.Equal(["ham", "spam"], first.Named("textclf_texts_total").Select(s => s["label"]).Order(StringComparer.Ordinal));
        Assert.All(first.Named("textclf_texts_total"), s => Assert.Equal(0, s.Value));
        Assert.Equal(["forbidden", "invalid", "not_ready", "overloaded", "rate_limited", "too_large", "unauthorized", "unsupported_media_type"],
            first.Named("textclf_rejected_total").Select(s => s["reason"]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task EveryModelMetricMovesWithTheTrafficSent()
    {
        var before = await server.ScrapeAsync();
        var answered = new Dictionary<string, int>(StringComparer.Ordinal) { ["ham"] = 0, ["spam"] = 0 };
        string[] singles = [.. Spam, .. Ham, "zzkq qxjv free"];
        foreach (string text in singles)
        {
            var answer = await ServerFactory.ReadOkAsync(await server.PostAsync(JsonSerializer.Serialize(new { text })));
            answered[answer.GetProperty("label").GetString()!]++;
        }
        var batch = await ServerFactory.ReadOkAsync(await server.PostAsync(JsonSerializer.Serialize(new { texts = Spam })));
        foreach (var prediction in batch.GetProperty("predictions").EnumerateArray())
        {
            answered[prediction.GetProperty("label").GetString()!]++;
        }
        int requests = singles.Length + 1;
        int texts = singles.Length + Spam.Length;

        var after = await server.ScrapeAsync();

        double Delta(string name, params (string, string)[] labels) => after.Sum(name, labels) - before.Sum(name, labels);
        Assert.True(answered["spam"] > 0 && answered["ham"] > 0, "the traffic has both answers");
        Assert.Equal(answered["spam"], Delta("textclf_texts_total", ("label", "spam")));
        Assert.Equal(answered["ham"], Delta("textclf_texts_total", ("label", "ham")));
        Assert.Equal(texts, Delta("textclf_tokens_per_text_count"));
        Assert.True(Delta("textclf_tokens_per_text_sum") >= texts, "every text has tokens");
        Assert.Equal(texts, Delta("textclf_unknown_token_ratio_count"));
        Assert.InRange(Delta("textclf_unknown_token_ratio_sum"), 0.5, texts); // "zzkq qxjv free" is two-thirds unknown
        Assert.Equal(requests, Delta("textclf_queue_duration_seconds_count"));
        Assert.Equal(texts, Delta("textclf_batch_size_sum"));
        Assert.InRange(Delta("textclf_batch_size_count"), 1, requests);
        Assert.Equal(Delta("textclf_batch_size_count"), Delta("textclf_inference_duration_seconds_count"));
        Assert.True(Delta("textclf_inference_duration_seconds_sum") > 0);
        Assert.Equal(0, after.Sum("textclf_queue_texts"));
        Assert.Equal(requests, Delta("http_server_request_duration_seconds_count", ("http_route", "/predict"), ("http_response_status_code", "200")));
    }

    [Fact]
    public async Task RejectionsAreCountedByReason()
    {
        var before = await server.ScrapeAsync();

        Assert.Equal(HttpStatusCode.BadRequest, (await server.PostAsync("{\"txt\": \"typo\"}")).StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await server.PostAsync("hello", "text/plain")).StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await server.PostAsync(Bodies.TextOfSize(Bodies.DefaultLimit + 1))).StatusCode);
        var after = await server.ScrapeAsync();

        double Delta(string reason) => after.Sum("textclf_rejected_total", ("reason", reason)) - before.Sum("textclf_rejected_total", ("reason", reason));
        Assert.Equal(1, Delta("invalid"));
        Assert.Equal(1, Delta("unsupported_media_type"));
        Assert.Equal(1, Delta("too_large"));
        Assert.Equal(0, Delta("overloaded"));
        Assert.Equal(0, Delta("not_ready"));
    }

    [Fact]
    public async Task RequestsForRandomPathsCreateNoNewSeries()
    {
        await server.Client.GetAsync(new Uri("/no-such-path", UriKind.Relative));
        await server.Client.PostAsync(new Uri("/no-such-path", UriKind.Relative), null);
        var before = HttpSeries(await server.ScrapeAsync());

        for (int i = 0; i < 20; i++)
        {
            string path = $"/random-{Guid.NewGuid():N}/{i}?q={Guid.NewGuid():N}";
            var response = i % 2 == 0
                ? await server.Client.GetAsync(new Uri(path, UriKind.Relative))
                : await server.Client.PostAsync(new Uri(path, UriKind.Relative), null);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        var after = await server.ScrapeAsync();

        Assert.Equal(before, HttpSeries(after));
        Assert.DoesNotContain("random-", after.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheScrapeIsLeftOutOfItsOwnRequestHistogram()
    {
        await server.ScrapeAsync();
        await server.MetricsClient.GetAsync(new Uri("/metrics", UriKind.Relative));
        var scrape = await server.ScrapeAsync();

        Assert.NotEmpty(scrape.Named("http_server_request_duration_seconds_count"));
        Assert.DoesNotContain(scrape.Samples, s => s["http_route"] == "/metrics");
    }

    [Fact]
    public async Task LatencyHistogramsResolveFrom50MicrosecondsTo10Seconds()
    {
        await ServerFactory.ReadOkAsync(await server.PostAsync("{\"text\": \"free prize\"}"));
        var scrape = await server.ScrapeAsync();

        foreach (string histogram in new[] { "http_server_request_duration_seconds", "textclf_inference_duration_seconds", "textclf_queue_duration_seconds" })
        {
            var boundaries = scrape.BucketBoundaries(histogram);
            Assert.Equal(50e-6, boundaries[0]);
            Assert.Equal(10, boundaries[^1]);
            Assert.Equal(19, boundaries.Count);
            Assert.All(boundaries.Zip(boundaries.Skip(1)), pair => Assert.InRange(pair.Second / pair.First, 1.8, 2.2)); // exponential
        }
    }

    [Fact]
    public async Task RuntimeAndProcessMetricsAreExported()
    {
        var scrape = await server.ScrapeAsync();

        Assert.True(scrape.Sum("dotnet_process_cpu_time_seconds_total") > 0, "CPU time");
        Assert.True(scrape.Sum("dotnet_process_memory_working_set_bytes") > 50e6, "resident set (RSS)");
        Assert.NotEmpty(scrape.Named("dotnet_gc_collections_total"));
        Assert.NotEmpty(scrape.Named("dotnet_gc_pause_time_seconds_total"));
        Assert.True(scrape.Sum("dotnet_thread_pool_thread_count_total") > 0, "thread pool threads");
        Assert.NotEmpty(scrape.Named("dotnet_thread_pool_queue_length_total"));
    }

    [Fact]
    public async Task ModelInfoAndLoadTimeDescribeTheServedModel()
    {
        var scrape = await server.ScrapeAsync();

        var info = Assert.Single(scrape.Named("textclf_model_info"));
        Assert.Equal(1, info.Value);
        Assert.Equal("text_classification", info["architecture"]);
        Assert.Equal("ham,spam", info["labels"]);
        Assert.Matches("^[0-9a-f]{64}$", info["weights_sha256"]);
        Assert.True(int.Parse(info["vocab_size"]!, System.Globalization.CultureInfo.InvariantCulture) > 10);
        double loaded = Assert.Single(scrape.Named("textclf_model_loaded_timestamp_seconds")).Value;
        Assert.InRange((DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0) - loaded, 0, 3600);
    }

    [Fact]
    public async Task OpenMetricsIsServedWhenTheScraperAsksForIt()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/metrics", UriKind.Relative));
        request.Headers.Accept.ParseAdd("application/openmetrics-text; version=1.0.0");

        var response = await server.Client.SendAsync(request);

        Assert.Equal("application/openmetrics-text", response.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith("# EOF\n", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheMetricsPortServesOnlyMetricsOverPlainHttp()
    {
        var metrics = await server.MetricsClient.GetAsync(new Uri("/metrics", UriKind.Relative));
        var predict = await server.MetricsClient.PostAsync(new Uri("/predict", UriKind.Relative), new StringContent("{\"text\": \"x\"}", null, "application/json"));
        var health = await server.MetricsClient.GetAsync(new Uri("/health", UriKind.Relative));
        var root = await server.MetricsClient.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("textclf_model_info", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, predict.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, health.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, root.StatusCode);
    }

    private static HashSet<string> HttpSeries(PrometheusScrape scrape) =>
        scrape.Series.Where(s => s.StartsWith("http_server_", StringComparison.Ordinal)).ToHashSet();
}
