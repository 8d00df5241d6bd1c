using System.Diagnostics;
using TextClassification.Server.Inference.Batching;

namespace TextClassification.Server.Inference;

/// <summary>
/// The inference spans (<see cref="ActivitySource"/> <see cref="SourceName"/>): under a request's server span
/// <c>tokenize</c> and <c>queue</c>; one <c>inference</c> span per batched forward, linked to the span of every request
/// in the batch (a batch serves many traces, so it is a root of its own, as OpenTelemetry's messaging conventions do
/// for batches). Without a listener (no OTLP endpoint configured) every call here is one branch.
/// </summary>
internal static class InferenceTracing
{
    public const string SourceName = "TextClassification.Server";
    public const string TokenizeSpan = "tokenize";
    public const string QueueSpan = "queue";
    public const string InferenceSpan = "inference";
    public const string TextsAttribute = "textclf.texts";
    public const string BatchSizeAttribute = "textclf.batch.size";
    public const string BatchTokensAttribute = "textclf.batch.tokens";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>The current request's span, for a queued request's spans to refer to; default when nothing listens.</summary>
    public static ActivityContext CurrentRequest() => Source.HasListeners() && Activity.Current is { } current ? current.Context : default;

    /// <summary>The <c>tokenize</c> span of <paramref name="texts"/> texts, a child of the current request's span; null when not traced.</summary>
    public static Activity? StartTokenize(int texts) => Source.StartActivity(TokenizeSpan)?.SetTag(TextsAttribute, texts);

    /// <summary>
    /// Records each traced request's <c>queue</c> span, ending when its forward starts at <paramref name="forwardStart"/>,
    /// and starts the batch's <c>inference</c> span; disposing the result ends it. Runs on the batch's thread, whose
    /// own current span (the leading request's) is set aside meanwhile so that the batch does not become its child.
    /// </summary>
    public static BatchTrace StartBatch(List<WorkItem> batch, int texts, long forwardStart)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (!Source.HasListeners())
        {
            return default;
        }
        var now = DateTime.UtcNow;
        var links = new List<ActivityLink>(batch.Count);
        long tokens = 0;
        foreach (var item in batch)
        {
            foreach (var ids in item.Encoded)
            {
                tokens += ids.Length;
            }
            if (item.RequestSpan == default)
            {
                continue;
            }
            links.Add(new ActivityLink(item.RequestSpan));
            var queued = now - Stopwatch.GetElapsedTime(item.EnqueuedAt, forwardStart);
            using var queue = Source.StartActivity(QueueSpan, ActivityKind.Internal, item.RequestSpan, startTime: queued);
            queue?.SetEndTime(now);
        }
        var outer = Activity.Current;
        Activity.Current = null;
        var inference = Source.StartActivity(ActivityKind.Internal, links: links, name: InferenceSpan);
        if (inference is null)
        {
            Activity.Current = outer;
            return default;
        }
        inference.SetTag(BatchSizeAttribute, texts);
        inference.SetTag(BatchTokensAttribute, tokens);
        return new BatchTrace(inference, outer);
    }
}
