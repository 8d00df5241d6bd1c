using System.ComponentModel;
using System.Diagnostics;

namespace TextClassification.Server.Tests.Infrastructure;

/// <summary>Starts a command-line tool the tests need (curl, openssl); a missing tool fails the test and says how to get it.</summary>
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
            throw new InvalidOperationException(
                $"`{start.FileName}` is needed by this test and could not be started ({e.Message}); install it (apt-get install {start.FileName}) — .ci/run does", e);
        }
    }
}
