using System.Buffers;

namespace TextClassification.Server.Predictions;

/// <summary>
/// Where a request body is read into, grown as bytes arrive: a pooled array while the body is small, then memory
/// mapped for this request alone (<see cref="MappedBuffer"/>), so that large bodies never sit on the large-object heap
/// and their memory goes back to the system as soon as the request ends.
/// </summary>
internal sealed class BodyBuffer : IDisposable
{
    /// <summary>Below the large-object heap's 85,000 bytes; typical request bodies (a few KB) stay pooled.</summary>
    public const int PooledLimit = 64 * 1024;

    private byte[]? array;
    private MappedBuffer? mapped;

    public BodyBuffer(int capacity) => array = ArrayPool<byte>.Shared.Rent(Math.Clamp(capacity, 1, PooledLimit));

    public int Capacity => mapped?.Capacity ?? array?.Length ?? 0;

    public Memory<byte> Memory => mapped?.Memory ?? array ?? throw new ObjectDisposedException(nameof(BodyBuffer));

    /// <summary>Room for <paramref name="needed"/> bytes (at most <paramref name="max"/>), keeping the first <paramref name="length"/>.</summary>
    public void EnsureCapacity(int needed, int length, int max)
    {
        if (needed <= Capacity)
        {
            return;
        }
        int size = (int)Math.Min(Math.Max((long)Capacity * 2, needed), Math.Max(max, needed));
        var kept = Memory.Span[..length];
        if (size <= PooledLimit)
        {
            byte[] larger = ArrayPool<byte>.Shared.Rent(size);
            kept.CopyTo(larger);
            Release();
            array = larger;
        }
        else
        {
            var larger = MappedBuffer.Allocate(size);
            kept.CopyTo(larger.GetSpan());
            Release();
            mapped = larger;
        }
    }

    /// <summary>Gives the memory back; a mapped body counts towards <see cref="Security.MemoryReclaimer"/>'s next reclaim.</summary>
    public void Dispose()
    {
        if (mapped is { } region)
        {
            Security.MemoryReclaimer.NoteReleased(region.Capacity);
        }
        Release();
    }

    private void Release()
    {
        if (array is { } pooled)
        {
            array = null;
            ArrayPool<byte>.Shared.Return(pooled);
        }
        if (mapped is { } region)
        {
            mapped = null;
            ((IDisposable)region).Dispose();
        }
    }
}
