using System.Diagnostics;
using TextClassification.Server.Errors;

namespace TextClassification.Server.Inference.Batching;

/// <summary>
/// One request's texts, encoded with the leased model snapshot that will answer them. Its texts count against the
/// queue until it is answered, fails or its client goes away, whichever comes first (released exactly once). Its model
/// lease is returned by whoever consumes it, after its batch has run or when it is skipped, so that a model is never
/// disposed under a running forward. It keeps the timestamps that <see cref="PredictionTimings"/> and the queue
/// histogram are made of, and the request's span for tracing.
/// </summary>
internal sealed class WorkItem
{
    private readonly TaskCompletionSource<Outcome<PredictionBatch>> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenRegistration registration;
    private readonly InferenceQueue queue;
    private int released;
    private int modelReleased;

    public WorkItem(LoadedModel model, int[][] encoded, bool embeds, TimeSpan tokenizeTime, ActivityContext requestSpan, InferenceQueue queue, CancellationToken cancellationToken)
    {
        Model = model;
        Embeds = embeds;
        Encoded = encoded;
        TokenizeTime = tokenizeTime;
        RequestSpan = requestSpan;
        EnqueuedAt = Stopwatch.GetTimestamp();
        this.queue = queue;
        if (cancellationToken.CanBeCanceled)
        {
            registration = cancellationToken.UnsafeRegister(static (state, token) => ((WorkItem)state!).Cancel(token), this);
        }
    }

    public LoadedModel Model { get; }

    public int[][] Encoded { get; }

    /// <summary>True: the request wants its texts' feature vectors, not predictions (POST /embed).</summary>
    public bool Embeds { get; }

    public int Count => Encoded.Length;

    public TimeSpan TokenizeTime { get; }

    /// <summary>The request's span, which this item's queue span is a child of and its batch's inference span links to; default when not traced.</summary>
    public ActivityContext RequestSpan { get; }

    /// <summary>When the item entered the queue (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public long EnqueuedAt { get; }

    public Task<Outcome<PredictionBatch>> Task => completion.Task;

    /// <summary>Answered, failed or abandoned by its client: nothing more to do but return the model lease.</summary>
    public bool IsFinished => completion.Task.IsCompleted;

    public void Complete(PredictionBatch result)
    {
        registration.Dispose();
        completion.TrySetResult(result);
        ReleaseCapacity();
    }

    public void Fail(Exception exception)
    {
        registration.Dispose();
        completion.TrySetException(exception);
        ReleaseCapacity();
    }

    /// <summary>This request's timings, for a forward that ran from <paramref name="forwardStart"/> to <paramref name="forwardEnd"/>.</summary>
    public PredictionTimings Timings(long forwardStart, long forwardEnd) =>
        new(TokenizeTime, Stopwatch.GetElapsedTime(EnqueuedAt, forwardStart), Stopwatch.GetElapsedTime(forwardStart, forwardEnd));

    /// <summary>Returns the model lease taken for this request (once; by the consumer, when done with the item).</summary>
    public void ReleaseModel()
    {
        if (Interlocked.Exchange(ref modelReleased, 1) == 0)
        {
            Model.Release();
        }
    }

    private void Cancel(CancellationToken token)
    {
        completion.TrySetCanceled(token);
        ReleaseCapacity();
    }

    private void ReleaseCapacity()
    {
        if (Interlocked.Exchange(ref released, 1) == 0)
        {
            queue.Release(Count);
        }
    }
}
