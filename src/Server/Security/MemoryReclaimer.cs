using System.Diagnostics;
using TextClassification.Server.Inference;

namespace TextClassification.Server.Security;

/// <summary>
/// Gives memory back to the system after a burst of large request bodies: an upload flood, or stalled uploads cut at
/// <c>Server:RequestBodyTimeout</c>. The bodies themselves are unmapped when each request ends
/// (<see cref="Predictions.MappedBuffer"/>), but the hundreds of connections that carried them leave freed TLS and
/// pipe buffers behind, in glibc's arenas and on the managed heap, which neither glibc nor server GC return while
/// traffic is light (measured: +18 % RSS that stayed, after 300 stalled uploads). Once at least
/// <see cref="ThresholdBytes"/> of large bodies were released and none for <see cref="Quiet"/> (longer than
/// Kestrel's 5 s drain, so their connections are gone), one compacting collection runs and the arenas are trimmed.
/// Ordinary traffic (bodies under <see cref="Predictions.BodyBuffer.PooledLimit"/>) never triggers it, and steady
/// large-body traffic does not either, since it is never quiet.
/// </summary>
internal sealed partial class MemoryReclaimer(TimeProvider time, ILogger<MemoryReclaimer> logger) : BackgroundService
{
    public const long ThresholdBytes = 64L << 20;

    public static readonly TimeSpan Quiet = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(5);

    private static long releasedBytes;
    private static long lastRelease;

    /// <summary>A large request body's memory went back to the system (called when its mapping is released).</summary>
    public static void NoteReleased(long bytes)
    {
        Interlocked.Add(ref releasedBytes, bytes);
        Volatile.Write(ref lastRelease, Stopwatch.GetTimestamp());
    }

    /// <summary>True when a reclaim is due: enough released, and quiet since.</summary>
    public static bool IsDue(long released, TimeSpan sinceLastRelease) => released >= ThresholdBytes && sinceLastRelease >= Quiet;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Tick, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                if (!IsDue(Volatile.Read(ref releasedBytes), Stopwatch.GetElapsedTime(Volatile.Read(ref lastRelease))))
                {
                    continue;
                }
                long released = Interlocked.Exchange(ref releasedBytes, 0);
                long before = Environment.WorkingSet;
                long start = Stopwatch.GetTimestamp();
                ModelMemory.ReclaimAll();
                var took = Stopwatch.GetElapsedTime(start);
                long after = Environment.WorkingSet;
                LogReclaimed(logger, released >> 20, before >> 20, after >> 20, took.TotalMilliseconds);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
    }

    [LoggerMessage(EventId = 330, Level = LogLevel.Information,
        Message = "Memory reclaimed after {ReleasedMegabytes} MB of large request bodies: RSS {BeforeMegabytes} -> {AfterMegabytes} MB ({Milliseconds:F0} ms)")]
    private static partial void LogReclaimed(ILogger logger, long releasedMegabytes, long beforeMegabytes, long afterMegabytes, double milliseconds);
}
