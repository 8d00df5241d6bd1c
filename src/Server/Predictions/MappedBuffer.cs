using System.Buffers;
using System.Runtime.InteropServices;

namespace TextClassification.Server.Predictions;

/// <summary>
/// A large request body's bytes in memory mapped for that request alone (<c>mmap</c>) and unmapped when it ends, so a
/// flood of large or stalled uploads leaves nothing resident once they are answered: pooled or large-object arrays
/// would stay until a full collection, which an idle server never runs. Elsewhere than Linux, native memory.
/// </summary>
internal sealed unsafe class MappedBuffer : MemoryManager<byte>
{
    private const int ProtReadWrite = 0x1 | 0x2;
    private const int MapPrivateAnonymous = 0x02 | 0x20;

    private byte* pointer;

    private MappedBuffer(byte* pointer, int capacity)
    {
        this.pointer = pointer;
        Capacity = capacity;
    }

    public int Capacity { get; }

    public static MappedBuffer Allocate(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        if (!OperatingSystem.IsLinux())
        {
            return new MappedBuffer((byte*)NativeMemory.Alloc((nuint)capacity), capacity);
        }
        void* mapped = Mmap(null, (nuint)capacity, ProtReadWrite, MapPrivateAnonymous, -1, 0);
        return mapped == (void*)-1
            ? throw new InsufficientMemoryException($"mmap of {capacity} bytes for a request body failed (errno {Marshal.GetLastPInvokeError()})")
            : new MappedBuffer((byte*)mapped, capacity);
    }

    public override Span<byte> GetSpan() => pointer is null ? throw new ObjectDisposedException(nameof(MappedBuffer)) : new Span<byte>(pointer, Capacity);

    public override MemoryHandle Pin(int elementIndex = 0) => new(pointer + elementIndex);

    public override void Unpin()
    {
        // mapped memory never moves
    }

    protected override void Dispose(bool disposing)
    {
        byte* mapped = pointer;
        pointer = null;
        if (mapped is null)
        {
            return;
        }
        if (OperatingSystem.IsLinux())
        {
            _ = Munmap(mapped, (nuint)Capacity);
        }
        else
        {
            NativeMemory.Free(mapped);
        }
    }

    [DllImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static extern void* Mmap(void* address, nuint length, int protection, int flags, int fileDescriptor, nint offset);

    [DllImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static extern int Munmap(void* address, nuint length);
}
