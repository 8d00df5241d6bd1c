using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using TextClassification.Model.Inference;
using TextClassification.Server.Inference;
using TextClassification.Server.Inference.Batching;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

/// <summary>
/// Runs alone: OpenTelemetry listens to meters by name, so another test's app starting its MeterProvider meanwhile would
/// create metric points for these instruments on the recording thread, and count as this test's allocations.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "runs alone";
}

[Collection(RunsAlone.Name)]
public sealed class MetricsRecordingTests
{
    [Fact]
    public void RecordingARequestsSamplesAllocatesNothing()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var queue = new InferenceQueue(Options.Create(new InferenceOptions()));
        using var holder = new ModelHolder();
        var metrics = new InferenceMetrics(services.GetRequiredService<IMeterFactory>(), queue, holder);
        using var meters = Sdk.CreateMeterProviderBuilder().AddMeter(InferenceMetrics.MeterName).AddInMemoryExporter(new List<Metric>()).Build();
        var predictor = Predictor.Load(TinyBundle.Path);
        var model = new LoadedModel(predictor, DateTimeOffset.UtcNow, TimeSpan.Zero, TimeSpan.Zero, null);
        int[] ids = predictor.Encode("win a free prize now");
        var batch = new List<WorkItem> { new(model, [ids], false, TimeSpan.Zero, default, queue, CancellationToken.None) };
        var predictions = predictor.PredictEncoded([ids]);

        void RecordRequest()
        {
            metrics.Tokenized(ids, predictor.Bundle.Vocabulary.DefaultIndex);
            metrics.Dequeued(batch, Stopwatch.GetTimestamp());
            metrics.BatchRan(predictions, predictor.Labels, TimeSpan.FromMicroseconds(42));
        }
        for (int i = 0; i < 100; i++)
        {
            RecordRequest(); // first use creates the metric points
        }
        long allocated = long.MaxValue;
        for (int round = 0; round < 5; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 2_000; i++)
            {
                RecordRequest();
            }
            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, allocated);
        model.Retire();
    }
}
