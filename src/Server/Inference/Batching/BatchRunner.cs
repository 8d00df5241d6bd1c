using System.Diagnostics;
using Microsoft.Extensions.Options;
using TextClassification.Model.Inference;

namespace TextClassification.Server.Inference.Batching;

/// <summary>
/// Gathers queued requests into one batch and runs it as one EmbeddingBag forward. Holds the consumer's state (the
/// batch being gathered, and a request read from the queue that did not fit), so it is not thread-safe: exactly one
/// thread uses it at a time, which each scheduler guarantees (<see cref="CombiningScheduler"/> through its leader
/// flag, <see cref="DelayedScheduler"/> by having one worker). A batch never mixes models.
/// </summary>
internal sealed partial class BatchRunner(InferenceQueue queue, InferenceMetrics metrics, IOptions<InferenceOptions> options, ILogger<BatchRunner> logger)
{
    private readonly int maxBatchSize = options.Value.MaxBatchSize;
    private readonly List<WorkItem> batch = [];
    private readonly List<int[]> ids = [];
    private readonly List<bool> classify = [];
    private WorkItem? carried;
    private LoadedModel? model;
    private int texts;

    /// <summary>True while the batch can take more requests (it is not full and no request is waiting for the next one).</summary>
    public bool HasRoom => carried is null && texts < maxBatchSize;

    /// <summary>Starts a batch with what is queued now; false when nothing is.</summary>
    public bool Start()
    {
        batch.Clear();
        model = null;
        texts = 0;
        Fill();
        return batch.Count > 0;
    }

    /// <summary>Adds queued requests while they fit and share the batch's model; one that does not is carried to the next batch.</summary>
    public void Fill()
    {
        while (texts < maxBatchSize && (carried is not null || queue.TryRead(out carried)))
        {
            var next = carried;
            if (next.IsFinished)
            {
                carried = null; // its client went away (its texts were released then)
                next.ReleaseModel();
                continue;
            }
            if (model is not null && (next.Model != model || texts + next.Count > maxBatchSize))
            {
                return;
            }
            carried = null;
            model ??= next.Model;
            batch.Add(next);
            texts += next.Count;
        }
    }

    /// <summary>Runs the gathered batch and answers each request with its own predictions, in order.</summary>
    public void Run()
    {
        try
        {
            DropFinished();
            if (batch.Count > 0)
            {
                Forward(model!);
            }
        }
        finally
        {
            foreach (var item in batch)
            {
                item.ReleaseModel(); // after the forward: the last lease of a replaced model disposes it here
            }
            batch.Clear();
            model = null;
            texts = 0;
        }
    }

    /// <summary>Fails a request read from the queue but not yet batched (the server is stopping).</summary>
    public void FailCarried(Exception exception)
    {
        if (Interlocked.Exchange(ref carried, null) is { } item)
        {
            item.Fail(exception);
            item.ReleaseModel();
        }
    }

    private void DropFinished()
    {
        for (int i = batch.Count - 1; i >= 0; i--)
        {
            if (batch[i].IsFinished)
            {
                batch[i].ReleaseModel(); // clients that went away while the batch was gathered
                batch.RemoveAt(i);
            }
        }
    }

    private void Forward(LoadedModel current)
    {
        ids.Clear();
        bool embeds = false;
        foreach (var item in batch)
        {
            ids.AddRange(item.Encoded);
            embeds |= item.Embeds;
        }
        try
        {
            if (embeds)
            {
                ForwardMixed(current);
                return;
            }
            long start = Stopwatch.GetTimestamp();
            metrics.Dequeued(batch, start);
            Prediction[] predictions;
            using (InferenceTracing.StartBatch(batch, ids.Count, start))
            {
                predictions = current.Predictor.PredictEncoded(ids); // synchronous: inference mode and scope stay on this thread
            }
            long end = Stopwatch.GetTimestamp();
            var labels = current.Predictor.Labels;
            metrics.BatchRan(predictions, labels, Stopwatch.GetElapsedTime(start, end));
            int at = 0;
            foreach (var item in batch)
            {
                item.Complete(new PredictionBatch(labels, new ArraySegment<Prediction>(predictions, at, item.Count), item.Timings(start, end)));
                at += item.Count;
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogBatchFailed(logger, ex, batch.Count, ids.Count);
            foreach (var item in batch)
            {
                item.Fail(ex);
            }
        }
    }

    /// <summary>A batch with embedding requests: the same one EmbeddingBag forward, each text answered as its request asked.</summary>
    private void ForwardMixed(LoadedModel current)
    {
        classify.Clear();
        foreach (var item in batch)
        {
            for (int i = 0; i < item.Count; i++)
            {
                classify.Add(!item.Embeds);
            }
        }
        long start = Stopwatch.GetTimestamp();
        metrics.Dequeued(batch, start);
        Model.Inference.BatchOutput output;
        using (InferenceTracing.StartBatch(batch, ids.Count, start))
        {
            output = current.Predictor.RunEncoded(ids, classify);
        }
        long end = Stopwatch.GetTimestamp();
        var labels = current.Predictor.Labels;
        metrics.BatchRan(output.Predictions, labels, Stopwatch.GetElapsedTime(start, end));
        int at = 0;
        foreach (var item in batch)
        {
            var timings = item.Timings(start, end);
            if (item.Embeds)
            {
                var embeddings = new float[item.Count][];
                for (int i = 0; i < embeddings.Length; i++)
                {
                    embeddings[i] = output.Embeddings[at + i]!;
                }
                item.Complete(new PredictionBatch(labels, [], timings) { Embeddings = embeddings });
            }
            else
            {
                var predictions = new Prediction[item.Count];
                for (int i = 0; i < predictions.Length; i++)
                {
                    predictions[i] = output.Predictions[at + i]!;
                }
                item.Complete(new PredictionBatch(labels, predictions, timings));
            }
            at += item.Count;
        }
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Error, Message = "A batch of {Requests} request(s) with {Texts} text(s) failed")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int requests, int texts);
}
