using System.Runtime.InteropServices;

namespace TextClassification.Server.Inference;

/// <summary>
/// Keeps memory flat across hot reloads (bench/zero_downtime.py --mode reload-rss measures it). Two things grew:
/// glibc raises its mmap threshold to the size of the first large block freed, so from the first reload on libtorch's
/// weights came from the malloc arenas, whose freed pages stay resident and fragment; and each load leaves the old
/// vocabulary and file buffers on the large-object heap, which server GC frees only in a gen2 collection. So large
/// blocks are mapped on their own (given back to the OS when freed), and once a replaced model is disposed one full
/// collection runs and the arenas are trimmed. The glibc calls are no-ops where glibc is absent (musl, other systems).
/// </summary>
internal static class ModelMemory
{
    /// <summary>Above a batch's temporaries (kept in the arenas, no syscall per forward), below any real model's weights.</summary>
    public const int MmapThreshold = 1 << 20;

    private const int MallocOptionMmapThreshold = -3; // M_MMAP_THRESHOLD in glibc's malloc.h

    private static int glibcMissing;
    private static int reclaimQueued;

    /// <summary>Fixes glibc's mmap threshold (which also stops it adjusting itself); call before loading the first model.</summary>
    public static void Configure() => CallGlibc(static () => _ = MallOpt(MallocOptionMmapThreshold, MmapThreshold));

    /// <summary>After a replaced model is disposed: on the thread pool, off the batch that released it.</summary>
    /// <remarks>Coalesced: a burst of replaced models queues one reclaim, not one blocking full collection each.</remarks>
    public static void ReclaimSoon()
    {
        if (Interlocked.Exchange(ref reclaimQueued, 1) != 0)
        {
            return;
        }
        ThreadPool.UnsafeQueueUserWorkItem(static _ =>
        {
            Volatile.Write(ref reclaimQueued, 0); // a model retired from here on queues the next one
            Reclaim();
        }, (object?)null, preferLocal: false);
    }

    /// <summary>
    /// Everything the process can give back: a compacting full collection that also decommits the managed heap's free
    /// space (<see cref="GCCollectionMode.Aggressive"/>), then a trim of every glibc arena. Blocks for a few tens of
    /// milliseconds; for rare moments (<see cref="Security.MemoryReclaimer"/>), not for the request path.
    /// </summary>
    public static void ReclaimAll()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        CallGlibc(static () => _ = MallocTrim(0));
    }

    private static void Reclaim()
    {
        GC.Collect(); // once per reload, which is rare: not worth leaving a model's garbage until server GC's next gen2
        GC.WaitForPendingFinalizers();
        CallGlibc(static () => _ = MallocTrim(0));
    }

    private static void CallGlibc(Action call)
    {
        if (!OperatingSystem.IsLinux() || Volatile.Read(ref glibcMissing) != 0)
        {
            return;
        }
        try
        {
            call();
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            Volatile.Write(ref glibcMissing, 1);
        }
    }

    [DllImport("libc.so.6", EntryPoint = "malloc_trim", ExactSpelling = true)]
    private static extern int MallocTrim(nuint pad);

    [DllImport("libc.so.6", EntryPoint = "mallopt", ExactSpelling = true)]
    private static extern int MallOpt(int option, int value);
}
