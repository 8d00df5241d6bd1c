using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using TextClassification.Model.Inference;
using TextClassification.Server.Inference.Batching;
using TextClassification.Server.Observability;

namespace TextClassification.Server.Inference;

/// <summary>
/// The model's instruments (System.Diagnostics.Metrics, meter <see cref="MeterName"/>), exported as the
/// <c>textclf_*</c> metrics of docs/server.md. Created once; recording allocates nothing, and an instrument nobody
/// listens to (<c>Metrics:Enabled=false</c>) costs a branch. Only requests are counted: the start-up warm-up forward
/// calls the predictor directly and never reaches these.
/// </summary>
internal sealed class InferenceMetrics
{
    public const string MeterName = "TextClassification.Server";
    public const string TextsName = "textclf.texts";
    public const string TokensPerTextName = "textclf.tokens_per_text";
    public const string UnknownTokenRatioName = "textclf.unknown_token_ratio";
    public const string QueueDurationName = "textclf.queue.duration";
    public const string InferenceDurationName = "textclf.inference.duration";
    public const string BatchSizeName = "textclf.batch.size";
    public const string QueueTextsName = "textclf.queue.texts";
    public const string ModelInfoName = "textclf.model.info";
    public const string ModelLoadedName = "textclf.model.loaded_timestamp";
    public const string LabelTag = "label";

    private readonly ModelHolder holder;
    private readonly ConcurrentDictionary<string, StrongBox<long>> texts = new(StringComparer.Ordinal);
    private readonly Histogram<int> tokensPerText;
    private readonly Histogram<double> unknownTokenRatio;
    private readonly Histogram<double> queueDuration;
    private readonly Histogram<double> inferenceDuration;
    private readonly Histogram<int> batchSize;

    public InferenceMetrics(IMeterFactory meterFactory, InferenceQueue queue, ModelHolder holder)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        this.holder = holder;
        var meter = meterFactory.Create(MeterName);
        var latency = new InstrumentAdvice<double> { HistogramBucketBoundaries = HistogramBuckets.Latency };
        var powersOfTwo = new InstrumentAdvice<int> { HistogramBucketBoundaries = HistogramBuckets.PowersOfTwo };
        meter.CreateObservableCounter(TextsName, ObserveTexts, "{text}", "Texts classified, by predicted label.");
        tokensPerText = meter.CreateHistogram(TokensPerTextName, "{token}", "Tokens per text after tokenizing, known and unknown.", advice: powersOfTwo);
        unknownTokenRatio = meter.CreateHistogram(UnknownTokenRatioName, unit: null, "Share of a text's tokens that are <unk> (texts with tokens only).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HistogramBuckets.Ratio });
        queueDuration = meter.CreateHistogram(QueueDurationName, "s", "From a request entering the inference queue to its forward starting.", advice: latency);
        inferenceDuration = meter.CreateHistogram(InferenceDurationName, "s", "Duration of one batched forward (EmbeddingBag, Linear, softmax).", advice: latency);
        batchSize = meter.CreateHistogram(BatchSizeName, "{text}", "Texts per batched forward.", advice: powersOfTwo);
        meter.CreateObservableGauge(QueueTextsName, () => queue.QueuedTexts, "{text}", "Texts admitted and waiting for (or in) a forward.");
        meter.CreateObservableGauge(ModelInfoName, ObserveModelInfo, unit: null, "1 for the model being served, described by its labels.");
        meter.CreateObservableGauge(ModelLoadedName, ObserveLoadedAt, "s", "When the model being served was loaded (Unix time).");
    }

    /// <summary>One text tokenized into <paramref name="ids"/>, where <paramref name="unknownId"/> is <c>&lt;unk&gt;</c>'s.</summary>
    public void Tokenized(ReadOnlySpan<int> ids, int unknownId)
    {
        tokensPerText.Record(ids.Length);
        if (unknownTokenRatio.Enabled && ids.Length > 0)
        {
            unknownTokenRatio.Record((double)ids.Count(unknownId) / ids.Length);
        }
    }

    /// <summary>The requests of a batch leave the queue as its forward starts at <paramref name="forwardStart"/>.</summary>
    public void Dequeued(List<WorkItem> batch, long forwardStart)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (!queueDuration.Enabled)
        {
            return;
        }
        foreach (var item in batch)
        {
            queueDuration.Record(Stopwatch.GetElapsedTime(item.EnqueuedAt, forwardStart).TotalSeconds);
        }
    }

    /// <summary>A forward answered <paramref name="predictions"/> (labels from <paramref name="labels"/>) in <paramref name="duration"/>.</summary>
    /// <summary>A batch of <paramref name="predictions"/>.Length texts ran; null entries are feature vectors (no label).</summary>
    public void BatchRan(Prediction?[] predictions, IReadOnlyList<string> labels, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(labels);
        batchSize.Record(predictions.Length);
        inferenceDuration.Record(duration.TotalSeconds);
        var perLabel = labels.Count <= 256 ? stackalloc int[labels.Count] : new int[labels.Count];
        foreach (var prediction in predictions)
        {
            if (prediction is not null)
            {
                perLabel[prediction.LabelIndex]++;
            }
        }
        for (int i = 0; i < perLabel.Length; i++)
        {
            if (perLabel[i] > 0)
            {
                Interlocked.Add(ref Total(labels[i]).Value, perLabel[i]);
            }
        }
    }

    private StrongBox<long> Total(string label) => texts.GetOrAdd(label, static _ => new StrongBox<long>());

    /// <summary>Every label seen, and the current model's even before its first answer, so that rate() sees the first text.</summary>
    private IEnumerable<Measurement<long>> ObserveTexts()
    {
        if (holder.Current is { } model)
        {
            foreach (string label in model.Predictor.Labels)
            {
                Total(label);
            }
        }
        return [.. texts.Select(pair => new Measurement<long>(Volatile.Read(ref pair.Value.Value), new KeyValuePair<string, object?>(LabelTag, pair.Key)))];
    }

    private IEnumerable<Measurement<int>> ObserveModelInfo()
    {
        if (holder.Current is not { } model)
        {
            return [];
        }
        var bundle = model.Predictor.Bundle;
        return [new Measurement<int>(1,
            new KeyValuePair<string, object?>("architecture", bundle.Config.Architecture),
            new KeyValuePair<string, object?>("weights_sha256", bundle.WeightsSha256),
            new KeyValuePair<string, object?>("labels", string.Join(',', bundle.Labels)),
            new KeyValuePair<string, object?>("vocab_size", bundle.Vocabulary.Count))];
    }

    private IEnumerable<Measurement<double>> ObserveLoadedAt() =>
        holder.Current is { } model ? [new Measurement<double>(model.LoadedAt.ToUnixTimeMilliseconds() / 1000.0)] : [];
}
