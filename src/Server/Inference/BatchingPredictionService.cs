using System.Diagnostics;
using TextClassification.Server.Errors;
using TextClassification.Server.Inference.Batching;

namespace TextClassification.Server.Inference;

/// <summary>
/// Dynamic batching: a request takes a leased snapshot of the current model, is tokenized on its own thread, admitted
/// to the bounded queue (or refused with 503) and handed to the scheduler, which coalesces whatever is waiting into
/// one EmbeddingBag forward (<see cref="BatchRunner"/>). Each request gets its own answers back, in order, with its
/// timings. This service owns readiness: without a model it answers "not ready" itself.
/// </summary>
internal sealed class BatchingPredictionService(ModelHolder holder, InferenceQueue queue, IBatchScheduler scheduler, InferenceMetrics metrics)
    : IPredictionService, IDisposable
{
    public ValueTask<Outcome<PredictionBatch>> PredictAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (holder.Acquire() is not { } model)
        {
            return Refuse(Problems.ModelNotReady(holder.NotReadyDetail));
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
            return Refuse(Problems.Overloaded($"The inference queue is full ({queue.Capacity} texts waiting); retry shortly."));
        }
        var item = new WorkItem(model, encoded, Stopwatch.GetElapsedTime(tokenizeStart), InferenceTracing.CurrentRequest(), queue, cancellationToken);
        if (!queue.TryWrite(item))
        {
            item.Fail(new OperationCanceledException("the server is stopping"));
            item.ReleaseModel();
            return Refuse(Problems.ModelNotReady("The server is stopping; retry on another instance."));
        }
        scheduler.Queued(item);
        return new ValueTask<Outcome<PredictionBatch>>(item.Task);
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
}
