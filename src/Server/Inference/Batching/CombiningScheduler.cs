namespace TextClassification.Server.Inference.Batching;

/// <summary>
/// <see cref="InferenceOptions.MaxBatchDelay"/> = 0 (opportunistic, like Triton's default): no worker thread. The
/// request that finds no batch running leads: it runs batches itself until the queue is empty (flat combining), so an
/// idle server answers without a thread hop and a busy one batches whatever arrived meanwhile. A request's thread leads
/// only until its own answer is ready; if requests are still waiting then, it hands the lead to a thread-pool item so
/// its response is not held up by later arrivals. The leader flag makes the leader the only user of the runner.
/// </summary>
internal sealed class CombiningScheduler(InferenceQueue queue, BatchRunner runner) : IBatchScheduler
{
    private int leading;

    public void Queued(WorkItem item)
    {
        if (Interlocked.CompareExchange(ref leading, 1, 0) == 0)
        {
            Lead(item);
        }
    }

    public void Dispose()
    {
    }

    private void Lead(WorkItem? own)
    {
        do
        {
            while (runner.Start())
            {
                runner.Run();
                if (own is { IsFinished: true } && queue.QueuedTexts > 0)
                {
                    ThreadPool.UnsafeQueueUserWorkItem(static self => self.Lead(null), this, preferLocal: false);
                    return; // still leading: the pool item carries on
                }
            }
            Volatile.Write(ref leading, 0);
            // A request queued after the last fill but before the release saw a leader and did not lead: take over.
            // (The count, not the queue, is checked: only the leader may read it.)
        }
        while (queue.QueuedTexts > 0 && Interlocked.CompareExchange(ref leading, 1, 0) == 0);
    }
}
