using System.Runtime.InteropServices;

namespace TextClassification.Model.Bundles;

/// <summary>
/// Checks a bundle file before it is opened: it must be a regular file (after following symlinks) of bounded size.
/// Opening a FIFO blocks until a writer appears, and a symlink to <c>/dev/zero</c> or a huge file never finishes
/// loading; both would hang a load (and, before <c>Model:LoadTimeout</c>, a shutdown) instead of failing it.
/// </summary>
internal static partial class BundleFile
{
    /// <summary>config.json is a few hundred bytes; 1 MiB leaves room for a long provenance.</summary>
    public const long MaxConfigBytes = 1L << 20;

    /// <summary>A vocabulary of several million tokens as JSON.</summary>
    public const long MaxVocabularyBytes = 1L << 30;

    /// <summary>Weights of a few billion float32 parameters: far beyond what a bag-of-words classifier needs.</summary>
    public const long MaxWeightsBytes = 16L << 30;

    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int StatxBufferSize = 256;
    private const int StatxModeOffset = 28;
    private const ushort FileTypeMask = 0xF000; // S_IFMT
    private const ushort RegularFile = 0x8000; // S_IFREG
    private const ushort DirectoryType = 0x4000; // S_IFDIR

    /// <summary>
    /// Throws a <see cref="ModelLoadException"/> naming <paramref name="path"/> when it exists but is not a regular file,
    /// or is larger than <paramref name="maxBytes"/>. A missing file is left to the caller, which says what it expected.
    /// </summary>
    public static void EnsureReadable(string path, long maxBytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (TryReadFileType(path) is { } type && type != RegularFile)
        {
            throw new ModelLoadException(path, $"is {Describe(type)}, not a regular file; a bundle holds regular files only");
        }
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return;
        }
        if (info.Length > maxBytes)
        {
            throw new ModelLoadException(path, $"is {Size(info.Length)}; the most this server reads for it is {Size(maxBytes)}");
        }
    }

    /// <summary>The <c>S_IFMT</c> bits of the file the path names (symlinks followed); null where statx is unavailable or the path does not exist.</summary>
    private static ushort? TryReadFileType(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        // statx's struct is the same on every Linux architecture, unlike stat's: stx_mode is a u16 at offset 28.
        byte[] buffer = new byte[StatxBufferSize];
        try
        {
            if (Statx(AtFdCwd, path, 0, StatxType, buffer) != 0)
            {
                return null;
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
        return (ushort)(BitConverter.ToUInt16(buffer, StatxModeOffset) & FileTypeMask);
    }

    private static string Describe(ushort type) => type switch
    {
        DirectoryType => "a directory",
        0x1000 => "a FIFO (named pipe)",
        0x2000 => "a character device",
        0x6000 => "a block device",
        0xC000 => "a socket",
        _ => "a special file",
    };

    private static string Size(long bytes) => bytes >= 1L << 30
        ? FormattableString.Invariant($"{bytes / (double)(1L << 30):0.#} GiB")
        : FormattableString.Invariant($"{bytes / (double)(1L << 20):0.#} MiB");

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directoryFd, string path, int flags, uint mask, [Out] byte[] buffer);
}
