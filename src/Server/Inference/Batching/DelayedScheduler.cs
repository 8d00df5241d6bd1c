using Microsoft.Extensions.Options;

namespace TextClassification.Server.Inference.Batching;

/// <summary>
/// <see cref="InferenceOptions.MaxBatchDelay"/> &gt; 0: one worker gathers requests for up to that long before each
/// forward (or until the batch is full), trading latency for larger batches. The worker is the only user of the runner.
/// </summary>
internal sealed class DelayedScheduler : IBatchScheduler
{
    private readonly InferenceQueue queue;
    private readonly BatchRunner runner;
    private readonly TimeSpan delay;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task worker;
    private int disposed;

    public DelayedScheduler(InferenceQueue queue, BatchRunner runner, IOptions<InferenceOptions> options)
    {
        this.queue = queue;
        this.runner = runner;
        delay = TimeSpan.FromMicroseconds(options.Value.MaxBatchDelay);
        worker = Task.Run(GatherAsync);
    }

    public void Queued(WorkItem item)
    {
        // the worker is woken by the queue itself
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return; // the service stops it first; the container disposes it again
        }
        stopping.Cancel();
        try
        {
            worker.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // the worker ends with OperationCanceledException on shutdown
        }
        stopping.Dispose();
    }

    private async Task GatherAsync()
    {
        try
        {
            while (!runner.HasRoom || await queue.WaitToReadAsync(stopping.Token))
            {
                long deadline = Environment.TickCount64 + (long)Math.Ceiling(delay.TotalMilliseconds);
                if (!runner.Start())
                {
                    continue;
                }
                while (runner.HasRoom && await WaitForMoreAsync(deadline))
                {
                    runner.Fill();
                }
                runner.Run();
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            runner.FailCarried(new OperationCanceledException("the server is stopping"));
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
            return await queue.WaitToReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return false;
        }
    }
}
