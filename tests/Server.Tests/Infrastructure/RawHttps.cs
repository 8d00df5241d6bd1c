using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace TextClassification.Server.Tests.Infrastructure;

/// <summary>
/// One TLS connection to the real server speaking hand-written HTTP/1.1, for what HttpClient will not send: broken
/// framing, an upload that stalls, an upload the client resets.
/// </summary>
internal sealed class RawHttps : IAsyncDisposable
{
    private readonly TcpClient tcp;
    private readonly SslStream tls;

    private RawHttps(TcpClient tcp, SslStream tls)
    {
        this.tcp = tcp;
        this.tls = tls;
    }

    public static async Task<RawHttps> ConnectAsync(ServerProcess server)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.HttpsUri.Port);
        var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ApplicationProtocols = [SslApplicationProtocol.Http11],
            RemoteCertificateValidationCallback = (_, certificate, _, _) => server.PresentedCertificateMatchesFile(certificate),
        });
        return new RawHttps(tcp, tls);
    }

    public async Task SendAsync(string ascii, int extraBodyBytes = 0)
    {
        await tls.WriteAsync(Encoding.ASCII.GetBytes(ascii));
        if (extraBodyBytes > 0)
        {
            byte[] body = new byte[extraBodyBytes];
            body.AsSpan().Fill((byte)'a');
            await tls.WriteAsync(body);
        }
        await tls.FlushAsync();
    }

    /// <summary>
    /// Everything the server sends until it closes the connection, cleanly or with a reset (as Kestrel does when it gives
    /// up draining an upload); throws when <paramref name="timeout"/> passes first.
    /// </summary>
    public async Task<string> ReadUntilClosedAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        using var received = new MemoryStream();
        byte[] buffer = new byte[16_384];
        try
        {
            int read;
            while ((read = await tls.ReadAsync(buffer, cancellation.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (IOException) when (!cancellation.IsCancellationRequested)
        {
            // reset by the server: the connection is closed all the same
        }
        return Encoding.UTF8.GetString(received.ToArray());
    }

    /// <summary>Closes with a TCP reset instead of a clean shutdown, as a client that gives up mid-upload may.</summary>
    public void Reset()
    {
        tcp.Client.LingerState = new LingerOption(true, 0);
        tcp.Client.Close();
    }

    public async ValueTask DisposeAsync()
    {
        await tls.DisposeAsync();
        tcp.Dispose();
    }
}
