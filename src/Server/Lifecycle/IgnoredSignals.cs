using System.Globalization;

namespace TextClassification.Server.Lifecycle;

/// <summary>
/// Signals this process was started with ignored: `nohup` ignores SIGHUP, and a non-interactive shell starts
/// background jobs (`cmd &`) with SIGINT and SIGQUIT ignored. .NET does not deliver a signal that was ignored when the
/// process started, so a PosixSignalRegistration for it never fires.
/// </summary>
internal static class IgnoredSignals
{
    public const int Hangup = 1;
    public const int Interrupt = 2;

    /// <summary>True when <paramref name="signal"/> is in this process's SigIgn mask (Linux <c>/proc/self/status</c>).</summary>
    public static bool IsIgnored(int signal)
    {
        const string Prefix = "SigIgn:";
        const string Status = "/proc/self/status";
        if (!OperatingSystem.IsLinux() || !File.Exists(Status))
        {
            return false;
        }
        string? line = File.ReadLines(Status).FirstOrDefault(l => l.StartsWith(Prefix, StringComparison.Ordinal));
        return line is not null
            && ulong.TryParse(line[Prefix.Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong mask)
            && (mask & (1UL << (signal - 1))) != 0;
    }
}
