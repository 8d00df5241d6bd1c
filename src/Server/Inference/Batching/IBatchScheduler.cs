namespace TextClassification.Server.Inference.Batching;

/// <summary>Decides when queued requests run: one strategy per <see cref="InferenceOptions.MaxBatchDelay"/> setting.</summary>
internal interface IBatchScheduler : IDisposable
{
    /// <summary>Called on the request's thread right after <paramref name="item"/> was queued.</summary>
    void Queued(WorkItem item);
}
