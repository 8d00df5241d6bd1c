using System.Globalization;

namespace TextClassification.Server.Hosting;

/// <summary>
/// Default connection caps derived from the process's open-file limit. Every connection holds a socket descriptor;
/// at the limit Kestrel's accept loop fails with EMFILE over and over while memory grows until the runtime aborts.
/// With a cap below the limit Kestrel accepts the excess connection and closes it at once, and stays up.
/// </summary>
internal static class ConnectionLimits
{
    /// <summary>
    /// Descriptors kept out of the connection budget: the runtime, the mapped assemblies and libtorch take about 260
    /// once warm; the rest is room for files opened later (certificate, model, assemblies loaded on first use).
    /// </summary>
    public const long ReservedDescriptors = 384;

    /// <summary>Fewest connections allowed by default, however low the open-file limit.</summary>
    public const long MinimumConnections = 16;

    /// <summary>Share of the budget kept for upgraded connections (which Kestrel counts apart), 1 in 16.</summary>
    private const long UpgradedShare = 16;

    /// <summary>
    /// The caps for a soft open-file limit: (limit − <see cref="ReservedDescriptors"/>), 1/16 of it for upgraded
    /// connections and the rest for connections; null for no limit (unlimited or unknown).
    /// </summary>
    public static (long Connections, long Upgraded)? FromOpenFileLimit(long? softLimit)
    {
        if (softLimit is not { } limit)
        {
            return null;
        }
        long budget = Math.Max(limit - ReservedDescriptors, MinimumConnections);
        long upgraded = Math.Max(budget / UpgradedShare, 1);
        return (budget - upgraded, upgraded);
    }

    /// <summary>This process's soft open-file limit (RLIMIT_NOFILE) from /proc/self/limits; null where unlimited or unknown.</summary>
    public static long? SoftOpenFileLimit()
    {
        try
        {
            return OperatingSystem.IsLinux() ? ParseSoftOpenFileLimit(File.ReadAllText("/proc/self/limits")) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The soft limit on the "Max open files" line of a /proc/PID/limits text; null when unlimited or absent.</summary>
    public static long? ParseSoftOpenFileLimit(string limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        const string Label = "Max open files";
        foreach (string line in limits.Split('\n'))
        {
            if (line.StartsWith(Label, StringComparison.Ordinal))
            {
                string soft = line[Label.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
                return long.TryParse(soft, NumberStyles.None, CultureInfo.InvariantCulture, out long value) ? value : null;
            }
        }
        return null;
    }
}
