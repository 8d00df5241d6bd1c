using System.ComponentModel;
using System.Diagnostics;

namespace TextClassification.Server.Tests.Infrastructure;

/// <summary>
/// Starts a command-line tool a test needs (curl, openssl). A missing tool reports the test as skipped, with the reason
/// and how to get it (such tests are [SkippableFact]s; .ci/run installs both tools, so CI always runs them).
/// </summary>
internal static class ExternalTool
{
    public static Process Start(ProcessStartInfo start)
    {
        ArgumentNullException.ThrowIfNull(start);
        try
        {
            return Process.Start(start) ?? throw new InvalidOperationException($"`{start.FileName}` did not start");
        }
        catch (Win32Exception e)
        {
            throw new SkipException(
                $"`{start.FileName}` is needed by this test and could not be started ({e.Message}); install it (apt-get install {start.FileName}) — .ci/run does");
        }
    }
}
