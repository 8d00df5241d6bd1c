using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace TextClassification.Server.Inference.Batching;

/// <summary>
/// Admission control and the queue itself: at most <see cref="InferenceOptions.QueueCapacity"/> texts wait (one
/// request larger than that is admitted alone, into an empty queue); past it requests are refused instead of queued.
/// Any thread writes; only the scheduler that holds the consumer role reads.
/// </summary>
internal sealed class InferenceQueue
{
    private readonly Channel<WorkItem> channel = Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
    private int queuedTexts;

    public InferenceQueue(IOptions<InferenceOptions> options) => Capacity = options.Value.QueueCapacity;

    public int Capacity { get; }

    /// <summary>Texts admitted and not yet answered, failed or abandoned.</summary>
    public int QueuedTexts => Volatile.Read(ref queuedTexts);

    /// <summary>Reserves room for <paramref name="texts"/>; false when the queue is full.</summary>
    public bool TryAdmit(int texts)
    {
        int queued = Interlocked.Add(ref queuedTexts, texts);
        if (queued > Capacity && queued != texts)
        {
            Interlocked.Add(ref queuedTexts, -texts);
            return false;
        }
        return true;
    }

    /// <summary>Gives back the room of texts that were answered, failed or abandoned.</summary>
    public void Release(int texts) => Interlocked.Add(ref queuedTexts, -texts);

    /// <summary>False once the queue is closed (the server is stopping).</summary>
    public bool TryWrite(WorkItem item) => channel.Writer.TryWrite(item);

    public bool TryRead([MaybeNullWhen(false)] out WorkItem item) => channel.Reader.TryRead(out item);

    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken) => channel.Reader.WaitToReadAsync(cancellationToken);

    /// <summary>Accepts nothing more; what is still queued is returned to be failed.</summary>
    public IReadOnlyList<WorkItem> Close()
    {
        channel.Writer.TryComplete();
        var left = new List<WorkItem>();
        while (channel.Reader.TryRead(out var item))
        {
            left.Add(item);
        }
        return left;
    }
}
