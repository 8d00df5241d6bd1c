using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using TextClassification.Server.Inference;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

/// <summary>A batcher that waits <see cref="Delay"/> for more requests and queues at most <see cref="Capacity"/> texts.</summary>
public sealed class SlowBatchFactory : ServerFactory
{
    public const int Capacity = 2;
    public static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(1500);

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Inference:QueueCapacity"] = Capacity.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Inference:MaxBatchDelay"] = ((int)Delay.TotalMicroseconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Inference:MaxBatchSize"] = "100",
    };
}

/// <summary>A batcher that waits up to 300 ms for more requests, so concurrent requests are sure to share forwards.</summary>
public sealed class DelayedBatchFactory : ServerFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Inference:MaxBatchDelay"] = "300000",
    };
}

/// <summary>The batcher's instruments as a test reads them: forwards and texts from the batch-size histogram, the queue gauge.</summary>
internal sealed class BatchingProbe : IDisposable
{
    private readonly MetricCollector<int> batchSizes;
    private readonly MetricCollector<int> queue;

    public BatchingProbe(IServiceProvider services)
    {
        var meters = services.GetRequiredService<IMeterFactory>();
        batchSizes = new MetricCollector<int>(meters, InferenceMetrics.MeterName, InferenceMetrics.BatchSizeName);
        queue = new MetricCollector<int>(meters, InferenceMetrics.MeterName, InferenceMetrics.QueueTextsName);
    }

    /// <summary>Forwards run and the texts they held, since this probe was made.</summary>
    public (int Batches, int Texts) Totals
    {
        get
        {
            var batches = batchSizes.GetMeasurementSnapshot();
            return (batches.Count, batches.Sum(m => m.Value));
        }
    }

    public int QueuedTexts
    {
        get
        {
            queue.RecordObservableInstruments();
            return queue.LastMeasurement?.Value ?? throw new InvalidOperationException("the queue gauge reported nothing");
        }
    }

    public void Dispose()
    {
        batchSizes.Dispose();
        queue.Dispose();
    }
}

public sealed class DelayedBatchingTests : IClassFixture<DelayedBatchFactory>
{
    private readonly DelayedBatchFactory factory;

    public DelayedBatchingTests(DelayedBatchFactory factory) => this.factory = factory;

    [Fact]
    public async Task ConcurrentRequestsWithinTheDelayShareOneForward()
    {
        var alone = await (await factory.PostJsonAsync("{\"text\": \"win a free prize now\"}")).Content.ReadAsStringAsync();
        using var probe = new BatchingProbe(factory.Services);
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => factory.PostJsonAsync("{\"text\": \"win a free prize now\"}")));
        foreach (var response in responses)
        {
            Assert.Equal(alone, await response.Content.ReadAsStringAsync());
        }
        var (batches, texts) = probe.Totals;
        Assert.Equal(20, texts);
        Assert.True(batches < 20, $"20 concurrent requests ran in {batches} forwards; expected some to share one");
    }
}

public sealed class BatchingTests : IClassFixture<ServerFactory>
{
    private readonly ServerFactory factory;

    public BatchingTests(ServerFactory factory) => this.factory = factory;

    [Fact]
    public async Task ConcurrentRequestsGetTheirOwnAnswersIdenticalToAlone()
    {
        string[] texts = ["win a free prize now", "meeting moved to monday", ";;; :::", "cheap pills", "the report is attached"];
        var alone = new List<string>();
        foreach (var text in texts)
        {
            alone.Add(await (await factory.PostJsonAsync($"{{\"text\": \"{text}\"}}")).Content.ReadAsStringAsync());
        }
        using var probe = new BatchingProbe(factory.Services);
        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => factory.PostJsonAsync($"{{\"text\": \"{texts[i % texts.Length]}\"}}")));
        for (int i = 0; i < responses.Length; i++)
        {
            Assert.Equal(alone[i % texts.Length], await responses[i].Content.ReadAsStringAsync());
        }
        Assert.Equal(200, probe.Totals.Texts);
        Assert.Equal(0, probe.QueuedTexts);
    }

    [Fact]
    public async Task ABatchRequestIsAnsweredInOrderAlongsideOthers()
    {
        var single = await ServerFactory.ReadOkAsync(await factory.PostJsonAsync("{\"text\": \"free prize\"}"));
        var tasks = Enumerable.Range(0, 20).Select(_ => factory.PostJsonAsync("{\"texts\": [\"free prize\", \"lunch meeting\", \"free prize\"]}")).ToList();
        foreach (var response in await Task.WhenAll(tasks))
        {
            var predictions = (await ServerFactory.ReadOkAsync(response)).GetProperty("predictions");
            Assert.Equal(single.GetRawText(), predictions[0].GetRawText());
            Assert.Equal(single.GetRawText(), predictions[2].GetRawText());
        }
    }
}

public sealed class BatchQueueTests : IClassFixture<SlowBatchFactory>
{
    private readonly SlowBatchFactory factory;

    public BatchQueueTests(SlowBatchFactory factory) => this.factory = factory;

    [Fact]
    public async Task AFullQueueAnswers503WithRetryAfterInsteadOfGrowing()
    {
        using var probe = new BatchingProbe(factory.Services);
        var responses = await Task.WhenAll(Enumerable.Range(0, SlowBatchFactory.Capacity + 1).Select(_ => factory.PostJsonAsync("{\"text\": \"free prize\"}")));
        var rejected = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.ServiceUnavailable);
        Assert.Equal(TimeSpan.FromSeconds(1), rejected.Headers.RetryAfter?.Delta);
        var problem = await ServerFactory.ReadProblemAsync(rejected, HttpStatusCode.ServiceUnavailable);
        Assert.Contains("queue is full", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(SlowBatchFactory.Capacity, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(0, probe.QueuedTexts);
    }

    [Fact]
    public async Task ARequestWhoseClientWentAwayLeavesTheQueue()
    {
        using var probe = new BatchingProbe(factory.Services);
        using (var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200)))
        {
            var abandoned = Enumerable.Range(0, SlowBatchFactory.Capacity).Select(_ => factory.Client.PostAsync(new Uri("/predict", UriKind.Relative),
                new StringContent("{\"text\": \"free prize\"}", System.Text.Encoding.UTF8, "application/json"), cancel.Token));
            foreach (var request in abandoned)
            {
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
            }
        }
        // Released when the client goes away, not when the (deliberately slow) batch would have run.
        await WaitUntilAsync(() => probe.QueuedTexts == 0, SlowBatchFactory.Delay / 2);

        // Had the abandoned texts stayed queued, this would be refused as over capacity.
        var response = await factory.PostJsonAsync("{\"text\": \"free prize\"}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the queue to empty");
            await Task.Delay(20);
        }
    }
}
