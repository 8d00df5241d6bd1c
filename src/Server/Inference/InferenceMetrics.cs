using System.Diagnostics.Metrics;
using TextClassification.Server.Inference.Batching;

namespace TextClassification.Server.Inference;

/// <summary>
/// The batcher's instruments (System.Diagnostics.Metrics; the observability issue exports them). Created once; an
/// instrument nobody listens to costs a branch per batch.
/// </summary>
internal sealed class InferenceMetrics
{
    public const string MeterName = "TextClassification.Server";
    public const string BatchSizeName = "textclf.batch.size";
    public const string InferenceDurationName = "textclf.inference.duration";
    public const string QueueTextsName = "textclf.queue.texts";

    private readonly Histogram<int> batchSize;
    private readonly Histogram<double> inferenceDuration;

    public InferenceMetrics(IMeterFactory meterFactory, InferenceQueue queue)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        batchSize = meter.CreateHistogram<int>(BatchSizeName, "{text}", "Texts per batched forward.");
        inferenceDuration = meter.CreateHistogram<double>(InferenceDurationName, "s", "Duration of one batched forward (EmbeddingBag, Linear, softmax).");
        meter.CreateObservableGauge(QueueTextsName, () => queue.QueuedTexts, "{text}", "Texts admitted and waiting for (or in) a forward.");
    }

    public void BatchRan(int texts, TimeSpan duration)
    {
        batchSize.Record(texts);
        inferenceDuration.Record(duration.TotalSeconds);
    }
}
