using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

/// <summary>One real server process (Kestrel) for the class: HTTPS with a generated certificate, plus an explicit plain-HTTP URL.</summary>
public sealed class HttpsServerFixture : IAsyncLifetime, IDisposable
{
    private readonly TempDir certificates = new();

    internal ServerProcess Server { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Server = await ServerProcess.StartAsync(certificates.Path, "https://127.0.0.1:0;http://127.0.0.1:0");

    public async Task DisposeAsync() => await Server.DisposeAsync();

    public void Dispose() => certificates.Dispose();
}

public sealed class HttpsServerTests(HttpsServerFixture fixture) : IClassFixture<HttpsServerFixture>
{
    private ServerProcess Server => fixture.Server;

    [Fact]
    public async Task AClientTrustingOnlyTheGeneratedCertificateGetsHealthyAndPredictions()
    {
        using var client = new HttpClient(Server.TrustingOnlyItsCertificate()) { BaseAddress = Server.HttpsUri };

        var health = await client.GetAsync(new Uri("/health", UriKind.Relative));
        using var content = new StringContent("""{"text":"win a free prize now"}""", Encoding.UTF8, "application/json");
        var prediction = await client.PostAsync(new Uri("/predict", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Contains("\"status\":\"Healthy\"", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, prediction.StatusCode);
    }

    [Fact]
    public async Task AClientWithTheSystemTrustStoreRejectsTheSelfSignedCertificate()
    {
        using var client = new HttpClient { BaseAddress = Server.HttpsUri };

        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri("/health/live", UriKind.Relative)));

        // Any handshake failure is an AuthenticationException; this one must be about the certificate.
        var refusal = Assert.IsType<AuthenticationException>(failure.InnerException);
        Assert.Contains("remote certificate", refusal.Message, StringComparison.OrdinalIgnoreCase);
    }

    [SkippableFact]
    public async Task CurlTrustsTheCertificateFileForLocalhostAndLoopback()
    {
        foreach (string host in new[] { "localhost", "127.0.0.1" })
        {
            var start = new System.Diagnostics.ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string argument in new[] { "-sS", "--cacert", Server.CertificatePath, "--resolve", $"localhost:{Server.HttpsUri.Port}:127.0.0.1", $"https://{host}:{Server.HttpsUri.Port}/health" })
            {
                start.ArgumentList.Add(argument);
            }
            using var curl = ExternalTool.Start(start);
            string output = await curl.StandardOutput.ReadToEndAsync() + await curl.StandardError.ReadToEndAsync();
            await curl.WaitForExitAsync();
            Assert.True(curl.ExitCode == 0, $"curl {host}: {output}");
            Assert.Contains("Healthy", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Tls13IsNegotiatedWhenTheClientOffersIt()
    {
        await using var tls = await ConnectAsync(SslProtocols.Tls13 | SslProtocols.Tls12);

        Assert.Equal(SslProtocols.Tls13, tls.SslProtocol);
    }

    [Fact]
    public async Task Tls12IsAcceptedWithAnAeadSuite()
    {
        await using var tls = await ConnectAsync(SslProtocols.Tls12);

        Assert.Equal(SslProtocols.Tls12, tls.SslProtocol);
        Assert.Contains("GCM", tls.NegotiatedCipherSuite.ToString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Tls11IsRefusedByTheServer()
    {
        // .NET's client cannot be made to offer TLS 1.1 where OpenSSL's security level forbids it (Debian's default), so
        // its failure would prove nothing. openssl at SECLEVEL=0 offers it; -msg shows what went out and what came back.
        var handshake = await OpenSsl.ConnectAsync(Server.HttpsUri.Port, "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0");

        var offered = handshake.ClientHello;
        Assert.True(offered.Version == ClientHello.Tls11, $"the client offered 0x{offered.Version:x4}, not TLS 1.1:\n{handshake.Output}");
        Assert.DoesNotContain(ClientHello.SupportedVersionsExtension, offered.Extensions);
        Assert.True(handshake.AlertFromServer == "protocol_version", "the server should answer TLS 1.1 with a protocol_version alert:\n" + handshake.Output);
        Assert.NotEqual(0, handshake.ExitCode);
    }

    [SkippableTheory]
    [InlineData("ECDHE-ECDSA-AES128-SHA256", 0xC023)]
    [InlineData("ECDHE-ECDSA-AES256-SHA384", 0xC024)]
    [InlineData("ECDHE-ECDSA-AES128-SHA", 0xC009)]
    [InlineData("ECDHE-ECDSA-AES256-SHA", 0xC00A)]
    public async Task Tls12WithACbcSuiteIsRefusedByTheServer(string suite, int id)
    {
        var handshake = await OpenSsl.ConnectAsync(Server.HttpsUri.Port, "-tls1_2", "-cipher", suite);

        // The client offered TLS 1.2 with this suite and nothing else (0x00ff is the renegotiation signalling value, not a suite).
        var offered = handshake.ClientHello;
        Assert.Equal(ClientHello.Tls12, offered.Version);
        Assert.Equal([(ushort)id, 0x00ff], offered.CipherSuites);
        Assert.True(handshake.AlertFromServer == "handshake_failure", "the server should refuse the suite with a handshake_failure alert:\n" + handshake.Output);
        Assert.NotEqual(0, handshake.ExitCode);
    }

    [SkippableTheory]
    [InlineData("ECDHE-ECDSA-AES128-GCM-SHA256")]
    [InlineData("ECDHE-ECDSA-AES256-GCM-SHA384")]
    [InlineData("ECDHE-ECDSA-CHACHA20-POLY1305")]
    public async Task Tls12WithAnIntermediateSuiteIsAccepted(string suite)
    {
        var handshake = await OpenSsl.ConnectAsync(Server.HttpsUri.Port, "-tls1_2", "-cipher", suite);

        Assert.True(handshake.ExitCode == 0, handshake.Output);
        Assert.Null(handshake.AlertFromServer);
        Assert.Contains($"Cipher is {suite}", handshake.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https")]
    [InlineData("http")]
    public async Task ARealSocketClientReceives413ForAnOversizedBodyWithContentLength(string scheme)
    {
        byte[] body = new byte[2 * 1_048_576];
        body.AsSpan().Fill((byte)'a');

        string response = await ExchangeAsync(scheme, async stream =>
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                $"POST /predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n"));
            await stream.WriteAsync(body);
        });

        Assert.StartsWith("HTTP/1.1 413", response, StringComparison.Ordinal);
        Assert.Contains("application/problem+json", response, StringComparison.Ordinal);
        Assert.Contains("\"status\":413", response, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https")]
    [InlineData("http")]
    public async Task ARealSocketClientReceives413ForAnOversizedChunkedBody(string scheme)
    {
        byte[] chunk = new byte[65_536];
        chunk.AsSpan().Fill((byte)'a');

        string response = await ExchangeAsync(scheme, async stream =>
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                "POST /predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"));
            for (int i = 0; i < 32; i++)
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"{chunk.Length:x}\r\n"));
                await stream.WriteAsync(chunk);
                await stream.WriteAsync("\r\n"u8.ToArray());
            }
            await stream.WriteAsync("0\r\n\r\n"u8.ToArray());
        });

        Assert.StartsWith("HTTP/1.1 413", response, StringComparison.Ordinal);
        Assert.Contains("\"status\":413", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARealSocketClientGetsABodyOfExactlyTheLimitAnswered()
    {
        byte[] body = Bodies.TextOfSize(Bodies.DefaultLimit);

        string response = await ExchangeAsync("https", async stream =>
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                $"POST /predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"));
            await stream.WriteAsync(body);
        });

        Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/../../etc/passwd")]
    [InlineData("/./../appsettings.json")]
    [InlineData("/%2e%2e/%2e%2e/etc/passwd")]
    [InlineData("/swagger/../../../etc/passwd")]
    public async Task ATraversalLookingPathNeverReturnsFileContents(string path)
    {
        string response = await ExchangeAsync("http", stream =>
            stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")).AsTask());

        Assert.Matches(@"^HTTP/1\.1 (404|400)", response);
        Assert.DoesNotContain("root:", response, StringComparison.Ordinal);
        Assert.DoesNotContain("\"Model\"", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlainHttpIsServedWhenAnHttpUrlIsConfigured()
    {
        using var client = new HttpClient { BaseAddress = Server.HttpUri };

        var response = await client.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task TheHealthcheckModeExitsZeroWhileTheServerIsLive()
    {
        var (exitCode, output, errors) = await ServerProcess.RunToExitAsync(TimeSpan.FromSeconds(60), "--healthcheck", "--urls", Server.HttpsUri.ToString());

        Assert.True(exitCode == 0, output + errors);
        Assert.Contains("/health/live: 200", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheHealthcheckModeExitsNonZeroWhenNothingListens()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int unused = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var (exitCode, _, errors) = await ServerProcess.RunToExitAsync(TimeSpan.FromSeconds(60), "--healthcheck", "--urls", $"https://127.0.0.1:{unused}");

        Assert.Equal(1, exitCode);
        Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private async Task<SslStream> ConnectAsync(SslProtocols protocols)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, Server.HttpsUri.Port);
        var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                EnabledSslProtocols = protocols,
                RemoteCertificateValidationCallback = (_, certificate, _, _) => Server.PresentedCertificateMatchesFile(certificate),
            });
            return tls;
        }
        catch
        {
            await tls.DisposeAsync();
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>Writes a raw HTTP/1.1 request (all of it, before reading) and reads the answer until the server closes.</summary>
    private async Task<string> ExchangeAsync(string scheme, Func<Stream, Task> write)
    {
        var uri = scheme == "https" ? Server.HttpsUri : Server.HttpUri;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, uri.Port);
        Stream stream = tcp.GetStream();
        if (scheme == "https")
        {
            var tls = new SslStream(stream, leaveInnerStreamOpen: false);
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                ApplicationProtocols = [SslApplicationProtocol.Http11],
                RemoteCertificateValidationCallback = (_, certificate, _, _) => Server.PresentedCertificateMatchesFile(certificate),
            });
            stream = tls;
        }
        await using (stream)
        {
            await write(stream);
            await stream.FlushAsync();
            using var reader = new StreamReader(stream, Encoding.UTF8);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            return await reader.ReadToEndAsync(timeout.Token);
        }
    }
}
