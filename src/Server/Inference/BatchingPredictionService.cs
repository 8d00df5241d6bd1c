using System.Diagnostics;
using TextClassification.Model.Inference;
using TextClassification.Server.Errors;
using TextClassification.Server.Inference.Batching;

namespace TextClassification.Server.Inference;

/// <summary>
/// Dynamic batching: a request takes a leased snapshot of the current model, is tokenized on its own thread, admitted
/// to the bounded queue (or refused with 503) and handed to the scheduler, which coalesces whatever is waiting into
/// one EmbeddingBag forward (<see cref="BatchRunner"/>), embedding requests included. Each request gets its own answers
/// back, in order, with its timings. This service owns readiness: without a model it answers "not ready" itself.
/// An explained request keeps a second lease on its model and explains its answers on its own thread once its batch
/// has run, so the batch is not held up and the model cannot be disposed meanwhile.
/// </summary>
internal sealed class BatchingPredictionService(ModelHolder holder, InferenceQueue queue, IBatchScheduler scheduler, InferenceMetrics metrics)
    : IPredictionService, IDisposable
{
    public ValueTask<Outcome<PredictionBatch>> PredictAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var queued = Enqueue(texts, Work.Predict, cancellationToken);
        return queued.IsAccepted ? new ValueTask<Outcome<PredictionBatch>>(queued.Value.Task) : Refuse(queued.Rejection);
    }

    public ValueTask<Outcome<PredictionBatch>> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var queued = Enqueue(texts, Work.Embed, cancellationToken);
        return queued.IsAccepted ? new ValueTask<Outcome<PredictionBatch>>(queued.Value.Task) : Refuse(queued.Rejection);
    }

    public async ValueTask<Outcome<PredictionBatch>> ExplainAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var queued = Enqueue(texts, Work.Explain, cancellationToken);
        if (!queued.IsAccepted)
        {
            return queued.Rejection;
        }
        var item = queued.Value;
        try
        {
            var outcome = await item.Task.ConfigureAwait(false);
            if (!outcome.IsAccepted)
            {
                return outcome;
            }
            var batch = outcome.Value;
            var predictor = item.Model.Predictor;
            var explanations = new Explanation[texts.Count];
            for (int i = 0; i < explanations.Length; i++)
            {
                explanations[i] = predictor.Explain(texts[i], item.Encoded[i], batch.Predictions[i].LabelIndex);
            }
            return batch with { Explanations = explanations };
        }
        finally
        {
            item.Model.Release(); // the explaining lease, taken in Enqueue
        }
    }

    /// <summary>Stops the scheduler, then fails what is still queued (the host stops requests first).</summary>
    public void Dispose()
    {
        scheduler.Dispose();
        foreach (var item in queue.Close())
        {
            item.Fail(new OperationCanceledException("the server is stopping"));
            item.ReleaseModel();
        }
    }

    private Outcome<WorkItem> Enqueue(IReadOnlyList<string> texts, Work work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (holder.Acquire() is not { } model)
        {
            return Problems.ModelNotReady(holder.NotReadyDetail);
        }
        if (work != Work.Predict && model.Predictor.FeaturesUnavailableReason is { } reason)
        {
            model.Release();
            return Problems.InvalidRequest(work == Work.Embed
                ? $"This model cannot give feature vectors: {reason}."
                : $"This model cannot explain its predictions: {reason}.");
        }
        int[][] encoded;
        long tokenizeStart = Stopwatch.GetTimestamp();
        try
        {
            using var span = InferenceTracing.StartTokenize(texts.Count);
            encoded = Encode(model, texts); // tokenizing here spreads it over the request threads
        }
        catch
        {
            model.Release();
            throw;
        }
        if (!queue.TryAdmit(encoded.Length))
        {
            model.Release();
            return Problems.Overloaded($"The inference queue is full ({queue.Capacity} texts waiting); retry shortly.");
        }
        var item = new WorkItem(model, encoded, work == Work.Embed, Stopwatch.GetElapsedTime(tokenizeStart), InferenceTracing.CurrentRequest(), queue, cancellationToken);
        if (work == Work.Explain)
        {
            model.TryAcquire(); // cannot fail: the item's lease is held; taken before a worker can run the item and return that one
        }
        if (!queue.TryWrite(item))
        {
            item.Fail(new OperationCanceledException("the server is stopping"));
            item.ReleaseModel();
            if (work == Work.Explain)
            {
                model.Release();
            }
            return Problems.ModelNotReady("The server is stopping; retry on another instance.");
        }
        scheduler.Queued(item);
        return item;
    }

    private int[][] Encode(LoadedModel model, IReadOnlyList<string> texts)
    {
        var encoded = new int[texts.Count][];
        int unknownId = model.Predictor.Bundle.Vocabulary.DefaultIndex;
        for (int i = 0; i < encoded.Length; i++)
        {
            encoded[i] = model.Predictor.Encode(texts[i]);
            metrics.Tokenized(encoded[i], unknownId);
        }
        return encoded;
    }

    private static ValueTask<Outcome<PredictionBatch>> Refuse(Rejection rejection) => new(rejection);

    private enum Work
    {
        Predict,
        Explain,
        Embed,
    }
}
