using System.Diagnostics;

namespace TextClassification.Server.Tests.Infrastructure;

/// <summary>The openssl command line: a TLS client that can offer exactly the protocol and suites a test names.</summary>
internal static class OpenSsl
{
    /// <summary>
    /// Runs <c>openssl s_client -msg</c> against 127.0.0.1:<paramref name="port"/> with stdin closed; <c>-msg</c> makes it
    /// print every handshake message it sends (<c>&gt;&gt;&gt;</c>) and receives (<c>&lt;&lt;&lt;</c>), so a test can check what was offered.
    /// </summary>
    public static async Task<OpenSslHandshake> ConnectAsync(int port, params string[] options)
    {
        var start = new ProcessStartInfo("openssl")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in (string[])["s_client", "-connect", $"127.0.0.1:{port}", "-servername", "localhost", "-msg", .. options])
        {
            start.ArgumentList.Add(argument);
        }
        using var process = ExternalTool.Start(start);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return new OpenSslHandshake(process.ExitCode, await stdout + await stderr);
    }
}
