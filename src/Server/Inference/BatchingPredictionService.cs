using System.Threading.Channels;
using Microsoft.Extensions.Options;
using TextClassification.Model.Inference;

namespace TextClassification.Server.Inference;

/// <summary>The batching queue holds as many texts as it may; the endpoint answers 503 with Retry-After.</summary>
internal sealed class InferenceQueueFullException(string message) : Exception(message);

/// <summary>
/// Dynamic batching: requests are tokenized on their own threads and queued; whatever is waiting (up to
/// <see cref="InferenceOptions.MaxBatchSize"/> texts) is coalesced into one EmbeddingBag forward of flat ids plus
/// offsets, and each request gets its own answers back in order. A request whose client went away leaves the queue;
/// the queue is bounded by <see cref="InferenceOptions.QueueCapacity"/> texts and refuses more instead of growing.
/// </summary>
/// <remarks>
/// With <see cref="InferenceOptions.MaxBatchDelay"/> = 0 (opportunistic, like Triton's default) there is no worker
/// thread: the request that finds no batch running runs batches itself until the queue is empty (flat combining), so
/// an idle server answers without a thread hop and a busy one batches whatever arrived meanwhile. With a delay, one
/// worker gathers requests for up to that many microseconds before each forward. Either way one forward runs at a time.
/// </remarks>
internal sealed partial class BatchingPredictionService : IPredictionService, IDisposable
{
    private readonly ModelHolder holder;
    private readonly ILogger<BatchingPredictionService> logger;
    private readonly int maxBatchSize;
    private readonly TimeSpan maxDelay;
    private readonly int capacity;
    private readonly Channel<WorkItem> channel = Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
    private readonly CancellationTokenSource stopping = new();
    private readonly Task? worker;
    private readonly List<WorkItem> batch = [];
    private readonly List<int[]> ids = [];
    private WorkItem? carried; // read but not yet batched: owned, like batch and ids, by whoever consumes the queue
    private int combining;
    private int queuedTexts;
    private long batchesRun;
    private long textsRun;

    public BatchingPredictionService(ModelHolder holder, IOptions<InferenceOptions> options, ILogger<BatchingPredictionService> logger)
    {
        this.holder = holder;
        this.logger = logger;
        var settings = options.Value;
        maxBatchSize = settings.MaxBatchSize;
        maxDelay = TimeSpan.FromMicroseconds(settings.MaxBatchDelay);
        capacity = settings.QueueCapacity;
        worker = maxDelay > TimeSpan.Zero ? Task.Run(GatherAsync) : null;
    }

    /// <summary>Texts accepted and not yet answered or abandoned.</summary>
    public int QueuedTexts => Volatile.Read(ref queuedTexts);

    /// <summary>Forwards run so far and the texts they held; their ratio is the mean batch size.</summary>
    public (long Batches, long Texts) Totals => (Interlocked.Read(ref batchesRun), Interlocked.Read(ref textsRun));

    public ValueTask<PredictionBatch> PredictAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var model = holder.Current ?? throw new InvalidOperationException("no model is loaded; check ModelHolder.Status before predicting");
        var encoded = new int[texts.Count][];
        for (int i = 0; i < encoded.Length; i++)
        {
            encoded[i] = model.Predictor.Encode(texts[i]); // tokenizing here spreads it over the request threads
        }
        int queued = Interlocked.Add(ref queuedTexts, encoded.Length);
        if (queued > capacity && queued != encoded.Length)
        {
            Interlocked.Add(ref queuedTexts, -encoded.Length);
            throw new InferenceQueueFullException($"The inference queue is full ({capacity} texts waiting); retry shortly.");
        }
        var item = new WorkItem(model, encoded, Release, cancellationToken);
        if (!channel.Writer.TryWrite(item))
        {
            Interlocked.Add(ref queuedTexts, -encoded.Length);
            throw new ObjectDisposedException(nameof(BatchingPredictionService));
        }
        if (worker is null && Interlocked.CompareExchange(ref combining, 1, 0) == 0)
        {
            Combine(item);
        }
        return new ValueTask<PredictionBatch>(item.Task);
    }

    public void Dispose()
    {
        channel.Writer.TryComplete();
        stopping.Cancel();
        try
        {
            worker?.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // workers end with OperationCanceledException on shutdown
        }
        while (channel.Reader.TryRead(out var item))
        {
            item.Fail(new OperationCanceledException("the server is stopping"));
        }
        stopping.Dispose();
    }

    /// <summary>
    /// Flat combining: the leader runs batches until the queue is empty. A request's thread leads only until its own
    /// answer is ready; if requests are still waiting then, it hands the lead to a thread-pool item so that its own
    /// response is not held up by later arrivals.
    /// </summary>
    private void Combine(WorkItem? own)
    {
        do
        {
            while (StartBatch(out var model, out int texts))
            {
                Run(model!, texts);
                if (own is { Task.IsCompleted: true } && Volatile.Read(ref queuedTexts) > 0)
                {
                    ThreadPool.UnsafeQueueUserWorkItem(static self => self.Combine(null), this, preferLocal: false);
                    return; // still leading: the pool item carries on
                }
            }
            Volatile.Write(ref combining, 0);
            // A request queued after the last fill but before the release saw a leader and did not combine: take over.
            // (The count, not the channel, is checked: only the leader may read a single-reader channel.)
        }
        while (Volatile.Read(ref queuedTexts) > 0 && Interlocked.CompareExchange(ref combining, 1, 0) == 0);
    }

    /// <summary>The worker used when batches may wait <see cref="InferenceOptions.MaxBatchDelay"/> for more requests.</summary>
    private async Task GatherAsync()
    {
        try
        {
            while (carried is not null || await channel.Reader.WaitToReadAsync(stopping.Token))
            {
                long deadline = Environment.TickCount64 + (long)Math.Ceiling(maxDelay.TotalMilliseconds);
                bool any = StartBatch(out var model, out int texts);
                while (any && carried is null && texts < maxBatchSize && await WaitForMoreAsync(deadline))
                {
                    Fill(ref model, ref texts);
                }
                if (any)
                {
                    Run(model!, texts);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            carried?.Fail(new OperationCanceledException("the server is stopping"));
        }
    }

    private bool StartBatch(out LoadedModel? model, out int texts)
    {
        batch.Clear();
        model = null;
        texts = 0;
        Fill(ref model, ref texts);
        return batch.Count > 0;
    }

    /// <summary>Adds queued requests to <see cref="batch"/> while they fit and share its model; one that does not is carried.</summary>
    private void Fill(ref LoadedModel? model, ref int texts)
    {
        while (texts < maxBatchSize && (carried is not null || channel.Reader.TryRead(out carried)))
        {
            var next = carried!;
            if (next.Task.IsCompleted)
            {
                carried = null; // its client went away (and its texts were released then)
                continue;
            }
            if (model is not null && (next.Model != model || texts + next.Count > maxBatchSize))
            {
                return; // keep it for the next batch
            }
            carried = null;
            model ??= next.Model;
            batch.Add(next);
            texts += next.Count;
        }
    }

    private async Task<bool> WaitForMoreAsync(long deadline)
    {
        long remaining = deadline - Environment.TickCount64;
        if (remaining <= 0)
        {
            return false;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
        timeout.CancelAfter(TimeSpan.FromMilliseconds(remaining));
        try
        {
            return await channel.Reader.WaitToReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return false;
        }
    }

    private void Run(LoadedModel model, int texts)
    {
        batch.RemoveAll(item => item.Task.IsCompleted); // clients that went away while the batch was gathered
        if (batch.Count == 0)
        {
            return;
        }
        ids.Clear();
        foreach (var item in batch)
        {
            ids.AddRange(item.Encoded);
        }
        try
        {
            var predictions = model.Predictor.PredictEncoded(ids); // synchronous: inference mode and scope stay on this thread
            Interlocked.Increment(ref batchesRun);
            Interlocked.Add(ref textsRun, ids.Count);
            int at = 0;
            foreach (var item in batch)
            {
                item.Complete(new PredictionBatch(model.Predictor.Labels, new ArraySegment<Prediction>(predictions, at, item.Count)));
                at += item.Count;
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogBatchFailed(logger, ex, batch.Count, texts);
            foreach (var item in batch)
            {
                item.Fail(ex);
            }
        }
    }

    private void Release(int texts) => Interlocked.Add(ref queuedTexts, -texts);

    [LoggerMessage(EventId = 20, Level = LogLevel.Error, Message = "A batch of {Requests} request(s) with {Texts} text(s) failed")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int requests, int texts);

    /// <summary>
    /// One request's texts, already encoded with the model snapshot it will be answered by. Its texts count against the
    /// queue until it is answered, fails or its client goes away, whichever comes first (released exactly once).
    /// </summary>
    private sealed class WorkItem
    {
        private readonly TaskCompletionSource<PredictionBatch> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly CancellationTokenRegistration registration;
        private readonly Action<int> release;
        private int released;

        public WorkItem(LoadedModel model, int[][] encoded, Action<int> release, CancellationToken cancellationToken)
        {
            Model = model;
            Encoded = encoded;
            this.release = release;
            if (cancellationToken.CanBeCanceled)
            {
                registration = cancellationToken.UnsafeRegister(static (state, token) => ((WorkItem)state!).Cancel(token), this);
            }
        }

        public LoadedModel Model { get; }

        public int[][] Encoded { get; }

        public int Count => Encoded.Length;

        public Task<PredictionBatch> Task => completion.Task;

        public void Complete(PredictionBatch result)
        {
            registration.Dispose();
            completion.TrySetResult(result);
            Release();
        }

        public void Fail(Exception exception)
        {
            registration.Dispose();
            completion.TrySetException(exception);
            Release();
        }

        private void Cancel(CancellationToken token)
        {
            completion.TrySetCanceled(token);
            Release();
        }

        private void Release()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                release(Count);
            }
        }
    }
}
