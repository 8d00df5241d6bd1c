using System.Diagnostics;

namespace TextClassification.Server.Tests.Infrastructure;

/// <summary>The openssl command line, when installed: a TLS client that can offer exactly the protocol and suites a test names.</summary>
internal static class OpenSsl
{
    public static bool IsAvailable { get; } = Probe();

    /// <summary>Runs <c>openssl s_client</c> against 127.0.0.1:<paramref name="port"/> with stdin closed; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> ConnectAsync(int port, params string[] options)
    {
        var start = new ProcessStartInfo("openssl")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in (string[])["s_client", "-connect", $"127.0.0.1:{port}", "-servername", "localhost", .. options])
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static bool Probe()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("openssl", "version") { RedirectStandardOutput = true, UseShellExecute = false });
            process?.WaitForExit(10_000);
            return process?.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
