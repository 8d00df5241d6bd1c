using System.ComponentModel.DataAnnotations;

namespace TextClassification.Server.Inference;

/// <summary>The <c>Inference</c> settings.</summary>
internal sealed class InferenceOptions
{
    public const string SectionName = "Inference";

    /// <summary>
    /// torch intra-op threads (<c>torch.set_num_threads</c>). 1 suits this small model: requests already run in
    /// parallel on the thread pool, and more threads per forward would contend with them.
    /// </summary>
    [Range(1, 1024, ErrorMessage = "Inference:IntraOpThreads must be between {1} and {2}")]
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>Most texts coalesced into one EmbeddingBag forward (across concurrent requests).</summary>
    [Range(1, 100_000, ErrorMessage = "Inference:MaxBatchSize must be between {1} and {2}")]
    public int MaxBatchSize { get; set; } = 64;

    /// <summary>
    /// Microseconds a batch that is not full may wait for more requests. 0 (the default, like Triton's dynamic
    /// batcher) takes whatever is queued when no batch is running: no added latency, and batches grow with load.
    /// Waits are timer-based, so values under a millisecond round up to about one.
    /// </summary>
    [Range(0, 10_000_000, ErrorMessage = "Inference:MaxBatchDelay must be between {1} and {2} microseconds")]
    public int MaxBatchDelay { get; set; }

    /// <summary>
    /// Requests a freshly loaded model serves to the warm-up (parse, tokenize, forward, JSON) before <c>/health</c>
    /// turns 200, at startup and on each reload; 0 (the default) skips it. See <c>Predictions/PredictionWarmup</c>:
    /// measured, 300 of them added ~0.12 s to cold start and did not raise the first seconds' throughput beyond the
    /// run-to-run noise (docs/performance.md, "First seconds"), so it is off unless an operator measures otherwise.
    /// </summary>
    [Range(0, 100_000, ErrorMessage = "Inference:WarmupRequests must be between {1} and {2}")]
    public int WarmupRequests { get; set; }

    /// <summary>Most texts waiting for inference; past it requests get 503 with Retry-After instead of queueing.</summary>
    [Range(1, 10_000_000, ErrorMessage = "Inference:QueueCapacity must be between {1} and {2}")]
    public int QueueCapacity { get; set; } = 4096;
}
