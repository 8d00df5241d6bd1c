using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using OpenTelemetry.Trace;
using TextClassification.Server.Inference;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

/// <summary>
/// Tracing switched on the standard way (OTEL_EXPORTER_OTLP_ENDPOINT; nothing listens there), with the in-memory
/// exporter added, and a batcher that waits 300 ms so that concurrent requests share a forward.
/// </summary>
public sealed class TracedFactory : ServerFactory
{
    public SpanCollection Spans { get; } = [];

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9",
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["Inference:MaxBatchDelay"] = "300000",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans)));
    }
}

public sealed class TracingTests(TracedFactory factory) : IClassFixture<TracedFactory>
{
    private const string ServerSpanSource = "Microsoft.AspNetCore";

    [Fact]
    public async Task AClientTraceContinuesWithTokenizeAndQueueUnderTheServerSpan()
    {
        var client = NewClientSpan();

        Assert.Equal(HttpStatusCode.OK, (await PredictAsync(client)).StatusCode);
        var request = await ServerSpanAsync(client);
        var tokenize = await factory.Spans.WaitForAsync(s => s.DisplayName == InferenceTracing.TokenizeSpan && s.TraceId == client.TraceId, "tokenize");
        var queue = await factory.Spans.WaitForAsync(s => s.DisplayName == InferenceTracing.QueueSpan && s.TraceId == client.TraceId, "queue");

        Assert.Equal(client.SpanId, request.ParentSpanId);
        Assert.Equal(request.SpanId, tokenize.ParentSpanId);
        Assert.Equal(request.SpanId, queue.ParentSpanId);
        Assert.Equal(1, tokenize.GetTagItem(InferenceTracing.TextsAttribute));
        Assert.True(queue.StartTimeUtc >= tokenize.StartTimeUtc + tokenize.Duration - TimeSpan.FromMilliseconds(1), "queued after tokenizing");
    }

    [Fact]
    public async Task TheInferenceSpanOfABatchLinksTheSpanOfEveryRequestInIt()
    {
        var clients = Enumerable.Range(0, 5).Select(_ => NewClientSpan()).ToList();

        var responses = await Task.WhenAll(clients.Select(PredictAsync));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var requests = await Task.WhenAll(clients.Select(ServerSpanAsync));

        var ours = requests.Select(r => r.Context).ToHashSet();
        var inferences = factory.Spans.Snapshot()
            .Where(s => s.DisplayName == InferenceTracing.InferenceSpan && s.Links.Any(l => ours.Contains(l.Context)))
            .ToList();
        foreach (var request in requests)
        {
            Assert.Single(inferences, s => s.Links.Any(l => l.Context == request.Context)); // answered by exactly one forward
        }
        Assert.Contains(inferences, s => s.Links.Count() > 1); // and some forward answered several
        foreach (var inference in inferences)
        {
            Assert.Equal(default, inference.ParentSpanId); // a root: the batch serves several traces
            Assert.Equal(inference.Links.Count(), inference.GetTagItem(InferenceTracing.BatchSizeAttribute)); // one text per request here
            Assert.True((long)inference.GetTagItem(InferenceTracing.BatchTokensAttribute)! > 0);
        }
    }

    [Fact]
    public async Task HealthAndMetricsRequestsAreNotTraced()
    {
        var probes = new[] { "/health", "/health/live", "/metrics" }.Select(path => (Path: path, Client: NewClientSpan())).ToList();
        foreach (var (path, client) in probes)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
            request.Headers.Add("traceparent", Traceparent(client));
            Assert.Equal(HttpStatusCode.OK, (await factory.Client.SendAsync(request)).StatusCode);
        }
        var traced = NewClientSpan();
        await PredictAsync(traced);
        await ServerSpanAsync(traced); // spans end in order, so the probes' would be exported by now

        var traces = probes.Select(p => p.Client.TraceId).ToHashSet();
        Assert.DoesNotContain(factory.Spans.Snapshot(), s => traces.Contains(s.TraceId));
    }

    private static ActivityContext NewClientSpan() => new(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);

    private static string Traceparent(ActivityContext client) => $"00-{client.TraceId}-{client.SpanId}-01";

    private Task<HttpResponseMessage> PredictAsync(ActivityContext client)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/predict", UriKind.Relative))
        {
            Content = new StringContent("{\"text\": \"win a free prize now\"}", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("traceparent", Traceparent(client));
        return factory.Client.SendAsync(request);
    }

    private Task<Activity> ServerSpanAsync(ActivityContext client) =>
        factory.Spans.WaitForAsync(s => s.Source.Name == ServerSpanSource && s.Kind == ActivityKind.Server && s.TraceId == client.TraceId, "server");
}
